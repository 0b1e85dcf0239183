"""Where a typed message arrives, in the app and in the terminal alike: it is cleaned and stored once
(`accept`), then answered (`reply`, or `StreamedReply` for a model's tokens as they come; `take` does both).
Around it, what the app needs that is not rendering: the shared coach, errors as turns, and the sentence
stream the chat shows an answer with."""

import logging
import queue
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from coach.config import Settings
from coach.errors import BadInput
from coach.knowledge.index import Progress, SyncReport
from coach.lang.detect import detect_language
from coach.records.conversation import Conversation, Turn
from coach.session.coach import Coach, truncation_notices
from coach.session.replies import OnToken, reply_to
from coach.text import clean_message

log = logging.getLogger(__name__)

# Pause between streamed sentences: long enough to read as streaming, short enough not to slow anyone.
STREAM_PAUSE = 0.04
# A streamed chunk ends after a sentence (a letter, then . ! ? or …, then its citation markers) or
# at a line break; the "1." of a numbered list ends nothing.
_CHUNK_END = re.compile(r"(?<=[^\W\d_][.!?…]\s)(?!\[\d)|(?<=\d\]\s)|(?<=\n)")


def build_coach(settings: Settings | None = None) -> Coach:
    """The one place the app builds its coach (tests replace it to inject faults)."""
    return Coach(settings or Settings())


class SharedCoach:
    """The coach of one server process, shared by all sessions; the index is checked once, at first use."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self._lock = threading.Lock()
        self._ready = False

    @property
    def ready(self) -> bool:
        return self._ready

    def prepare(self, progress: Progress | None = None) -> SyncReport | None:
        """Build or update the index if it is missing or stale (once per process); then warm up."""
        with self._lock:
            if self._ready:
                return None
            report = self.coach.ensure_index(progress)
            self._ready = True
        threading.Thread(target=_warm_up, args=(self.coach,), name="coach-warm-up", daemon=True).start()
        return report

    def reindex(self, progress: Progress | None = None) -> SyncReport:
        """Sync the index with the article folders now (incremental: only changes are embedded)."""
        with self._lock:
            return self.coach.ingest(progress)


def _warm_up(coach: Coach) -> None:
    """Load what the first answer and the first diagnostic answer need, off the request path."""
    try:
        coach.warm_up()
    except Exception:  # a failure here shows up again, and is reported, on the request that needs it
        log.warning("Warming up the coach failed", exc_info=True)


@dataclass(frozen=True)
class Accepted:
    """A stored user message: the text the coach answers and what the user should know about it."""

    text: str
    notices: list[str]


def accept(conversation: Conversation, message: str, settings: Settings) -> Accepted:
    """Store the user's message before anything else happens; BadInput when it is empty.

    A message longer than its limit (an answer to a diagnostic question may be longer than a question)
    is cut there, and the reply says so.
    """
    limit = settings.max_answer_chars if conversation.in_diagnostic else settings.max_question_chars
    cleaned = clean_message(message or "", limit)
    if not cleaned.text:
        raise BadInput("the message is empty")
    if not conversation.turns:
        conversation.lang = detect_language(cleaned.text, conversation.lang)
    conversation.turns.append(Turn("user", cleaned.text))
    lang = detect_language(cleaned.text, conversation.lang)
    return Accepted(cleaned.text, truncation_notices(cleaned, limit, lang))


def unanswered(conversation: Conversation) -> Accepted | None:
    """The last message, when the run that stored it was interrupted (by a click) before the reply."""
    if conversation.turns and conversation.turns[-1].role == "user":
        return Accepted(conversation.turns[-1].text, [])
    return None


def reply(coach: Coach, conversation: Conversation, accepted: Accepted, on_token: OnToken | None = None) -> Turn:
    """The coach's turn for the stored message, carrying the notices about the message."""
    turn = reply_to(coach, conversation, accepted.text, on_token)
    turn.notices = accepted.notices + turn.notices
    return turn


def take(coach: Coach, conversation: Conversation, message: str) -> Turn:
    """Accept a typed message and reply to it: the whole way of a message that needs no streaming."""
    return reply(coach, conversation, accept(conversation, message, coach.settings))


class StreamedReply:
    """The reply to a stored message, made in a worker thread: iterate for the model's tokens as they
    arrive, then read `turn`. An error of the reply is raised at the end of the iteration.

    Nothing here touches the UI: the app renders the tokens (inert) while it iterates.
    """

    _DONE = object()

    def __init__(self, coach: Coach, conversation: Conversation, accepted: Accepted) -> None:
        self.turn: Turn | None = None
        self._error: BaseException | None = None
        self._tokens: queue.SimpleQueue = queue.SimpleQueue()
        self._worker = threading.Thread(
            target=self._run, args=(coach, conversation, accepted), name="coach-reply", daemon=True
        )
        self._worker.start()

    def _run(self, coach: Coach, conversation: Conversation, accepted: Accepted) -> None:
        try:
            self.turn = reply(coach, conversation, accepted, on_token=self._tokens.put)
        except BaseException as error:  # handed to the reader, who reports it like a direct call's
            self._error = error
        finally:
            self._tokens.put(self._DONE)

    def __iter__(self) -> Iterator[str]:
        while (token := self._tokens.get()) is not self._DONE:
            yield token
        self._worker.join()
        if self._error is not None:
            raise self._error


def add_error_turn(conversation: Conversation, text: str) -> Turn:
    """Record that the coach could not answer; the quick replies on offer before stay on offer."""
    previous = next((turn for turn in reversed(conversation.turns) if turn.role == "coach"), None)
    replies = previous.quick_replies if previous and conversation.in_diagnostic else []
    turn = Turn("coach", text, kind="error", quick_replies=list(replies))
    conversation.turns.append(turn)
    return turn


def stream_chunks(text: str, pause: float = STREAM_PAUSE) -> Iterator[str]:
    """The text sentence by sentence (line by line for lists), with a short pause between them."""
    for number, chunk in enumerate(chunk for chunk in _CHUNK_END.split(text) if chunk):
        if number and pause:
            time.sleep(pause)
        yield chunk
