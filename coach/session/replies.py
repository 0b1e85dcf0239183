"""The coach's reply to a stored message: an answer, a diagnostic step or the summary, as the app and the
terminal run it (both reach it through `coach.session.intake`)."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from coach.answer.extractive import Answer
from coach.config import Settings
from coach.diagnostic.dialogue import (
    DIALOGUE,
    DiagnosticContext,
    Retraction,
    Step,
    advance,
    amend,
    classify_message,
    start,
)
from coach.diagnostic.summary import Summary, render_summary
from coach.lang.copy import texts
from coach.lang.detect import Lang
from coach.lang.words import NOTHING_TO_ADD, START_REQUEST
from coach.readiness.model import ReadinessModel
from coach.readiness.rules import Assessment, assess_evidence
from coach.records.check_export import check_summary
from coach.records.conversation import Conversation, TakenBack, Turn
from coach.session.papers import check_turn, is_strategy_request, looks_like_plan, offer_turn, pasted_paper
from coach.turns import TurnBudget, model_turn

OnToken = Callable[[str], None]


class CoachLike(Protocol):
    """What a conversation needs from the coach (the service, or a fake in tests)."""

    model: ReadinessModel

    def ask(
        self, text: str, default_lang: Lang = "en", history: Sequence[tuple[str, str]] = (), on_token=None
    ) -> Answer: ...

    def diagnostic_context(self) -> DiagnosticContext: ...

    def summarize(self, assessment: Assessment, lang: Lang) -> Summary: ...


def is_start_request(message: str) -> bool:
    return bool(START_REQUEST.search(message))


def reply_to(coach: CoachLike, conversation: Conversation, text: str, on_token: OnToken | None = None) -> Turn:
    """Answer the last user turn (already stored) and append the coach's turn.

    `on_token` receives a model's answer as it streams (questions only; diagnostic steps do not stream).
    """
    with model_turn(_turn_seconds(coach)) as budget:
        if conversation.in_diagnostic:
            turn = _diagnostic_turn(coach, conversation, text)
        elif is_strategy_request(text):
            paper = pasted_paper(conversation)
            turn = check_turn(coach, paper, conversation.lang) if paper else offer_turn(conversation.lang, pasted=False)
        elif looks_like_plan(text):
            turn = offer_turn(conversation.lang, pasted=True)
        elif is_start_request(text):
            turn = start_diagnostic(coach, conversation, add=False)
        elif _summarized(conversation) and NOTHING_TO_ADD.match(text):
            turn = Turn("coach", DIALOGUE[conversation.lang]["nothing_to_add"])
        elif _unsure(text):
            turn = Turn("coach", DIALOGUE[conversation.lang]["unsure_done" if _summarized(conversation) else "unsure"])
        elif (amended := _amended(coach, conversation, text)) is not None:
            turn = amended
        else:
            streaming = {"on_token": on_token} if on_token else {}
            turn = answer_turn(coach.ask(text, conversation.lang, history=history_of(conversation), **streaming))
        told(turn, budget, conversation.lang)
    conversation.turns.append(turn)
    return turn


def _turn_seconds(coach: CoachLike) -> float:
    """The time a model may take in one turn (COACH_LLM_TIMEOUT)."""
    settings = getattr(coach, "settings", None)
    return settings.llm_timeout if settings is not None else Settings.model_fields["llm_timeout"].default


def told(turn: Turn, budget: TurnBudget, lang: Lang) -> Turn:
    """The turn's mode and notices as the budget saw the model's steps: the offline coach is named when it wrote."""
    turn.mode = budget.mode(turn.mode)
    for key in budget.notice_keys():
        variants = texts("session", key)
        # The answer may have said it already, in the question's language.
        if not any(text in turn.notices for text in variants.values()):
            turn.notices.append(variants[lang])
    return turn


def history_of(conversation: Conversation, turns: int = 6) -> list[tuple[str, str]]:
    """The turns before the last user message, as (role, text), for making a follow-up standalone."""
    earlier = conversation.turns[:-1] if conversation.turns and conversation.turns[-1].role == "user" else []
    return [(turn.role, turn.text) for turn in earlier[-turns:]]


def start_diagnostic(coach: CoachLike, conversation: Conversation, add: bool = True) -> Turn:
    """Open (or restart) the diagnostic; evidence from an earlier run is kept."""
    with model_turn(_turn_seconds(coach)) as budget:
        state, step = start(coach.diagnostic_context(), conversation.lang, conversation.dialogue)
        conversation.dialogue = state
        conversation.summary = None
        turn = step_turn(step, coach_mode(coach)) if step else _summary_turn(coach, conversation)
        if add:
            told(turn, budget, conversation.lang)
    if add:
        conversation.turns.append(turn)
    return turn


def _diagnostic_turn(coach: CoachLike, conversation: Conversation, text: str) -> Turn:
    state, step = advance(coach.diagnostic_context(), conversation.dialogue, text, _place(conversation))
    conversation.dialogue = state
    if step is None or step.kind == "summary":
        turn = _summary_turn(coach, conversation, step.text if step else "")
    else:
        turn = step_turn(step, coach_mode(coach))
        if step.kind in ("question", "follow_up"):
            turn.status = status_line(coach.model, state.assessment, conversation.lang)
    if step is not None:
        turn.took_back = taken_back(conversation, step)
    return turn


def _place(conversation: Conversation) -> int | None:
    """The place of the message being answered (the last turn, a user's), which its evidence remembers."""
    if conversation.turns and conversation.turns[-1].role == "user":
        return len(conversation.turns) - 1
    return None


def _unsure(text: str) -> bool:
    """ "I don't know", "weiß ich nicht" outside the diagnostic's questions: nothing to answer from the articles."""
    return bool(text.strip()) and classify_message(text) == "unknown"


def _summarized(conversation: Conversation) -> bool:
    return conversation.dialogue is not None and conversation.dialogue.phase == "done"


def _amended(coach: CoachLike, conversation: Conversation, text: str) -> Turn | None:
    """After the summary, a statement about the company updates the assessment and the summary; a message
    that asks something, or says nothing about the company, is left to the articles (None)."""
    if not _summarized(conversation) or classify_message(text) in ("question", "summary", "unknown"):
        return None
    state, step = amend(coach.diagnostic_context(), conversation.dialogue, text, _place(conversation))
    if step is None:
        return None
    conversation.dialogue = state
    turn = _summary_turn(coach, conversation, f"{step.text} {DIALOGUE[conversation.lang]['updated_summary']}")
    turn.took_back = taken_back(conversation, step)
    return turn


def taken_back(conversation: Conversation, step: Step) -> list[TakenBack]:
    """The user turns whose statements a correction or a later statement replaced, by place.

    Evidence remembers the place of the message it came from; a state from before it did (a count of
    messages instead) is checked against the turn's words, and else found by its quote, newest first.
    """
    found: list[TakenBack] = []
    for item in step.retracted:
        position = item.turn if _said_there(conversation, item.turn, item.quote) else _said_where(conversation, item)
        if position is not None and TakenBack(position, item.dimension) not in found:
            found.append(TakenBack(position, item.dimension))
    return found


def _said_there(conversation: Conversation, position: int, quote: str) -> bool:
    """Whether the user turn at `position` said `quote` (in its words, or as a quick reply it was offered)."""
    if not 0 <= position < len(conversation.turns) - 1 or conversation.turns[position].role != "user":
        return False
    offered = conversation.turns[position - 1].quick_replies if position else []
    return _words(quote) in _words(conversation.turns[position].text) or quote in offered


def _said_where(conversation: Conversation, item: Retraction) -> int | None:
    for position in range(len(conversation.turns) - 2, -1, -1):
        turn = conversation.turns[position]
        if turn.role == "user" and _words(item.quote) in _words(turn.text):
            return position
    return None


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def status_line(model: ReadinessModel, assessment: Assessment, lang: Lang) -> str:
    """The stage so far in one line, and what is still open (the phone's view of the stage panel)."""
    text = DIALOGUE[lang]
    stage = model.stage(assessment.stage)
    if not assessment.provisional:
        return text["status"].format(number=stage.number, name=stage.name(lang))
    names = ", ".join(model.dimension(key).short(lang) for key in assessment.open)
    return text["status_provisional"].format(number=stage.number, name=stage.name(lang), names=names)


def finish_diagnostic(coach: CoachLike, conversation: Conversation) -> Turn:
    """Give the summary now (the marketer asked for it, or the answers ran out)."""
    with model_turn(_turn_seconds(coach)) as budget:
        turn = told(_summary_turn(coach, conversation), budget, conversation.lang)
    conversation.turns.append(turn)
    return turn


def _summary_turn(coach: CoachLike, conversation: Conversation, preface: str = "") -> Turn:
    """The summary as a turn, after `preface` (what the last message changed) when there is one."""
    state = conversation.dialogue
    conversation.dialogue = replace(state, phase="done", current=None)
    summary = coach.summarize(assess_evidence(list(state.evidence), list(state.goals)), conversation.lang)
    conversation.summary = summary
    sources = [step.source for step in summary.next_steps if step.source]
    text = render_summary(coach.model, summary)
    if line := check_summary(conversation):
        text += f"\n\n{line}"
    if preface:
        text = f"{preface}\n\n{text}"
    return Turn("coach", text, kind="summary", sources=sources, mode=coach_mode(coach))


def coach_mode(coach: CoachLike) -> str:
    """Whether a model takes part in the coach's replies ("llm") or not ("offline")."""
    return getattr(coach, "mode", "offline")


def step_turn(step: Step, mode: str = "offline") -> Turn:
    """A diagnostic step as a turn; a side answer says which mode answered it, the other steps the coach's."""
    sources = step.answer.sources if step.answer else []
    mode = step.answer.mode if step.answer else mode
    replies = list(step.quick_replies)
    return Turn("coach", step.text, kind=step.kind, sources=sources, quick_replies=replies, mode=mode)


def answer_turn(answer: Answer) -> Turn:
    return Turn("coach", answer.text, kind="answer", sources=answer.sources, mode=answer.mode, notices=answer.notices)
