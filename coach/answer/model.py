"""Answers written by a chat model from the retrieved passages, with checked citations.

The model sees the numbered passages inside <context> tags and must cite them as [n]. After the
stream ends, a marker that points to no passage is removed and counted, and the sources shown are
exactly the passages cited. Errors propagate to the caller, which falls back to the offline coach;
a stream that breaks after some text raises `IncompleteAnswer` carrying what arrived.
"""

import logging
import re
from collections.abc import Callable, Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from coach.answer.extractive import Answer, Source
from coach.answer.structure import points_back
from coach.knowledge.index import Hit
from coach.lang.detect import Lang
from coach.prompts import render

log = logging.getLogger(__name__)

LANGUAGE = {"en": "English", "de": "German"}
_MARKER = re.compile(r"\s?\[(\d{1,2})\]")
# The end of the first sentences of a model's answer (a line break ends one too).
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=\]))\s+(?=[A-ZÄÖÜ\"„])")
HISTORY_TURNS = 6
# A repeated line of the system prompt this long is a leak, not a coincidence.
LEAK_CHARS = 30


class EmptyReply(Exception):
    """The model answered with nothing."""


class IncompleteAnswer(Exception):
    """The stream broke off after some text arrived."""

    def __init__(self, text: str, cause: BaseException):
        super().__init__(f"the model's answer broke off: {type(cause).__name__}")
        self.text = text


def context_block(hits: Sequence[Hit]) -> str:
    """The numbered passages the model may use."""
    return "\n\n".join(f"[{n}] {hit.title} – {hit.section}\n{hit.text}" for n, hit in enumerate(hits, start=1))


def answer_messages(hits: Sequence[Hit], question: str, lang: Lang) -> list[BaseMessage]:
    return [
        SystemMessage(render("answer_system", language=LANGUAGE[lang])),
        HumanMessage(render("answer_user", context=context_block(hits), question=question)),
    ]


def check_citations(text: str, passages: int) -> tuple[str, list[int], int]:
    """Remove markers that point to no passage; returns the text, the cited numbers, and how many went."""
    cited: list[int] = []
    removed = 0

    def keep(match: re.Match) -> str:
        nonlocal removed
        number = int(match.group(1))
        if 1 <= number <= passages:
            if number not in cited:
                cited.append(number)
            return match.group(0)
        removed += 1
        return ""

    return _MARKER.sub(keep, text).strip(), sorted(cited), removed


def stream_text(model, messages: list[BaseMessage], on_token: Callable[[str], None] | None = None) -> str:
    """The model's reply, streamed; raises EmptyReply, or IncompleteAnswer after partial text."""
    parts: list[str] = []
    finish_reason = None
    try:
        for chunk in model.stream(messages):
            finish_reason = chunk.response_metadata.get("finish_reason") or finish_reason
            piece = chunk.content if isinstance(chunk.content, str) else ""
            if piece:
                parts.append(piece)
                if on_token:
                    on_token(piece)
    except Exception as error:
        if parts:
            raise IncompleteAnswer("".join(parts), error) from error
        raise
    text = "".join(parts).strip()
    if not text:
        raise EmptyReply("the model returned an empty reply")
    if finish_reason != "stop":
        # A stream that ends without "stop" was cut by a proxy or hit the token limit ("length").
        raise IncompleteAnswer(text, EmptyReply(f"the stream ended with finish reason {finish_reason!r}"))
    return text


class PromptLeak(Exception):
    """The model repeated its instructions (an injection asked it to): the answer is not shown."""


def refuse_leak(text: str, system_prompt: str) -> None:
    """Raise PromptLeak when the text repeats any line of the system prompt (spacing and case aside)."""
    said = _normalized(text)
    lines = (_normalized(line) for line in system_prompt.splitlines())
    if any(len(line) >= LEAK_CHARS and line in said for line in lines):
        raise PromptLeak("the model's answer repeats its instructions")


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def model_answer(model, hits: Sequence[Hit], question: str, lang: Lang, on_token=None) -> Answer:
    """A streamed, cited answer from the model; the sources are exactly the passages it cited."""
    messages = answer_messages(hits, question, lang)
    try:
        text = stream_text(model, messages, on_token)
    except IncompleteAnswer as partial:
        refuse_leak(partial.text, messages[0].content)
        raise
    refuse_leak(text, messages[0].content)
    return cited_answer(text, hits, lang)


def opens_with_answer(text: str) -> str:
    """The text without opening sentences that point back to something never said ("This means ...")."""
    sentences = _SENTENCE.split(text.strip())
    dropped = 0
    while len(sentences) > 1 and points_back(_MARKER.sub("", sentences[0])):
        sentences.pop(0)
        dropped += 1
    if dropped:
        log.info("Dropped %d opening sentences of the model's answer that pointed back", dropped)
    return " ".join(sentences) if dropped else text


def cited_answer(text: str, hits: Sequence[Hit], lang: Lang, notices: list[str] | None = None) -> Answer:
    clean, cited, removed = check_citations(opens_with_answer(text), len(hits))
    if removed:
        log.info("Removed %d citation markers that pointed to no passage", removed)
    sources = [Source.from_hit(number, hits[number - 1]) for number in cited]
    return Answer(text=clean, sources=sources, lang=lang, mode="llm", notices=list(notices or []))


def standalone_question(model, question: str, history: Sequence[tuple[str, str]]) -> str:
    """A follow-up made understandable without the conversation (the question itself if none)."""
    if not history:
        return question
    lines = "\n".join(f"{role}: {text}" for role, text in history[-HISTORY_TURNS:])
    reply = model.invoke([HumanMessage(render("standalone", history=lines, question=question))])
    rewritten = reply.content.strip() if isinstance(reply, AIMessage) and isinstance(reply.content, str) else ""
    return rewritten.splitlines()[0][:1000] if rewritten else question
