"""The guided diagnostic as an explicit state machine: `DialogueState` plus step functions.

`start` opens the diagnostic; `advance` takes one message (free text, a quick reply, a side
question, a correction, or a request for the summary) and returns the new state and what the
coach says next. Everything the steps need from outside (scoring text, answering a question,
writing the summary) comes in through `DiagnosticContext`, so the steps stay testable.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from coach.answer.extractive import Answer
from coach.knowledge.readiness_keys import ASK_ORDER
from coach.lang.copy import texts
from coach.lang.detect import Lang
from coach.lang.words import CORRECTION, DONT_KNOW, QUESTION_START, SUMMARY_REQUEST
from coach.readiness.model import Dimension, Question, QuickReply, ReadinessModel
from coach.readiness.rules import Assessment, Evidence, assess_evidence, decide_stage, decisive_levels
from coach.readiness.scorer import ScoredText

MAX_QUESTIONS = 10
MIN_QUESTIONS = 6
CLEAR_CONFIDENCE = 0.5
# Order of questions when several are equally informative: the core of stage 2 first.

Phase = Literal["asking", "done"]
Intent = Literal["summary", "question", "unknown", "correction", "answer"]
StepKind = Literal["opening", "question", "follow_up", "side_answer", "summary"]


@dataclass(frozen=True)
class DialogueState:
    """Where one diagnostic conversation stands. Immutable: every step returns a new state."""

    lang: Lang
    """The conversation's language (German or English)."""
    phase: Phase = "asking"
    """Asking questions, or done (the summary was given)."""
    evidence: tuple[Evidence, ...] = ()
    """Everything the marketer said that counts, newest last."""
    goals: tuple[str, ...] = ()
    """Plans and wishes the marketer mentioned: noted, never counted."""
    asked: tuple[str, ...] = ()
    """Question ids asked so far, in order."""
    current: str | None = None
    """The question waiting for an answer."""
    followed_up: tuple[str, ...] = ()
    """Dimensions that already had their one follow-up question."""
    unanswered: tuple[str, ...] = ()
    """Dimensions asked about that stayed unknown (skipped, "I don't know", off-topic)."""
    turn: int = 0
    """Messages received so far; evidence remembers the turn it came from."""

    @property
    def assessment(self) -> Assessment:
        return assess_evidence(list(self.evidence), list(self.goals))

    @property
    def questions_asked(self) -> int:
        return len(self.asked)


@dataclass(frozen=True)
class Step:
    """What the coach says after a step."""

    kind: StepKind
    text: str
    quick_replies: list[str] = field(default_factory=list)
    dimension: str | None = None
    answer: Answer | None = None


@dataclass
class DiagnosticContext:
    """What the steps need from the rest of the coach."""

    model: ReadinessModel
    score: Callable[[str, int, str | None], ScoredText]
    """Free text -> evidence; the third argument is the dimension the question was about."""
    answer_question: Callable[[str, Lang, str | None], Answer]
    """(side question, language, the dimension being asked about) -> a grounded answer from the knowledge base."""
    phrase_question: Callable[[str, str, Lang, str], str] | None = None
    """(dimension, the template question, language, the marketer's last answer) -> the question as
    the coach asks it (a model's wording); None asks the template question."""


OPENING = texts("dialogue", "opening")
FOLLOW_UP = texts("dialogue", "follow_up")
BACK_TO_DIAGNOSTIC = texts("dialogue", "back_to_diagnostic")
NOTED = texts("dialogue", "noted")


def classify_message(message: str) -> Intent:
    """What a message during the diagnostic is meant as."""
    if SUMMARY_REQUEST.match(message):
        return "summary"
    if not message.strip() or DONT_KNOW.match(message):
        return "unknown"
    if CORRECTION.match(message):
        return "correction"
    if message.rstrip().endswith("?") and QUESTION_START.match(message):
        return "question"
    return "answer"


def start(context: DiagnosticContext, lang: Lang, state: DialogueState | None = None) -> tuple[DialogueState, Step]:
    """Open the diagnostic (keeping evidence an earlier run or description already gave)."""
    state = replace(state, phase="asking", current=None) if state else DialogueState(lang=lang)
    state, question = _ask_next(context, state)
    if question is None:
        return state, Step("opening", OPENING[lang])
    return state, replace(question, kind="opening", text=f"{OPENING[lang]}\n\n{question.text}")


def advance(context: DiagnosticContext, state: DialogueState, message: str) -> tuple[DialogueState, Step | None]:
    """Take one message; returns the new state and the coach's next question or side answer.

    None as the step means the diagnostic is complete: the caller shows the summary.
    """
    state = replace(state, turn=state.turn + 1)
    intent = classify_message(message)
    if intent == "summary":
        return replace(state, phase="done", current=None), None
    if intent == "question":
        return _side_question(context, state, message)
    if intent == "unknown":
        return _unanswered(context, state)
    return _take_answer(context, state, message, correction=intent == "correction")


def _side_question(context: DiagnosticContext, state: DialogueState, message: str) -> tuple[DialogueState, Step]:
    if state.current is None:
        answer = context.answer_question(message, state.lang, None)
        return state, Step("side_answer", answer.text, answer=answer)
    dimension, question = context.model.question(state.current)
    answer = context.answer_question(message, state.lang, dimension.key)
    text = f"{answer.text}\n\n{BACK_TO_DIAGNOSTIC[state.lang].format(question=question.text(state.lang))}"
    return state, Step("side_answer", text, _reply_labels(question, state.lang), dimension.key, answer)


