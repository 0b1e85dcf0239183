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
from coach.lang.copy import texts
from coach.lang.detect import Lang
from coach.model_calls import stream_within
from coach.prompts import render
from coach.safety import neutralise
from coach.text import strip_controls
from coach.turns import current_budget

log = logging.getLogger(__name__)

LANGUAGE = {"en": "English", "de": "German"}
MODEL_MARKUP = texts("session", "model_markup")
MAX_REPLY_CHARS = 20_000
"""A good answer is a few paragraphs; a model writing on and on is cut here (and told so)."""
# A citation marker of any shape a model writes: [1], [ 1 ], [01], [^1], [1, 7], [1; 2], [1-3], 【1】, 【1†source】.
_MARKER = re.compile(r"\s?(?:\[\^?|【)\s*(\d+(?:\s*(?:[,;]|[-–]|\s)\s*\d+)*)\s*(?:†[^】\]]*)?(?:\]|】)")
_NUMBER_OR_RANGE = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")
MAX_RANGE = 20
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
        self.cause = cause


def context_block(hits: Sequence[Hit]) -> str:
    """The numbered passages the model may use."""
    return "\n\n".join(f"[{n}] {hit.title} – {hit.section}\n{hit.text}" for n, hit in enumerate(hits, start=1))


OPENINGS: dict[str, str] = {
    "yes_no": 'Begin your answer with "Yes", "No" or "It depends" (in German "Ja", "Nein" or "Es kommt darauf an"),'
    " then give the reason.",
    "who": "Begin your answer with who should do it (the person or role).",
    "first_step": "Begin your answer with the first step.",
    "definition": "Begin your answer with what it is.",
    "how_long": "Begin your answer with how long it takes (the days, weeks or months).",
}
"""What the first sentence of the answer has to do, by the question's kind (`coach.answer.reading`)."""
OPEN_WITH_THE_ANSWER = "Begin your answer with the answer itself."


def answer_messages(hits: Sequence[Hit], question: str, lang: Lang, kind: str = "other") -> list[BaseMessage]:
    opening = OPENINGS.get(kind, OPEN_WITH_THE_ANSWER)
    return [
        SystemMessage(render("answer_system", language=LANGUAGE[lang])),
        HumanMessage(render("answer_user", context=context_block(hits), question=question, opening=opening)),
    ]


def check_citations(text: str, passages: int) -> tuple[str, list[int], int]:
    """Markers rewritten as [n] for the passages they point to, the rest removed; returns the text, the
    cited numbers, and how many numbers pointed to no passage."""
    cited: list[int] = []
    removed = 0

    def keep(match: re.Match) -> str:
        nonlocal removed
        numbers = _marker_numbers(match.group(1))
        valid = [number for number in numbers if 1 <= number <= passages]
        removed += len(numbers) - len(valid)
        cited.extend(number for number in valid if number not in cited)
        kept = "".join(f"[{number}]" for number in dict.fromkeys(valid))
        return (" " if match.group(0)[0].isspace() else "") + kept if kept else ""

    return _MARKER.sub(keep, text).strip(), sorted(cited), removed


def _marker_numbers(inside: str) -> list[int]:
    """The numbers a marker names; a range counts as its numbers (a long one as its ends only)."""
    numbers: list[int] = []
    for match in _NUMBER_OR_RANGE.finditer(inside):
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        span = range(first, last + 1) if 0 <= last - first <= MAX_RANGE else (first, last)
        numbers.extend(span)
    return numbers


class TooLong(Exception):
    """The model's reply passed MAX_REPLY_CHARS; it is cut there."""


def stream_text(model, messages: list[BaseMessage], on_token: Callable[[str], None] | None = None) -> str:
    """The model's reply, streamed within the turn's deadline and cut at MAX_REPLY_CHARS; raises EmptyReply,
    or IncompleteAnswer after partial text (the stream broke, the deadline passed, or the reply was too long)."""
    parts: list[str] = []
    budget = current_budget(getattr(model, "request_timeout", None) or 30.0)
    try:
        with budget.running():
            finish_reason = _read_stream(model, messages, budget, parts, on_token)
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


def _read_stream(model, messages, budget, parts: list[str], on_token) -> str | None:
    """Read the stream into `parts`, passing each piece on, until it ends (returns the finish reason), the
    deadline passes (DeadlineExceeded) or it passes MAX_REPLY_CHARS (TooLong)."""
    size = 0
    finish_reason = None
    for chunk in stream_within(budget, lambda: model.stream(messages)):
        finish_reason = chunk.response_metadata.get("finish_reason") or finish_reason
        piece = chunk.content if isinstance(chunk.content, str) else ""
        if piece:
            piece = piece[: MAX_REPLY_CHARS - size]
            parts.append(piece)
            size += len(piece)
            if on_token:
                on_token(piece)
            if size >= MAX_REPLY_CHARS:
                raise TooLong(f"the reply passed {MAX_REPLY_CHARS} characters")
    return finish_reason


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


def model_answer(model, hits: Sequence[Hit], question: str, lang: Lang, on_token=None, kind: str = "other") -> Answer:
    """A streamed, cited answer from the model; the sources are exactly the passages it cited."""
    messages = answer_messages(hits, question, lang, kind)
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
    """The model's text made safe to pass on: no control characters, no links, images or HTML (with a
    notice when some were taken out), citation markers only for passages that exist."""
    safe, neutralised = neutralise(strip_controls(text))
    clean, cited, removed = check_citations(opens_with_answer(safe), len(hits))
    if removed:
        log.info("Removed %d citation markers that pointed to no passage", removed)
    sources = [Source.from_hit(number, hits[number - 1]) for number in cited]
    notices = list(notices or [])
    if neutralised:
        log.info("Took links, images or HTML out of the model's answer")
        notices.append(MODEL_MARKUP[lang])
    return Answer(text=clean, sources=sources, lang=lang, mode="llm", notices=notices)


def standalone_question(model, question: str, history: Sequence[tuple[str, str]]) -> str:
    """A follow-up made understandable without the conversation (the question itself if none)."""
    if not history:
        return question
    lines = "\n".join(f"{role}: {text}" for role, text in history[-HISTORY_TURNS:])
    reply = model.invoke([HumanMessage(render("standalone", history=lines, question=question))])
    rewritten = reply.content.strip() if isinstance(reply, AIMessage) and isinstance(reply.content, str) else ""
    return rewritten.splitlines()[0][:1000] if rewritten else question
