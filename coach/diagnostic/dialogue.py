"""The guided diagnostic as an explicit state machine: `DialogueState` plus step functions.

`start` opens the diagnostic; `advance` takes one message (free text, a quick reply, a side
question, a correction, or a request for the summary) and returns the new state and what the
coach says next. Everything the steps need from outside (scoring text, answering a question,
writing the summary) comes in through `DiagnosticContext`, so the steps stay testable.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from coach.answer.extractive import Answer
from coach.fitted import DIAGNOSTIC
from coach.knowledge.readiness_keys import ASK_ORDER, DIMENSION_KEYS
from coach.lang.copy import section, texts
from coach.lang.detect import Lang
from coach.lang.words import (
    BARE_NO,
    BARE_YES,
    CORRECTION,
    DONT_KNOW,
    HEDGED,
    QUESTION_LEAD_IN,
    QUESTION_START,
    REFERENCE_WORDS,
    REPLY_NUMBERS,
    SUMMARY_REQUEST,
)
from coach.readiness.model import Dimension, Question, QuickReply, ReadinessModel
from coach.readiness.rules import (
    Assessment,
    DimensionResult,
    Evidence,
    assess_evidence,
    decide_stage,
    decisive_levels,
)
from coach.readiness.scorer import ScoredText

MAX_QUESTIONS = 10
# READINESS.md promises about 6-10 questions: at least MIN_QUESTIONS dimensions are asked about before the
# summary (unless the marketer asks for it), a follow-up counting as no new one.
MIN_QUESTIONS = 6
# A dimension the marketer spoke to directly and at least this clearly need not be asked about, and a stage this
# clear may end the questions once MIN_QUESTIONS were asked. The fitted thresholds (DIAGNOSTIC.value) are data:
# their values, and the data and figures they were chosen on, are in `coach/diagnostic/thresholds.json`.
CLEAR_CONFIDENCE = DIAGNOSTIC.value("CLEAR_CONFIDENCE")

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
    """The number of the last message received: its place in the conversation when the caller gives one,
    else a count. Evidence remembers the turn it came from, so what a correction takes back can be
    marked on the message that said it."""

    @property
    def assessment(self) -> Assessment:
        return assess_evidence(list(self.evidence), list(self.goals))

    @property
    def questions_asked(self) -> int:
        return len(self.asked)

    @property
    def dimensions_asked(self) -> list[str]:
        """The dimensions asked about, each once (a follow-up is no new one), in order."""
        return list(dict.fromkeys(question_id.rsplit("-", 1)[0] for question_id in self.asked))


@dataclass(frozen=True)
class Change:
    """A dimension's level before and after a message (None: unknown)."""

    dimension: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Retraction:
    """A statement a later message took back: its quote, the dimension, and the turn it came from."""

    quote: str
    dimension: str
    turn: int


@dataclass(frozen=True)
class Step:
    """What the coach says after a step."""

    kind: StepKind
    text: str
    quick_replies: list[str] = field(default_factory=list)
    dimension: str | None = None
    answer: Answer | None = None
    changes: tuple[Change, ...] = ()
    """What a correction or a contradicting statement changed."""
    retracted: tuple[Retraction, ...] = ()
    """The statements a correction or a later statement replaced."""


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
DIALOGUE = section("dialogue")
# A statement speaks clearly to a dimension from this confidence on: only such a statement replaces
# what was said before about that dimension.
CLEAR_STATEMENT = DIAGNOSTIC.value("CLEAR_STATEMENT")


def classify_message(message: str) -> Intent:
    """What a message during the diagnostic is meant as."""
    if SUMMARY_REQUEST.match(message):
        return "summary"
    if not message.strip() or DONT_KNOW.match(message):
        return "unknown"
    lead_in = QUESTION_LEAD_IN.match(message)
    asked = message.rstrip().endswith("?")
    if asked and lead_in:
        return "question"
    if CORRECTION.match(message) and not bare_yes_no(message):  # "Nein, eigentlich nicht." answers the question
        return "correction"
    if asked and QUESTION_START.match(message):
        return "question"
    return "answer"


