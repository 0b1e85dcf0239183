"""`python -m bench --only faults`: what a slow or hostile model costs a turn, and what a long streamed reply
costs the app to render.

Each slow-model mode of the fault server (tests/support/fault_server.py) answers one question; the turn's
time is printed as a ratio to COACH_LLM_TIMEOUT (target <= 1.5: the model's budget plus the coach's own
work), and the model's share of it apart. A diagnostic against a hanging model shows the circuit breaker.
Then a 200 KB reply of 2,000 pieces
is rendered the way the app streams it (each piece made inert once, re-rendered at most every 0.1 s) and
the way it did before (the whole text made inert on every piece), each as a ratio to rendering the
finished text once (target <= 3). Times are medians measured in the same run.
"""

import statistics
import time

from coach.safety import inert
from coach.session.coach import Coach
from coach.terminal import run_diagnostic
from coach.turns import model_turn
from tests.support.fault_server import HUGE_PIECE, HUGE_PIECES, FaultServer
from ui.chat import render_stream

TIMEOUT = 3.0
MODES = ("ok", "retry_after 30", "status 500", "timeout", "hang", "drip", "huge", "cut")
QUESTION = "Is posting three times a week a strategy?"
TARGETS = {"turn/timeout": 1.5, "streamed/once": 3.0}


def bench_faults(coach: Coach, repeat: int = 3) -> None:
    print(f"\n== Faults: one turn per slow-model mode, as a ratio to COACH_LLM_TIMEOUT={TIMEOUT:g} s")
    coach.ask(QUESTION)  # retrieval's tables built before anything is timed
    for mode in MODES:
        times, model_times, answer = [], [], None
        for _ in range(repeat):
            with FaultServer(default=mode).start() as server:
                faulty = _with_model(coach, server)
                faulty.models.streaming  # noqa: B018 (built before the clock starts, as a running app has it)
                started = time.monotonic()
                with model_turn(TIMEOUT) as budget:
                    answer = faulty.ask(QUESTION)
                times.append(time.monotonic() - started)
                model_times.append(budget.spent)
        took, model = statistics.median(times), statistics.median(model_times)
        ratio = took / TIMEOUT
        met = "met" if ratio <= TARGETS["turn/timeout"] else "NOT MET"
        notices = "; ".join(answer.notices) or "-"
        print(
            f"{mode:15} turn {took:5.2f} s = {ratio:.2f} x timeout ({met}); the model's share "
            f"{model:4.2f} s = {model / TIMEOUT:.2f} x; mode {answer.mode}: {notices}"
        )
    _bench_breaker(coach)
    _bench_render(repeat=max(repeat, 5))


def _with_model(coach: Coach, server: FaultServer) -> Coach:
    update = {"model": "fault-test", "openai_base_url": server.base_url, "llm_timeout": TIMEOUT, "llm_max_retries": 2}
    return Coach(coach.settings.model_copy(update=update), embedder=coach.embedder, index=coach.index)


def _bench_breaker(coach: Coach) -> None:
    answers = ["We post twice a week.", "Nobody owns it.", "We have no goals.", "We measure likes."]
    with FaultServer(default="hang").start() as server:
        faulty = _with_model(coach, server)
        faulty.score("warm the offline scorer")
        started = time.monotonic()
        conversation = run_diagnostic(faulty, answers, show=None)
        elapsed = time.monotonic() - started
        requests = len(server.requests)
    turns = [turn for turn in conversation.turns if turn.role == "coach"]
    print(
        f"diagnose, hanging model: {len(answers)} answers, {len(turns)} coach turns in {elapsed:.1f} s "
        f"= {elapsed / TIMEOUT:.2f} x timeout, {requests} requests (the breaker opens after 3); "
        f"modes {sorted({turn.mode for turn in turns})}"
    )


def _bench_render(repeat: int) -> None:
    pieces = [HUGE_PIECE] * HUGE_PIECES
    text = "".join(pieces)
    print(f"\n== Streaming render: {len(text) / 1000:.0f} KB in {len(pieces)} pieces")
    once = _median(lambda: inert(text), repeat)
    streamed = _median(lambda: render_stream(iter(pieces), _Sink()), repeat)
    every = _median(lambda: _render_every_piece(pieces), 1)
    ratio = streamed / once
    met = "met" if ratio <= TARGETS["streamed/once"] else "NOT MET"
    print(
        f"render once {once * 1000:.1f} ms; streamed as the app does {streamed * 1000:.1f} ms = {ratio:.2f} x ({met})"
    )
    print(f"the whole text made inert on every piece (before): {every * 1000:.0f} ms = {every / once:.0f} x")


class _Sink:
    """Stands in for the app's placeholder: keeps the last Markdown it was given."""

    def __call__(self, markdown: str) -> None:
        self.markdown = markdown


def _render_every_piece(pieces: list[str]) -> None:
    sink, text = _Sink(), ""
    for piece in pieces:
        text += piece
        sink(inert(text))


def _median(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
