"""Who writes the coach's words: the offline backend (quoted from the articles, scored by the offline scorer)
or the model backend (a chat model, with the offline backend as each turn's fallback). The coach chooses
one when it is built; nothing else asks which mode it is in."""

import logging
from collections.abc import Callable, Sequence

from coach.answer.extractive import Answer, compose_offline, covered
from coach.answer.followup import offline_standalone
from coach.answer.model import (
    MAX_REPLY_CHARS,
    IncompleteAnswer,
    TooLong,
    cited_answer,
    model_answer,
    standalone_question,
)
from coach.answer.reading import Kind
from coach.config import Settings
from coach.diagnostic.model import ModelDiagnostic, Score
from coach.diagnostic.summary import Summary
from coach.knowledge.index import KnowledgeIndex
from coach.lang.copy import texts
from coach.lang.detect import Lang
from coach.model_calls import CircuitBreaker, ModelGuard
from coach.readiness.model import ReadinessModel
from coach.readiness.scorer import ScoredText
from coach.retrieval.reranker import Retrieved
from coach.strategy.classifier import Labelled
from coach.strategy.model import model_labels
from coach.strategy.split import Piece

log = logging.getLogger(__name__)

MODEL_UNAVAILABLE = texts("session", "model_unavailable")
MODEL_INCOMPLETE = texts("session", "model_incomplete")
MODEL_TOO_LONG = texts("session", "model_too_long")
OnToken = Callable[[str], None]
PhraseQuestion = Callable[[str, str, Lang, str], str]
LabelStatements = Callable[[Sequence[Piece], Lang], list[Labelled]]
STRATEGY_FALLBACK = texts("strategy", "notice_model_fallback")


class OfflineBackend:
    """Answers quoted from the articles; evidence from the offline scorer; the template wording."""

    mode = "offline"

    def __init__(self, index: KnowledgeIndex, offline_score: Score, offline_label: LabelStatements) -> None:
        self.index = index
        self.score: Score = offline_score
        self.label: LabelStatements = offline_label
        self.phrase_question: PhraseQuestion | None = None

    def label_statements(self, pieces: Sequence[Piece], lang: Lang) -> tuple[list[Labelled], list[str]]:
        """The statements labelled by the offline classifier, and no notices."""
        return self.label(pieces, lang), []

    def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """Offline, a follow-up is read with the previous question (`coach.answer.followup`)."""
        return offline_standalone(question, history)

    def answer(
        self,
        retrieved: Retrieved,
        question: str,
        lang: Lang,
        on_token: OnToken | None,
        on_topic: bool,
        kind: Kind = "other",
        said: str = "",
    ) -> Answer:
        """`said`: the previous answer when the question follows up on it (not quoted again)."""
        return compose_offline(self.index, retrieved, lang, on_topic, question, kind, said)

    def with_prose(self, summary: Summary) -> Summary:
        return summary


class ChatModels:
    """The configured chat model, each variant built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._streaming = None
        self._plain = None

    @property
    def streaming(self):
        """The model streaming its tokens, for answers shown as they arrive."""
        if self._streaming is None:
            from coach.llm import build_chat_model

            self._streaming = build_chat_model(self.settings)
        return self._streaming

    @property
    def plain(self):
        """The same model without streaming, for replies read whole: structured output and short texts.

        (Streamed tool calls do not survive every server: llama.cpp repeats the tool's name in each chunk.)
        """
        if self._plain is None:
            from coach.llm import build_chat_model

            self._plain = build_chat_model(self.settings, streaming=False)
        return self._plain


class ModelBackend:
    """A chat model writes the answers, reads the evidence and words the questions and the summary; every
    failure falls back to the offline backend for that turn, with a notice where the user reads it."""

    mode = "llm"

    def __init__(
        self,
        models: ChatModels,
        offline: OfflineBackend,
        settings: Settings,
        readiness: ReadinessModel,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.models = models
        self.offline = offline
        self.settings = settings
        self.guard = ModelGuard(settings, breaker)
        """Every model call of every session: the turn's deadline, retries, and one circuit breaker."""
        self.diagnostic = ModelDiagnostic(self._plain_call, settings, readiness, offline.score)
        self.phrase_question: PhraseQuestion | None = self.diagnostic.phrase_question

    def _plain_call(self, step):
        """`step(plain model)` through the guard (the model is built first: building is not the model's time)."""
        model = self.models.plain
        return self.guard.run(lambda: step(model))

    def score(self, text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        return self.diagnostic.score(text, turn, focus)

    def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """The question rewritten to stand on its own, from the conversation so far."""
        if not history:
            return question  # no call: a call that never reached the model must not count as its success
        try:
            return self._plain_call(lambda model: standalone_question(model, question, history))
        except Exception as error:  # the original question still works for retrieval
            log.warning("Could not make the question standalone (%s)", type(error).__name__)
            return question

    def answer(
        self,
        retrieved: Retrieved,
        question: str,
        lang: Lang,
        on_token: OnToken | None,
        on_topic: bool,
        kind: Kind = "other",
        said: str = "",
    ) -> Answer:
        if not (on_topic or covered(self.offline.index, retrieved)):
            return self.offline.answer(retrieved, question, lang, on_token, on_topic, kind, said)
        try:
            model = self.models.streaming  # built before the turn's clock runs
            return self.guard.run(
                lambda: model_answer(model, retrieved.hits, question, lang, on_token, kind), threaded=False
            )
        except IncompleteAnswer as partial:
            if isinstance(partial.cause, TooLong):
                log.warning("The model's answer passed %d characters; keeping its beginning", MAX_REPLY_CHARS)
                notice = MODEL_TOO_LONG[lang].format(limit=f"{MAX_REPLY_CHARS:,}")
            else:
                log.warning("The model's answer broke off (%s); keeping the part that arrived", partial.cause)
                notice = MODEL_INCOMPLETE[lang]
            return cited_answer(partial.text, retrieved.hits, lang, [notice])
        except Exception as error:
            log.warning("The model is unavailable (%s); answering from the articles", type(error).__name__)
            answer = self.offline.answer(retrieved, question, lang, on_token, on_topic, kind, said)
            answer.notices.append(MODEL_UNAVAILABLE[lang])
            return answer

    def with_prose(self, summary: Summary) -> Summary:
        return self.diagnostic.with_prose(summary)

    def label_statements(self, pieces: Sequence[Piece], lang: Lang) -> tuple[list[Labelled], list[str]]:
        """The model's labels, checked; the offline reading of the whole document when they fail."""
        offline, _ = self.offline.label_statements(pieces, lang)
        try:
            return model_labels(self.models.plain, self.settings, offline), []
        except Exception as error:
            log.warning("The model's labels were unusable (%s); labelling the document offline", type(error).__name__)
            return offline, [STRATEGY_FALLBACK[lang]]
