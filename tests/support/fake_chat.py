"""A fake chat model for unit tests: it queues replies (exceptions too) and records what it was sent.

Integration tests use the real local server (tests/llama_support.py); this fake only stands in for
`coach.llm.build_chat_model` so a test can assert what the model was asked and script what it says.
"""

from langchain_core.messages import AIMessage, AIMessageChunk


class FakeChatModel:
    """Queues replies (text, a list of chunks that may end in an exception, or an exception) and records prompts.

    `with_structured_output(schema)` returns a runnable that parses the next reply into `schema`,
    as the real parser does: a string is read as JSON, a dict is validated, an exception is raised.
    """

    def __init__(self) -> None:
        self.replies: list = []
        self.prompts: list[list] = []
        self.structured_calls: list[dict] = []

    def queue(self, *replies) -> "FakeChatModel":
        self.replies.extend(replies)
        return self

    def _next(self, messages):
        self.prompts.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return [reply] if isinstance(reply, str | dict) else reply

    def stream(self, messages):
        """Streams the pieces; the last one carries finish_reason "stop", as a real server's does."""
        pieces = self._next(messages)
        for number, piece in enumerate(pieces):
            if isinstance(piece, Exception):
                raise piece
            if isinstance(piece, tuple):  # (text, finish_reason) overrides the ending
                yield AIMessageChunk(content=piece[0], response_metadata={"finish_reason": piece[1]})
                continue
            last = number == len(pieces) - 1
            yield AIMessageChunk(content=piece, response_metadata={"finish_reason": "stop"} if last else {})

    def invoke(self, messages):
        return AIMessage(content="".join(self._next(messages)))

    def with_structured_output(self, schema, **kwargs) -> "StructuredFake":
        self.structured_calls.append({"schema": schema, **kwargs})
        return StructuredFake(self, schema)


class StructuredFake:
    """The fake's structured-output runnable: the next queued reply, parsed into the schema."""

    def __init__(self, fake: FakeChatModel, schema) -> None:
        self._fake = fake
        self._schema = schema

    def invoke(self, messages):
        (reply,) = self._fake._next(messages)
        if isinstance(reply, dict):
            return self._schema.model_validate(reply)
        return self._schema.model_validate_json(reply)
