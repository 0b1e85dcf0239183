"""Every call to the chat model goes through a `ModelGuard`: within the turn's deadline, retried with
backoff (or after the server's Retry-After) only while the deadline allows, and skipped for a while
after consecutive failures (a circuit breaker), so a slow, hanging or rate-limiting model costs a turn
at most COACH_LLM_TIMEOUT, and a dead one costs nothing after a few turns.

The client itself neither retries nor waits for Retry-After (`coach.llm` builds it with max_retries=0):
it would honour a Retry-After of minutes. A call runs in a worker thread that the caller stops waiting
for at the deadline; the thread ends at the client's own timeout (the same number of seconds).
"""

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import openai

from coach.config import Settings
from coach.turns import TurnBudget, current_budget

log = logging.getLogger(__name__)

T = TypeVar("T")

FAILURES_TO_OPEN = 3
"""Consecutive failed model calls before the breaker opens: one unlucky turn is not an outage, three are."""
COOLDOWN_SECONDS = 60.0
"""How long an open breaker skips the model before one call tries it again."""
MIN_CALL_SECONDS = 0.5
"""A call with less of the turn's time left than this is not made: it could only time out, and a timeout
it never had a chance to beat would count against the model."""
BACKOFF_SECONDS = 0.5
"""The first retry's wait when the server names none; doubled for each further retry."""


class DeadlineExceeded(TimeoutError):
    """The turn's time for the model ran out."""


class NoTimeLeft(DeadlineExceeded):
    """The turn's time was used up before this call: the model was not asked (not a failure of the model)."""


class ModelPaused(RuntimeError):
    """The circuit breaker is open: the model is skipped for now."""


def within(seconds: float, call: Callable[[], T]) -> T:
    """`call()` in a worker thread, waited for at most `seconds`; DeadlineExceeded after that."""
    if seconds < MIN_CALL_SECONDS:
        raise NoTimeLeft("no time left in this turn")
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the waiting caller
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name="coach-model-call", daemon=True).start()
    if not done.wait(seconds):
        raise DeadlineExceeded(f"the model took longer than {seconds:.1f} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def stream_within(budget: TurnBudget, chunks: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The items of `chunks()`, read in a worker thread, until the turn's deadline (then DeadlineExceeded)."""
    if budget.remaining() < MIN_CALL_SECONDS:
        raise NoTimeLeft("no time left in this turn")
    items: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def run() -> None:
        try:
            for item in chunks():
                if stop.is_set():
                    break  # closes the stream, and with it the connection
                items.put(("item", item))
            items.put(("end", None))
        except BaseException as error:
            items.put(("error", error))

    threading.Thread(target=run, name="coach-model-stream", daemon=True).start()
    try:
        while True:
            try:
                kind, item = items.get(timeout=budget.remaining()) if budget.remaining() > 0 else items.get_nowait()
            except queue.Empty:
                raise DeadlineExceeded("the model's stream outlasted the turn") from None
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()


def retry_delay(error: BaseException, attempt: int) -> float | None:
    """Seconds to wait before retrying after `error` (the server's Retry-After if it names one); None: do not retry."""
    if isinstance(error, openai.APIStatusError):
        if error.status_code not in (408, 409, 429) and error.status_code < 500:
            return None
        named = _retry_after(error.response)
        return named if named is not None else BACKOFF_SECONDS * 2**attempt
    if isinstance(error, openai.APIConnectionError | httpx.TransportError):
        return BACKOFF_SECONDS * 2**attempt
    return None


def _retry_after(response: httpx.Response | None) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: treat as unknown


def is_outage(error: BaseException) -> bool:
    """Whether an error says the model is unreachable or unhealthy (not that one reply was unusable)."""
    if isinstance(error, NoTimeLeft):
        return False
    return isinstance(error, DeadlineExceeded | openai.APIError | httpx.HTTPError | ConnectionError)


class CircuitBreaker:
    """Open after FAILURES_TO_OPEN consecutive outages; after COOLDOWN_SECONDS one call tries again."""

    def __init__(
        self,
        failures_to_open: int = FAILURES_TO_OPEN,
        cooldown: float = COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures_to_open = failures_to_open
        self.cooldown = cooldown
        self.clock = clock
        self._failures = 0
        self._open_until: float | None = None
        self._lock = threading.Lock()

    def allows(self) -> bool:
        with self._lock:
            return self._open_until is None or self.clock() >= self._open_until

    def succeeded(self) -> None:
        with self._lock:
            self._failures, self._open_until = 0, None

    def failed(self) -> bool:
        """Count an outage; True when this one opened the breaker."""
        with self._lock:
            self._failures += 1
            if self._failures < self.failures_to_open:
                return False
            was_closed = self._open_until is None
            self._open_until = self.clock() + self.cooldown
            return was_closed


class ModelGuard:
    """Runs model calls within the turn's budget, with retries and the circuit breaker."""

    def __init__(self, settings: Settings, breaker: CircuitBreaker | None = None) -> None:
        self.settings = settings
        self.breaker = breaker or CircuitBreaker()

    def run(self, call: Callable[[], T], threaded: bool = True) -> T:
        """`call()` within the turn's deadline; `threaded=False` for a call that keeps the deadline itself
        (a stream read with `stream_within`, which keeps what arrived)."""
        budget = current_budget(self.settings.llm_timeout)
        if not self.breaker.allows():
            raise ModelPaused("the model is paused after repeated failures")
        with budget.running():
            return self._attempts(call, threaded, budget)

    def _attempts(self, call: Callable[[], T], threaded: bool, budget: TurnBudget) -> T:
        attempts = 1 + max(0, self.settings.llm_max_retries)
        for attempt in range(attempts):
            try:
                result = within(budget.remaining(), call) if threaded else call()
            except Exception as error:
                delay = retry_delay(error, attempt)
                if delay is not None and attempt + 1 < attempts and delay < budget.remaining():
                    log.info("Model call failed (%s); retrying in %.1f s", type(error).__name__, delay)
                    time.sleep(delay)
                    continue
                self._count(error, budget)
                raise
            self.breaker.succeeded()
            return result
        raise AssertionError("unreachable")  # the loop returns or raises

    def _count(self, error: BaseException, budget: TurnBudget) -> None:
        if not is_outage(error):
            return
        if self.breaker.failed():
            log.warning(
                "The model failed %d times in a row (%s); skipping it for %.0f s",
                self.breaker.failures_to_open,
                type(error).__name__,
                self.breaker.cooldown,
            )
            budget.note("model_paused")