def start(context: DiagnosticContext, lang: Lang, state: DialogueState | None = None) -> tuple[DialogueState, Step]:
    """Open the diagnostic (keeping evidence an earlier run or description already gave)."""
    state = replace(state, phase="asking", current=None) if state else DialogueState(lang=lang)
    state, question = _ask_next(context, state)
    if question is None:
        return state, Step("opening", OPENING[lang])
    return state, replace(question, kind="opening", text=f"{OPENING[lang]}\n\n{question.text}")


def advance(
    context: DiagnosticContext, state: DialogueState, message: str, at: int | None = None
) -> tuple[DialogueState, Step | None]:
    """Take one message (at its place `at` in the conversation, when known); returns the new state and
    the coach's next question or side answer.

    None as the step, or a step of kind "summary" (with a line about what changed), means the
    diagnostic is complete: the caller shows the summary.
    """
    state = _received(state, at)
    intent = classify_message(message)
    if intent == "summary":
        return replace(state, phase="done", current=None), None
    if intent == "question":
        return _side_question(context, state, message)
    if intent == "unknown":
        return _unanswered(context, state)
    return _take_answer(context, state, message, correction=intent == "correction")


def _received(state: DialogueState, at: int | None) -> DialogueState:
    """The state with one more message received, numbered by its place in the conversation when known."""
    return replace(state, turn=state.turn + 1 if at is None else at)


def _side_question(context: DiagnosticContext, state: DialogueState, message: str) -> tuple[DialogueState, Step]:
    """Answer a question asked in between (never evidence), then ask the open question again."""
    message = QUESTION_LEAD_IN.sub("", message, count=1) or message
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
    if correction and _reply_evidence(context, state, message) is not None:
        correction = False  # a quick reply that opens like a correction ("Eigentlich niemand oder jemand nebenbei")
    said = CORRECTION.sub("", message, count=1).strip() if correction else message
    evidence = _reply_evidence(context, state, said, earlier=correction)
    if evidence is None and correction:
        evidence = _numbered_reply(context, state, said)
    if evidence is None and not correction and dimension is not None and bare_yes_no(message):
        if HEDGED.match(message) and _agreeing_reply(context, state, message) is None:  # "actually, no" to "who?"
            return state, _ask_again(context, state, DIALOGUE[state.lang]["correction_unclear"])
        scored = _bare_answer(context, state, message, dimension)
    else:
        scored = ScoredText(evidence=[evidence]) if evidence else context.score(said or message, state.turn, dimension)
    scored = as_typed(scored, message, said)
    if correction and not scored.evidence:
        return state, _ask_again(context, state, DIALOGUE[state.lang]["correction_unclear"])
    state, changes, retracted = merge(state, scored, correction)
    answered = dimension is None or any(item.dimension == dimension for item in scored.evidence)
    if not answered and not scored.evidence:
        return _unanswered(context, state)
    noted = change_line(context.model, changes, state.lang, later=not correction) if retracted or correction else ""
    if noted and state.current is not None and not answered:
        return state, replace(_ask_again(context, state, noted + " {question}"), changes=changes, retracted=retracted)
    state, step = _ask_next(context, state, message)
    if step is not None and (noted or retracted):  # what was taken back is marked even when no level moved
        text = f"{noted}\n\n{step.text}" if noted else step.text
        step = replace(step, text=text, changes=changes, retracted=retracted)
    elif step is None and noted:
        step = Step("summary", noted, changes=changes, retracted=retracted)
    return state, step


def bare_yes_no(message: str) -> bool:
    """ "Nein, eigentlich nicht.", "yes": an answer that means something only for the question it follows."""
    return bool(BARE_NO.match(message) or BARE_YES.match(message))


def _bare_answer(context: DiagnosticContext, state: DialogueState, message: str, dimension: str) -> ScoredText:
    """A bare yes or no counts for the dimension asked about and never for another: the quick reply it
    agrees with when the question offers one opening with "yes"/"no" (the lowest level of those), else
    the scorer's reading of it for that dimension. Quoted as typed."""
    reply = _agreeing_reply(context, state, message)
    if reply is not None:
        return ScoredText(evidence=[Evidence(dimension, reply.level, 0.9, message.strip(), "reply", state.turn)])
    scored = context.score(message, state.turn, dimension)
    evidence = [replace(item, primary=True) for item in scored.evidence if item.dimension == dimension]
    return ScoredText(evidence=evidence[:1])


