"""LLM mode against a misbehaving OpenAI-compatible server: every fault degrades to the offline coach.

The real `ChatOpenAI` from `coach.llm.build_chat_model` talks to `fault_server.FaultServer` on
loopback, so timeouts, retries and stream parsing are the client's own, not a fake's.
"""

import socket
import time
from collections.abc import Iterator

import pytest

from coach.llm import build_chat_model
from coach.session.backends import MODEL_INCOMPLETE, MODEL_UNAVAILABLE
from coach.session.coach import Coach
from tests.support.fault_server import FaultServer

pytestmark = pytest.mark.server

QUESTION = "Is posting three times a week a strategy?"
TIMEOUT = 2
RETRIES = 1
ATTEMPTS = 1 + RETRIES
# Generous: catches a hang (a missing timeout, an endless retry), not a speed claim.
HANG_SECONDS = 30


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer().start()
    yield server
    server.stop()


def _coach(knowledge_coach: Coach, base_url: str) -> Coach:
    """The session's coach (same index and embedder) with a model at `base_url`."""
    update = {
        "model": "fault-test",
        "openai_base_url": base_url,
        "llm_timeout": TIMEOUT,
        "llm_max_retries": RETRIES,
    }
    settings = knowledge_coach.settings.model_copy(update=update)
    return Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)


@pytest.fixture
def fault_coach(knowledge_coach: Coach, fault_server: FaultServer) -> Coach:
    return _coach(knowledge_coach, fault_server.base_url)


def _timed_ask(coach: Coach, question: str = QUESTION):
    started = time.monotonic()
    answer = coach.ask(question)
    elapsed = time.monotonic() - started
    assert elapsed < HANG_SECONDS, f"the question took {elapsed:.1f} s"
    return answer


def test_a_healthy_server_answers_with_a_checked_citation(fault_coach, fault_server):
    fault_server.plan("ok")
    answer = _timed_ask(fault_coach)
    assert answer.mode == "llm" and answer.notices == []
    assert answer.text == "A posting rhythm is a tactic, not a strategy [1]."
    assert [source.number for source in answer.sources] == [1]
    (request,) = fault_server.requests
    assert request.body["model"] == "fault-test" and request.body["stream"] is True
    assert "<context>\n[1] " in request.body["messages"][-1]["content"]


# Retryable faults (5xx, 429) are sent once more while the turn's time allows; a timeout uses up the turn's
# time (COACH_LLM_TIMEOUT bounds the whole turn), and the other faults are not retried.
@pytest.mark.parametrize(
    ("fault", "attempts"),
    [("status 500", ATTEMPTS), ("status 429", ATTEMPTS), ("timeout", 1), ("invalid_json", 1), ("empty", 1)],
)
def test_a_failing_server_falls_back_to_the_offline_answer_with_a_notice(fault_coach, fault_server, fault, attempts):
    fault_server.plan(*[fault] * attempts)
    answer = _timed_ask(fault_coach)
    assert answer.mode == "offline" and answer.sources
    assert MODEL_UNAVAILABLE["en"] in answer.notices
    assert [request.behaviour for request in fault_server.requests] == [fault] * attempts


def test_a_stream_cut_in_the_middle_keeps_the_part_that_arrived_marked_incomplete(fault_coach, fault_server):
    fault_server.plan("cut")
    answer = _timed_ask(fault_coach)
    assert answer.mode == "llm"
    assert answer.text == "A posting rhythm is a tactic [1]. It is not"
    assert [source.number for source in answer.sources] == [1]
    assert MODEL_INCOMPLETE["en"] in answer.notices and MODEL_UNAVAILABLE["en"] not in answer.notices
    assert len(fault_server.requests) == 1


def test_a_rate_limit_is_retried_after_the_servers_delay_and_then_succeeds(fault_coach, fault_server):
    fault_server.plan("status 429", "ok")
    answer = _timed_ask(fault_coach)
    assert answer.mode == "llm" and answer.notices == []
    first, second = fault_server.requests
    assert first.body == second.body
    assert second.at - first.at >= 0.9  # Retry-After: 1 was honoured


def test_the_next_question_after_a_failure_tries_the_model_again(fault_coach, fault_server):
    fault_server.plan(*["status 500"] * ATTEMPTS, "ok")
    assert _timed_ask(fault_coach).mode == "offline"
    answer = _timed_ask(fault_coach)
    assert answer.mode == "llm" and answer.notices == []
    assert len(fault_server.requests) == ATTEMPTS + 1


def _closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_falls_back_to_the_offline_answer_with_a_notice(knowledge_coach):
    coach = _coach(knowledge_coach, f"http://127.0.0.1:{_closed_port()}/v1")
    answer = _timed_ask(coach)
    assert answer.mode == "offline" and answer.sources
    assert MODEL_UNAVAILABLE["en"] in answer.notices


def test_a_request_without_streaming_gets_a_json_completion(fault_coach, fault_server):
    fault_server.plan("ok", "invalid_json")
    model = build_chat_model(fault_coach.settings, streaming=False)
    assert model.invoke("Hello").content == "A posting rhythm is a tactic, not a strategy [1]."
    with pytest.raises(ValueError):  # a 200 whose body is not JSON
        model.invoke("Hello")
    assert [request.body["stream"] for request in fault_server.requests] == [False, False]
