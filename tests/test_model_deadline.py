"""One deadline per turn against a slow, hanging, rate-limiting or talkative model, a circuit breaker,
and turns whose mode and notices tell who wrote them.

The real `ChatOpenAI` talks to `fault_server.FaultServer` on loopback. Each bound asserted here is the
turn's budget (COACH_LLM_TIMEOUT) plus a generous slack for the coach's own work: it catches a turn
that waits out a Retry-After of 30 s or a stream that drips for minutes, not a speed claim.
"""

import threading
import time
from collections.abc import Iterator

import pytest

from coach.answer.model import MAX_REPLY_CHARS, MODEL_MARKUP
from coach.model_calls import FAILURES_TO_OPEN, CircuitBreaker
from coach.records.conversation import Turn
from coach.session.backends import MODEL_INCOMPLETE, MODEL_TOO_LONG, MODEL_UNAVAILABLE
from coach.session.coach import Coach
from coach.session.replies import told
from coach.terminal import run_diagnostic
from coach.turns import TurnBudget, model_turn
from tests.support.fault_server import DRIP_SECONDS, FaultServer

pytestmark = pytest.mark.server

TIMEOUT = 3.0
SLACK = 4.0
"""Seconds beyond the turn's budget that the coach's own work (retrieval, the offline answer) may take."""
QUESTION = "Is posting three times a week a strategy?"
FALLBACK = "The model did not answer in time or its reply was unusable; the offline coach wrote this turn."
PAUSED = "The model failed several times in a row; for the next minute the offline coach answers without asking it."


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer().start()
    yield server
    server.stop()


def _coach(knowledge_coach: Coach, server: FaultServer) -> Coach:
    update = {"model": "fault-test", "openai_base_url": server.base_url, "llm_timeout": TIMEOUT, "llm_max_retries": 2}
    settings = knowledge_coach.settings.model_copy(update=update)
    return Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)


@pytest.fixture
def coach(knowledge_coach: Coach, fault_server: FaultServer) -> Coach:
    coach = _coach(knowledge_coach, fault_server)
    fault_server.plan("ok")
    coach.ask(QUESTION[:20])  # warm: retrieval's first use builds its tables (not the model's time)
    _wait_for_model_threads()  # on a loaded machine a warm-up request may still be on its way
    fault_server.reset()
    return coach


def _wait_for_model_threads(seconds: float = 30.0) -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("coach-model-"):
            thread.join(seconds)


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_retry_after_of_30_seconds_is_not_waited_for(coach, fault_server):
    fault_server.plan("retry_after 30")
    answer, elapsed = _timed(lambda: coach.ask(QUESTION))
    assert elapsed < TIMEOUT + SLACK
    assert answer.mode == "offline" and MODEL_UNAVAILABLE["en"] in answer.notices
    assert len(fault_server.requests) == 1  # a retry would only come after 30 s, beyond the turn's budget


def test_a_dripping_stream_ends_at_the_turns_deadline_keeping_what_arrived(coach, fault_server):
    fault_server.plan("drip")
    answer, elapsed = _timed(lambda: coach.ask(QUESTION))
    assert elapsed < TIMEOUT + SLACK
    assert answer.mode == "llm" and answer.notices == [MODEL_INCOMPLETE["en"]]
    assert answer.text.startswith("Slowly [1].") and answer.text.count("Slowly") <= TIMEOUT / DRIP_SECONDS + 1


def test_a_hanging_model_costs_one_turn_its_budget_then_the_offline_answer(coach, fault_server):
    fault_server.plan("hang")
    answer, elapsed = _timed(lambda: coach.ask(QUESTION))
    assert elapsed < TIMEOUT + SLACK
    assert answer.mode == "offline" and answer.sources and MODEL_UNAVAILABLE["en"] in answer.notices


def test_a_huge_reply_is_cut_at_the_cap_with_a_notice(coach, fault_server):
    fault_server.plan("huge")
    answer = coach.ask(QUESTION)
    assert answer.mode == "llm" and len(answer.text) <= MAX_REPLY_CHARS
    assert answer.notices == [MODEL_TOO_LONG["en"].format(limit=f"{MAX_REPLY_CHARS:,}")]


