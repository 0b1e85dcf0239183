"""Evidence extracted by a chat model into a pydantic schema, checked before it counts.

The model fills `ModelEvidence` through structured output. Every item is checked again here: the
dimension must be one of the readiness model's keys, the level 0-3, and the quote must occur in
the marketer's message (ignoring case and whitespace), so a fabricated quote can never reach the
summary; a quote that is a plan, a past state or a question is dropped, as the offline scorer drops it.
A sentence read under two dimensions is quoted under the second one only when the model is sure of both,
by the offline scorer's own rule (`one_sentence_one_dimension`, threshold TWO_DIMENSIONS).
Any failure raises `RejectedEvidence` (or the model's own error); the caller then scores that turn with
the offline scorer.
"""

import logging
import re
from dataclasses import replace
from typing import Literal

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from coach.config import Settings
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.prompts import render
from coach.readiness.clauses import read_sentence
from coach.readiness.model import ReadinessModel
from coach.readiness.rules import Evidence
from coach.readiness.scorer import ScoredText, one_sentence_one_dimension
from coach.text import split_sentences

log = logging.getLogger(__name__)
DimensionKey = Literal[DIMENSION_KEYS]  # the eight keys, as an enum in the JSON schema
# Below a quick reply (0.9): the model read free text, as the offline scorer does.
MODEL_CONFIDENCE = 0.75
MIN_QUOTE_CHARS = 3
LEVEL_ZERO = "nothing at all"


class EvidenceItem(BaseModel):
    """One statement about the company today, read as a level of one dimension."""

    dimension: DimensionKey = Field(description="The readiness dimension the statement is about.")
    level: int = Field(ge=0, le=3, description="The level the statement shows, 0 to 3.")
    quote: str = Field(description="The marketer's own words, copied exactly from the message.")
    confidence: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="How sure you are that the quote shows this dimension at this level, 0 to 1.",
    )


class ModelEvidence(BaseModel):
    """Everything one message says about the company's social media readiness."""

    evidence: list[EvidenceItem] = Field(default_factory=list, description="Statements about the company today.")
    goals: list[str] = Field(default_factory=list, description="Plans and wishes, copied from the message.")


class RejectedEvidence(ValueError):
    """The model's evidence failed a check; the reason names the check, never the message."""


def dimension_guide(model: ReadinessModel) -> str:
    """The dimensions and their levels as the prompt describes them, from the readiness model's data."""
    blocks = []
    for dimension in model.dimensions:
        levels = {0: LEVEL_ZERO} | {level: text.en for level, text in sorted(dimension.levels.items())}
        lines = [f"- {dimension.key} ({dimension.name.en}): {dimension.description.en}"]
        lines += [f"  - level {level}: {text}" for level, text in sorted(levels.items())]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def evidence_messages(model: ReadinessModel, message: str, focus: str | None) -> list[BaseMessage]:
    topic = f"{focus} ({model.dimension(focus).name.en})" if focus else "the company in general"
    return [
        SystemMessage(render("evidence_system", dimensions=dimension_guide(model))),
        HumanMessage(render("evidence_user", focus=topic, message=message)),
    ]


def extract_evidence(
    chat_model, settings: Settings, model: ReadinessModel, message: str, turn: int, focus: str | None
) -> ScoredText:
    """The evidence the chat model finds in `message`, checked; raises on any failure."""
    structured = chat_model.with_structured_output(ModelEvidence, method=settings.structured_output)
    reply = structured.invoke(evidence_messages(model, message, focus))
    if not isinstance(reply, ModelEvidence):
        raise RejectedEvidence(f"the model returned {type(reply).__name__}, not evidence")
    return checked(reply, message, turn)


def checked(reply: ModelEvidence, message: str, turn: int) -> ScoredText:
    """The reply as evidence of this turn, after checking every item against the message."""
    evidence = []
    for item in reply.evidence:
        if item.dimension not in DIMENSION_KEYS:
            raise RejectedEvidence(f"unknown dimension {item.dimension!r}")
        if not 0 <= item.level <= 3:
            raise RejectedEvidence(f"level {item.level} is outside 0-3")
        quote = _trimmed(item.quote)
        if not occurs_in(quote, message):
            raise RejectedEvidence("a quote does not occur in the message")
        if not states_today(quote):
            log.info("Model evidence dropped: a plan, a past state or a question is no evidence")
            continue
        confidence = round(MODEL_CONFIDENCE * item.confidence, 3)
        evidence.append(Evidence(item.dimension, item.level, confidence, quote, "model", turn))
    goals = [_trimmed(goal) for goal in reply.goals]
    if not all(occurs_in(goal, message) for goal in goals):
        raise RejectedEvidence("a goal does not occur in the message")
    return ScoredText(evidence=one_dimension_per_sentence(evidence, message), goals=list(dict.fromkeys(goals)))


def one_dimension_per_sentence(evidence: list[Evidence], message: str) -> list[Evidence]:
    """The offline scorer's rule for the model's quotes: the quotes of one sentence of the message (the same
    words, or clauses of it) stay under a second dimension only when the model is sure of both readings."""
    sentences = split_sentences(message)
    as_sentences = [replace(item, quote=_sentence_of(item.quote, sentences)) for item in evidence]
    judged = one_sentence_one_dimension(as_sentences)
    return [replace(item, primary=reading.primary) for item, reading in zip(evidence, judged, strict=True)]


def _sentence_of(quote: str, sentences: list[str]) -> str:
    """The sentence of the message that holds the quote (the quote itself when it spans sentences)."""
    wanted = _normalized(quote)
    return next((sentence for sentence in sentences if wanted in _normalized(sentence)), quote)


def states_today(quote: str) -> bool:
    """The offline placement rules, for a model's quote too: plans, past states and questions say nothing
    about the company today (`coach.readiness.clauses`)."""
    return any(not (clause.past or clause.aspiration or clause.says_nothing) for clause in read_sentence(quote))


def _trimmed(quote: str) -> str:
    """The quote without the quotation marks and final punctuation models like to add."""
    return quote.strip().strip("\"'“”„‚‘’«»").strip().rstrip(".!?…;,").strip()


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def occurs_in(quote: str, message: str) -> bool:
    """Whether the quote is the marketer's own words: it occurs in the message, case and spacing aside."""
    wanted = _normalized(quote)
    return len(wanted) >= MIN_QUOTE_CHARS and wanted in _normalized(message)
