"""One deadline per turn for everything a model does in it, and what the turn then says about the model.

A turn (an answer, a diagnostic step, the summary, an assessment) opens a `TurnBudget` with
`model_turn(COACH_LLM_TIMEOUT)`: the seconds all model calls of the turn may take together (retries, a
server's Retry-After and streams included; the coach's own retrieval and scoring are not counted). Each
model step records whether the model wrote it or the offline coach took over, so the turn's mode and
notices tell the truth. A turn opened inside another (a side question during a diagnostic step) shares
the outer turn's budget.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from coach.lang.copy import texts
from coach.lang.detect import Lang


@dataclass
class TurnBudget:
    """The model's part of one turn."""

    seconds: float
    """What all model calls of this turn may take together."""
    spent: float = 0.0
    """What the model calls that have ended took."""
    running_since: float | None = None
    """time.monotonic() when the model call now running started."""
    model_wrote: bool = False
    """A model step of this turn succeeded (its text or evidence is the model's)."""
    fell_back: bool = False
    """A model step of this turn failed or was skipped, and the offline coach wrote that part."""
    notices: list[str] = field(default_factory=list)
    """What the user is told about the model in this turn, each once: keys of coach/lang/copy.yaml's `session`."""

    def remaining(self) -> float:
        running = time.monotonic() - self.running_since if self.running_since is not None else 0.0
        return max(0.0, self.seconds - self.spent - running)

    @contextmanager
    def running(self) -> Iterator["TurnBudget"]:
        """Count the time of a model call (with its retries) against the turn."""
        if self.running_since is not None:  # already counted by an enclosing call
            yield self
            return
        self.running_since = time.monotonic()
        try:
            yield self
        finally:
            self.spent += time.monotonic() - self.running_since
            self.running_since = None

    def note(self, key: str) -> None:
        if key not in self.notices:
            self.notices.append(key)

    def mode(self, default: str) -> str:
        """Who wrote the turn: "llm" when a model step succeeded, "offline" when every one fell back."""
        if self.fell_back and not self.model_wrote:
            return "offline"
        return default

    def notice_keys(self) -> list[str]:
        """The notices, with one about the fallback when the offline coach wrote all or part of the turn."""
        if not self.fell_back:
            return list(self.notices)
        return [*self.notices, "model_fallback_part" if self.model_wrote else "model_fallback"]

    def notice_texts(self, lang: Lang) -> list[str]:
        return [texts("session", key)[lang] for key in self.notice_keys()]


_current: ContextVar[TurnBudget | None] = ContextVar("coach_turn_budget", default=None)


@contextmanager
def model_turn(seconds: float) -> Iterator[TurnBudget]:
    """The budget of the turn now running: a new one of `seconds`, or the enclosing turn's."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    budget = TurnBudget(seconds)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def current_budget(seconds: float) -> TurnBudget:
    """The running turn's budget; a call outside any turn gets one of its own."""
    return _current.get() or TurnBudget(seconds)