def _agreeing_reply(context: DiagnosticContext, state: DialogueState, message: str) -> QuickReply | None:
    """The open question's quick reply a bare yes or no agrees with (the lowest level of those opening with
    "yes"/"no"); None when the question offers none."""
    _, question = context.model.question(state.current)
    word = ("no", "nein") if BARE_NO.match(message) else ("yes", "ja")
    agreeing = [reply for reply in question.replies if reply(state.lang).casefold().split(",")[0].strip(" .!") in word]
    return min(agreeing, key=lambda reply: reply.level) if agreeing else None


def as_typed(scored: ScoredText, message: str, said: str) -> ScoredText:
    """The quotes of a correction as typed: the sentence the correction word opened keeps it
    ("Eigentlich haben wir doch ein Budget…", not "haben wir doch ein Budget…")."""
    start = message.find(said) if said else -1
    lead = message[:start].lstrip() if start > 0 else ""
    if not lead:
        return scored
    evidence = [
        replace(item, quote=lead + item.quote) if item.source != "reply" and said.startswith(item.quote) else item
        for item in scored.evidence
    ]
    return replace(scored, evidence=evidence)


def _ask_again(context: DiagnosticContext, state: DialogueState, text: str) -> Step:
    """The open question again, after `text` (which may hold a `{question}` placeholder)."""
    dimension, question = context.model.question(state.current)
    wording = question.text(state.lang)
    said = text.format(question=wording) if "{question}" in text else f"{text} {wording}"
    return Step("question", said, _reply_labels(question, state.lang), dimension.key)


def merge(state: DialogueState, scored: ScoredText, correction: bool) -> tuple[DialogueState, tuple, tuple]:
    """The state with a message's evidence, where it replaces what was said before.

    A correction replaces the evidence of every dimension it clearly speaks to. Without one, a later
    statement replaces an earlier one only when both speak clearly to the same dimension and contradict
    each other (a deficit against a practice), or when both are quick replies of that dimension's
    questions: the later one wins. A weaker reading (a sentence's second dimension, an unclear one) is
    outweighed, never taken back; nothing else is touched. A correction that only restates what a dimension
    already says (the same level) keeps the earlier statement: nothing is taken back, the level stays. Returns
    the state, the level changes and the statements taken back.
    """
    before = state.assessment.levels
    clear = [item for item in scored.evidence if _clear(item)]
    spoken = clear or [item for item in scored.evidence if item.primary]
    restated: set[str] = set()
    if correction:
        restated = _restated(state.evidence, spoken)
        scored = replace(scored, evidence=[item for item in scored.evidence if item.dimension not in restated])
        corrected = {new.dimension for new in spoken} - restated
        removed = [item for item in state.evidence if item.dimension in corrected]
    else:
        removed = [item for item in state.evidence if any(_replaces(new, item) for new in clear)]
    replaced = {item.dimension for item in removed}
    kept = tuple(item for item in state.evidence if item not in removed)
    state = with_evidence(replace(state, evidence=kept), scored)
    after = state.assessment.levels
    touched = dict.fromkeys([*sorted(replaced, key=DIMENSION_KEYS.index), *(item.dimension for item in spoken)])
    changes = tuple(
        Change(key, before[key], after[key])
        for key in touched
        if before[key] != after[key] or key in replaced or key in restated
    )
    retracted = tuple(dict.fromkeys(Retraction(item.quote, item.dimension, item.turn) for item in removed))
    return state, changes, retracted


def _restated(earlier: tuple[Evidence, ...], spoken: list[Evidence]) -> set[str]:
    """The dimensions a correction speaks to with exactly the level everything said of them before has."""
    said = {item.dimension: {other.level for other in earlier if other.dimension == item.dimension} for item in spoken}
    new = {item.dimension: {other.level for other in spoken if other.dimension == item.dimension} for item in spoken}
    return {dimension for dimension, levels in said.items() if levels and levels == new[dimension]}


