"""One conversation: questions and the diagnostic in the same chat, as the app and the CLI run it."""

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, Protocol

from coach.answer import Answer, Source
from coach.assessment import Assessment, assess_evidence
from coach.dialogue import DiagnosticContext, DialogueState, Step, advance, start
from coach.errors import BadInput
from coach.readiness import ReadinessModel
from coach.summary import Summary, render_summary
from coach.text import CleanText, Lang, clean_message, detect_language

Role = Literal["user", "coach"]
OnToken = Callable[[str], None]

_START_REQUEST = re.compile(
    r"\b(start|begin|run|do|launch)\b.{0,20}\b(diagnos\w*|assessment|check)\b|^\W*(diagnos\w*|assess)\W*$|"
    r"\b(diagnose|analyse|check)\b.{0,12}\b(starten|beginnen|machen|durchführen)\b|"
    r"\b(find|what is|what's|which is) (our|my) (readiness )?stage\b|\bwelche (reife)?stufe\b",
    re.IGNORECASE,
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Turn:
    """One message in the conversation."""

    role: Role
    text: str
    kind: str = "message"
    """message (user), answer, opening, question, follow_up, side_answer, summary."""
    sources: list[Source] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)
    mode: str = "offline"
    notices: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now)


@dataclass
class Conversation:
    """The chat so far, the diagnostic's state and its summary once given."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    lang: Lang = "en"
    turns: list[Turn] = field(default_factory=list)
    dialogue: DialogueState | None = None
    summary: Summary | None = None

    @property
    def in_diagnostic(self) -> bool:
        return self.dialogue is not None and self.dialogue.phase == "asking"

    @property
    def assessment(self) -> Assessment | None:
        return self.dialogue.assessment if self.dialogue else None

    @property
    def quick_replies(self) -> list[str]:
        """The quick replies on offer now: those of the last coach turn, while the diagnostic runs."""
        if not self.in_diagnostic or not self.turns or self.turns[-1].role != "coach":
            return []
        return self.turns[-1].quick_replies


class CoachLike(Protocol):
    """What a conversation needs from the coach (the service, or a fake in tests)."""

    model: ReadinessModel

    def ask(
        self, text: str, default_lang: Lang = "en", history: Sequence[tuple[str, str]] = (), on_token=None
    ) -> Answer: ...

    def diagnostic_context(self) -> DiagnosticContext: ...

    def summarize(self, assessment: Assessment, lang: Lang) -> Summary: ...


def is_start_request(message: str) -> bool:
    return bool(_START_REQUEST.search(message))


def add_user_turn(conversation: Conversation, message: str, max_chars: int) -> CleanText:
    """Store the user's message before anything can fail; returns it cleaned (and perhaps cut)."""
    cleaned = clean_message(message or "", max_chars)
    if not cleaned.text:
        raise BadInput("the message is empty")
    if not conversation.turns:
        conversation.lang = detect_language(cleaned.text, conversation.lang)
    conversation.turns.append(Turn("user", cleaned.text))
    return cleaned


def respond(coach: CoachLike, conversation: Conversation, message: str, max_chars: int = 4000) -> Turn:
    """The coach's reply to one message; both turns are appended to the conversation."""
    cleaned = add_user_turn(conversation, message, max_chars)
    return reply_to(coach, conversation, cleaned.text)


def reply_to(coach: CoachLike, conversation: Conversation, text: str, on_token: OnToken | None = None) -> Turn:
    """Answer the last user turn (already stored) and append the coach's turn.

    `on_token` receives a model's answer as it streams (questions only; diagnostic steps do not stream).
    """
    if conversation.in_diagnostic:
        turn = _diagnostic_turn(coach, conversation, text)
    elif is_start_request(text):
        turn = start_diagnostic(coach, conversation, add=False)
    else:
        streaming = {"on_token": on_token} if on_token else {}
        turn = answer_turn(coach.ask(text, conversation.lang, history=history_of(conversation), **streaming))
    conversation.turns.append(turn)
    return turn


def history_of(conversation: Conversation, turns: int = 6) -> list[tuple[str, str]]:
    """The turns before the last user message, as (role, text), for making a follow-up standalone."""
    earlier = conversation.turns[:-1] if conversation.turns and conversation.turns[-1].role == "user" else []
    return [(turn.role, turn.text) for turn in earlier[-turns:]]


def start_diagnostic(coach: CoachLike, conversation: Conversation, add: bool = True) -> Turn:
    """Open (or restart) the diagnostic; evidence from an earlier run is kept."""
    state, step = start(coach.diagnostic_context(), conversation.lang, conversation.dialogue)
    conversation.dialogue = state
    conversation.summary = None
    turn = step_turn(step, coach_mode(coach)) if step else _summary_turn(coach, conversation)
    if add:
        conversation.turns.append(turn)
    return turn


def _diagnostic_turn(coach: CoachLike, conversation: Conversation, text: str) -> Turn:
    state, step = advance(coach.diagnostic_context(), conversation.dialogue, text)
    conversation.dialogue = state
    if step is None:
        return _summary_turn(coach, conversation)
    return step_turn(step, coach_mode(coach))


def finish_diagnostic(coach: CoachLike, conversation: Conversation) -> Turn:
    """Give the summary now (the marketer asked for it, or the answers ran out)."""
    turn = _summary_turn(coach, conversation)
    conversation.turns.append(turn)
    return turn


def _summary_turn(coach: CoachLike, conversation: Conversation) -> Turn:
    state = conversation.dialogue
    conversation.dialogue = replace(state, phase="done", current=None)
    summary = coach.summarize(assess_evidence(list(state.evidence), list(state.goals)), conversation.lang)
    conversation.summary = summary
    sources = [step.source for step in summary.next_steps if step.source]
    text = render_summary(coach.model, summary)
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