def _take_answer(
    context: DiagnosticContext, state: DialogueState, message: str, correction: bool
) -> tuple[DialogueState, Step | None]:
    dimension = _current_dim(context, state)
    evidence = _reply_evidence(context, state, message)
    scored = ScoredText(evidence=[evidence]) if evidence else context.score(message, state.turn, dimension)
    if correction:
        corrected = {item.dimension for item in scored.evidence}
        state = replace(state, evidence=tuple(e for e in state.evidence if e.dimension not in corrected))
    state = with_evidence(state, scored)
    answered = dimension is None or any(item.dimension == dimension for item in scored.evidence)
    if not answered and not scored.evidence:
        return _unanswered(context, state)
    if correction and state.current is not None and not answered:
        _, question = context.model.question(state.current)
        text = f"{NOTED[state.lang]} {question.text(state.lang)}"
        return state, Step("question", text, _reply_labels(question, state.lang), dimension)
    return _ask_next(context, state, message)


def with_evidence(state: DialogueState, scored: ScoredText) -> DialogueState:
    """The state with a message's evidence added and its goals noted (each goal once)."""
    return replace(
        state,
        evidence=state.evidence + tuple(scored.evidence),
        goals=tuple(dict.fromkeys(state.goals + tuple(scored.goals))),
    )


def _unanswered(context: DiagnosticContext, state: DialogueState) -> tuple[DialogueState, Step | None]:
    """No usable answer: one follow-up per dimension, then move on and leave it unknown."""
    dimension = _current_dim(context, state)
    if dimension is None:
        return _ask_next(context, state)
    if dimension not in state.followed_up:
        follow_up = _follow_up_question(context.model.dimension(dimension), state)
        state = replace(state, followed_up=(*state.followed_up, dimension), current=follow_up.id)
        if follow_up.id not in state.asked:
            state = replace(state, asked=(*state.asked, follow_up.id))
        text = FOLLOW_UP[state.lang].format(question=follow_up.text(state.lang))
        return state, Step("follow_up", text, _reply_labels(follow_up, state.lang), dimension)
    state = replace(state, unanswered=tuple(dict.fromkeys((*state.unanswered, dimension))))
    return _ask_next(context, state)


def _ask_next(
    context: DiagnosticContext, state: DialogueState, last_answer: str = ""
) -> tuple[DialogueState, Step | None]:
    dimension = next_dimension(state)
    if dimension is None:
        return replace(state, phase="done", current=None), None
    question = context.model.dimension(dimension).questions[0]
    state = replace(state, current=question.id, asked=(*state.asked, question.id))
    text = question.text(state.lang)
    if context.phrase_question is not None:
        text = context.phrase_question(dimension, text, state.lang, last_answer)
    return state, Step("question", text, _reply_labels(question, state.lang), dimension)


def next_dimension(state: DialogueState) -> str | None:
    """The dimension whose answer could change the stage most; None when the stage is clear enough.

    A dimension is a candidate when it was not asked yet and its evidence is unclear. Among the
    candidates, those whose possible answers lead to different stages come first; ties go to the
    less certain dimension, then to the order of `ASK_ORDER`.
    """
    if state.questions_asked >= MAX_QUESTIONS:
        return None
    assessment = state.assessment
    asked = {question_id.rsplit("-", 1)[0] for question_id in state.asked}
    candidates = [
        key for key in ASK_ORDER if key not in asked and assessment.dimensions[key].confidence < CLEAR_CONFIDENCE
    ]
    if not candidates:
        return None
    levels = decisive_levels(assessment.dimensions)
    influence = {key: _stage_spread(levels, key) for key in candidates}
    ranked = sorted(
        candidates,
        key=lambda key: (-influence[key], assessment.dimensions[key].confidence, ASK_ORDER.index(key)),
    )
    best = ranked[0]
    settled = influence[best] == 0 and assessment.confidence >= CLEAR_CONFIDENCE
    if settled and state.questions_asked >= MIN_QUESTIONS:
        return None
    return best


def _stage_spread(levels: dict[str, int | None], key: str) -> int:
    """How many different stages the possible answers about `key` would lead to, minus one."""
    possible = (0, 1, 2, 3) if key in ("presence", "resources") else (1, 2, 3)
    return len({decide_stage({**levels, key: level}) for level in possible}) - 1


def _reply_evidence(context: DiagnosticContext, state: DialogueState, message: str) -> Evidence | None:
    """A message that is one of the current question's quick replies (or its number) is exact evidence."""
    if state.current is None:
        return None
    dimension, question = context.model.question(state.current)
    reply = _matching_reply(question, message.strip(), state.lang)
    if reply is None:
        return None
    return Evidence(dimension.key, reply.level, 0.9, reply(state.lang), "reply", state.turn)


def _matching_reply(question: Question, message: str, lang: Lang) -> QuickReply | None:
    if message.isdigit() and 1 <= int(message) <= len(question.replies):
        return question.replies[int(message) - 1]
    wanted = message.casefold().strip(" .!")
    for reply in question.replies:
        if wanted in (reply.en.casefold(), reply.de.casefold()):
            return reply
    return None


def _follow_up_question(dimension: Dimension, state: DialogueState) -> Question:
    """The dimension's second question if it has one, else the first again."""
    unused = [question for question in dimension.questions if question.id not in state.asked]
    return unused[0] if unused else dimension.questions[0]


def _current_dim(context: DiagnosticContext, state: DialogueState) -> str | None:
    if state.current is None:
        return None
    return context.model.question(state.current)[0].key


def _reply_labels(question: Question, lang: Lang) -> list[str]:
    return [reply(lang) for reply in question.replies]