def _clear(item: Evidence) -> bool:
    """A statement that speaks clearly to its dimension (its first one, with enough confidence)."""
    return item.primary and item.confidence >= CLEAR_STATEMENT


def _replaces(new: Evidence, old: Evidence) -> bool:
    """Whether a later statement (not a correction) takes back an earlier one."""
    if new.dimension != old.dimension or new.turn == old.turn:
        return False
    if new.source == "reply" and old.source == "reply":
        return True
    return _clear(old) and (old.level >= 2) != (new.level >= 2)


def change_line(model: ReadinessModel, changes: tuple[Change, ...], lang: Lang, later: bool = False) -> str:
    """What a correction changed, in the words of the dialogue ("Noted – Resources: level 1 → level 2.")."""
    text = DIALOGUE[lang]
    if later:  # a later statement replaced an earlier one: worth a line only when a level moved
        changes = tuple(c for c in changes if c.before != c.after)
        if not changes:
            return ""
    if not changes:
        return text["noted_nothing"]

    def level(value: int | None) -> str:
        return text["unknown_level"] if value is None else text["level"].format(level=value)

    def part(c: Change) -> str:
        name = model.dimension(c.dimension).short(lang)
        if c.before == c.after:
            return text["unchanged"].format(name=name, level=level(c.after))
        return text["change"].format(name=name, before=level(c.before), after=level(c.after))

    return text["later_wins" if later else "noted"].format(changes="; ".join(part(c) for c in changes))


def amend(
    context: DiagnosticContext, state: DialogueState, message: str, at: int | None = None
) -> tuple[DialogueState, Step | None]:
    """A statement after the summary: its evidence updates the assessment (a correction replaces, a
    contradiction wins). None when it holds no evidence (then it is a question for the articles)."""
    correction = bool(CORRECTION.match(message))
    said = CORRECTION.sub("", message, count=1).strip() if correction else message
    state = _received(state, at)
    named = (
        (_reply_evidence(context, state, said, earlier=True) or _numbered_reply(context, state, said))
        if correction
        else None
    )
    scored = ScoredText(evidence=[named]) if named else context.score(said or message, state.turn, None)
    scored = as_typed(scored, message, said)
    if not scored.evidence:
        return state, None
    state, changes, retracted = merge(state, scored, correction)
    noted = change_line(context.model, changes, state.lang, later=bool(retracted) and not correction)
    noted = noted or DIALOGUE[state.lang]["noted_nothing"]
    return state, Step("summary", noted, changes=changes, retracted=retracted)


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
    question = _fresh_question(context.model.dimension(dimension), state)
    state = replace(state, current=question.id, asked=(*state.asked, question.id))
    text = question.text(state.lang)
    if context.phrase_question is not None:
        text = context.phrase_question(dimension, text, state.lang, last_answer)
    return state, Step("question", text, _reply_labels(question, state.lang), dimension)


def next_dimension(state: DialogueState) -> str | None:
    """The dimension whose answer could change the stage most; None when the stage is clear enough.

    A dimension is a candidate when it was not asked yet and the marketer has not spoken to it directly
    and clearly (`_evident`); until MIN_QUESTIONS dimensions were asked, an evident one is asked to
    confirm it when nothing else is left. Dimensions the
    stage still depends on (`Assessment.open`) come first, then those nothing was said about yet (what
    was said is not asked again while anything else is open), then those whose possible answers lead to
    different stages; ties go to the less certain dimension, then to the order of `ASK_ORDER`. While a
    dimension the stage depends on can still be asked, the diagnostic is not done.
    """
    if state.questions_asked >= MAX_QUESTIONS:
        return None
    assessment = state.assessment
    asked = state.dimensions_asked
    candidates = [key for key in ASK_ORDER if key not in asked and not _evident(assessment.dimensions[key])]
    if not candidates and len(asked) < MIN_QUESTIONS:  # at least MIN_QUESTIONS questions: confirm what was said
        candidates = [key for key in ASK_ORDER if key not in asked]
    if not candidates:
        return None
    levels = decisive_levels(assessment.dimensions)
    influence = {key: _stage_spread(levels, key) for key in candidates}
    ranked = sorted(
        candidates,
        key=lambda key: (
            key not in assessment.open,
            bool(assessment.dimensions[key].evidence),
            -influence[key],
            assessment.dimensions[key].confidence,
            ASK_ORDER.index(key),
        ),
    )
    best = ranked[0]
    settled = best not in assessment.open and influence[best] == 0 and assessment.confidence >= CLEAR_CONFIDENCE
    if settled and len(asked) >= MIN_QUESTIONS:
        return None
    return best


