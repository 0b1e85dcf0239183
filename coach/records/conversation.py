"""A conversation as it is stored: its turns, the diagnostic's state and the summary once given."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from coach.answer.extractive import Source
from coach.diagnostic.dialogue import DialogueState
from coach.diagnostic.summary import Summary
from coach.lang.detect import Lang
from coach.readiness.rules import Assessment

Role = Literal["user", "coach"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class TakenBack:
    """What a later message took back: the reading of one dimension in an earlier user turn."""

    turn: int
    """The user turn's place in the conversation (its index in `Conversation.turns`)."""
    dimension: str


@dataclass
class Turn:
    """One message in the conversation."""

    role: Role
    text: str
    kind: str = "message"
    """message or paper (user), answer, opening, question, follow_up, side_answer, summary, strategy_offer,
    paper_offer, strategy_check."""
    sources: list[Source] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)
    mode: str = "offline"
    notices: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now)
    took_back: list[TakenBack] = field(default_factory=list)
    """On the coach's reply to a correction or a later statement: which earlier user turns it took back,
    per dimension. Stored with the reply because the user's turn is stored before the coach reads it; read
    through `Conversation.corrections`."""
    corrected: list[str] = field(default_factory=list)
    """Records written before `took_back`: on a user's turn, the dimensions a later message replaced. Still
    read (`Conversation.corrections`), no longer written."""
    status: str | None = None
    """On a diagnostic question: the stage so far and what is still open, in one line (for phones)."""
    check: dict | None = None
    """On a strategy_check turn: the check as `StrategyCheck.to_json` wrote it (labels, checks, suggestions)."""


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
        """The quick replies on offer now: those of the last coach turn, while the diagnostic runs or when
        it offers to check a pasted plan."""
        if not self.turns or self.turns[-1].role != "coach":
            return []
        if self.in_diagnostic or self.turns[-1].kind == "paper_offer":
            return self.turns[-1].quick_replies
        return []

    def corrections(self) -> dict[int, list[str]]:
        """Which user turns a later message corrected, by place in the conversation: the dimension keys
        taken back, in the order they were. The one reading the chat, the share page and every export use."""
        taken: dict[int, list[str]] = {}

        def mark(position: int, dimension: str) -> None:
            if 0 <= position < len(self.turns) and self.turns[position].role == "user":
                keys = taken.setdefault(position, [])
                if dimension not in keys:
                    keys.append(dimension)

        for position, turn in enumerate(self.turns):
            for dimension in turn.corrected:
                mark(position, dimension)
            for item in turn.took_back:
                mark(item.turn, item.dimension)
        return taken

    @property
    def last_check(self) -> Turn | None:
        """The latest strategy check of the conversation, if there is one."""
        return next((turn for turn in reversed(self.turns) if turn.check is not None), None)