def test_a_models_markup_is_taken_out_and_the_answer_says_so(coach, fault_server):
    fault_server.plan("markup")
    data = coach.ask(QUESTION).to_json()
    assert data["mode"] == "llm" and data["notices"] == [MODEL_MARKUP["en"]]
    for active in ("evil.example", "SECRET", "<img", "onerror", "<script", "](", "!["):
        assert active not in data["answer"]
    assert data["answer"] == "A rhythm is a tactic [1]. x See the guide too."


def test_citation_markers_of_any_shape_pointing_nowhere_are_removed(coach, fault_server):
    fault_server.plan("odd_markers")
    answer = coach.ask(QUESTION)
    assert answer.text == "A rhythm is a tactic [1]. It needs goals, [1] and a plan [2]."
    assert [source.number for source in answer.sources] == [1, 2]


def test_diagnose_against_a_hanging_model_is_bounded_by_the_breaker_and_says_offline(knowledge_coach):
    server = FaultServer(default="hang").start()
    try:
        coach = _coach(knowledge_coach, server)
        coach.score("warm the offline scorer")
        answers = ["We post twice a week.", "Nobody owns it.", "We have no goals."]
        conversation, elapsed = _timed(lambda: run_diagnostic(coach, answers, show=None))
    finally:
        server.stop()
    # Without a breaker every turn would wait its budget (and 27 requests took 86 s before the deadline).
    assert elapsed < FAILURES_TO_OPEN * TIMEOUT + 3 * SLACK
    assert len(server.requests) == FAILURES_TO_OPEN
    coach_turns = [turn for turn in conversation.turns if turn.role == "coach"]
    assert coach_turns and all(turn.mode == "offline" for turn in coach_turns)
    assert all(FALLBACK in turn.notices for turn in coach_turns)
    assert sum(PAUSED in turn.notices for turn in coach_turns) == 1  # said once, when it opened


def test_diagnostic_turns_say_offline_when_every_model_step_failed(knowledge_coach):
    server = FaultServer(default="status 500").start()
    try:
        coach = _coach(knowledge_coach, server)
        coach.backend.guard.breaker = CircuitBreaker(failures_to_open=1000)
        conversation = run_diagnostic(coach, ["We post twice a week."], show=None)
    finally:
        server.stop()
    coach_turns = [turn for turn in conversation.turns if turn.role == "coach"]
    assert [turn.mode for turn in coach_turns] == ["offline"] * len(coach_turns)
    assert all(turn.notices == [FALLBACK] for turn in coach_turns)


def test_the_breaker_lets_one_call_through_after_its_cooldown(coach, fault_server):
    now = [0.0]
    coach.backend.guard.breaker = CircuitBreaker(failures_to_open=2, cooldown=60.0, clock=lambda: now[0])
    fault_server.plan(*["status 500"] * 6, "ok")
    first, second, third = (coach.ask(QUESTION) for _ in range(3))
    assert len(fault_server.requests) == 6  # two turns of three attempts; the third turn skipped the model
    assert first.mode == second.mode == third.mode == "offline"
    assert PAUSED in second.notices and PAUSED not in third.notices and MODEL_UNAVAILABLE["en"] in third.notices
    now[0] = 59.0
    assert coach.ask(QUESTION).mode == "offline" and len(fault_server.requests) == 6
    now[0] = 60.0
    assert coach.ask(QUESTION).mode == "llm" and len(fault_server.requests) == 7


def test_a_turn_inside_a_turn_shares_its_budget():
    with model_turn(5.0) as outer, model_turn(1.0) as inner:
        assert inner is outer and outer.seconds == 5.0


def test_a_notice_said_in_the_questions_language_is_not_repeated_in_the_conversations() -> None:
    budget = TurnBudget(5.0, fell_back=True)
    budget.note("model_paused")
    answer = Turn("coach", "…", notices=budget.notice_texts("en"))  # an English question in a German conversation
    told(answer, budget, "de")
    assert answer.notices == budget.notice_texts("en") and answer.mode == "offline"