def _evident(result: DimensionResult) -> bool:
    """A dimension is evident when the marketer spoke to it directly (a sentence's first dimension) and clearly."""
    return result.confidence >= CLEAR_CONFIDENCE and any(item.primary for item in result.evidence)


def _stage_spread(levels: dict[str, int | None], key: str) -> int:
    """How many different stages the possible answers about `key` would lead to, minus one."""
    possible = (0, 1, 2, 3) if key in ("presence", "resources") else (1, 2, 3)
    return len({decide_stage({**levels, key: level}) for level in possible}) - 1


def _reply_evidence(
    context: DiagnosticContext, state: DialogueState, message: str, earlier: bool = False
) -> Evidence | None:
    """A message that is one of the current question's quick replies (or its number) is exact evidence;
    a correction may also name a quick reply of an earlier question (by its words, not its number)."""
    asked = [state.current] if state.current else []
    if earlier:
        asked += [question_id for question_id in reversed(state.asked) if question_id != state.current]
    for number, question_id in enumerate(asked):
        dimension, question = context.model.question(question_id)
        reply = _matching_reply(question, message.strip(), state.lang, by_number=number == 0)
        if reply is not None:
            return Evidence(dimension.key, reply.level, 0.9, reply(state.lang), "reply", state.turn)
    return None


def _numbered_reply(context: DiagnosticContext, state: DialogueState, said: str) -> Evidence | None:
    """A correction that names an earlier quick reply by its number or place ("bei den Rollen eher 2", "for
    budget it's option 2", "die zweite Antwort"): that reply of the last question about the dimension it names,
    or, naming none, of the question answered last. None when the message says anything else, names no
    number or a dimension never asked about."""
    number, named = None, None
    for word in re.findall(r"[\w'’]+", said.casefold().replace("’", "'")):
        key = next((dimension.key for dimension in context.model.dimensions if word in dimension.words.all()), None)
        if word in REPLY_NUMBERS and number in (None, REPLY_NUMBERS[word]):
            number = REPLY_NUMBERS[word]
        elif key is not None and named in (None, key):
            named = key
        elif word not in REFERENCE_WORDS:
            return None
    if number is None:
        return None
    answered = [question_id for question_id in reversed(state.asked) if named or question_id != state.current]
    for question_id in answered:
        dimension, question = context.model.question(question_id)
        if named in (None, dimension.key):
            if number > len(question.replies):
                return None
            reply = question.replies[number - 1]
            return Evidence(dimension.key, reply.level, 0.9, reply(state.lang), "reply", state.turn)
    return None


def _matching_reply(question: Question, message: str, lang: Lang, by_number: bool = True) -> QuickReply | None:
    if by_number and message.isdigit() and 1 <= int(message) <= len(question.replies):
        return question.replies[int(message) - 1]
    wanted = message.casefold().strip(" .!")
    for reply in question.replies:
        if wanted in (reply.en.casefold(), reply.de.casefold()):
            return reply
    return None


def _fresh_question(dimension: Dimension, state: DialogueState) -> Question:
    """The dimension's first question; for a dimension the marketer already spoke to clearly (asked only to
    reach MIN_QUESTIONS), its second one, which goes deeper instead of asking what was said."""
    if _evident(state.assessment.dimensions[dimension.key]) and len(dimension.questions) > 1:
        return dimension.questions[1]
    return dimension.questions[0]


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
