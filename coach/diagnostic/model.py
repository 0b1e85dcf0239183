"""The diagnostic's model steps, each with its offline fallback for that turn only.

Evidence from the model, the next question in the model's words and the summary's prose; when a
call fails or its result fails a check, the offline scorer, the template question or the template
summary take over, and the fallback is logged (the reason only: never a key, never the message).
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from coach.config import Settings
from coach.diagnostic.summary import Summary
from coach.diagnostic.wording import RejectedWording, phrase_question, summary_prose
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.readiness.model_evidence import RejectedEvidence, extract_evidence
from coach.readiness.scorer import ScoredText
from coach.text import clean_message
from coach.turns import current_budget

log = logging.getLogger(__name__)


def _reason(error: Exception) -> str:
    """What went wrong, without the message text an exception may carry (a validation error quotes input)."""
    if isinstance(error, RejectedEvidence | RejectedWording):
        return str(error)
    return type(error).__name__


Score = Callable[[str, int, str | None], ScoredText]
ModelCall = Callable[[Callable[[Any], Any]], Any]
"""Runs a step with the chat model, within the turn's deadline: `call(lambda chat_model: ...)`."""


class ModelDiagnostic:
    """The model's part in the diagnostic: `call(step)` runs `step(chat model)` within the turn's deadline
    (with retries and the circuit breaker), `offline_score` is the scorer each turn falls back to. Every
    step records in the turn's budget whether the model wrote it or the fallback did."""

    def __init__(self, call: ModelCall, settings: Settings, model: ReadinessModel, offline_score: Score):
        self._call = call
        self.settings = settings
        self.model = model
        self.offline_score = offline_score

    def score(self, text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        """Evidence the model finds in a message; the offline scorer's when that fails."""
        cleaned = clean_message(text or "", self.settings.max_answer_chars).text
        try:
            scored = self._call(lambda chat: extract_evidence(chat, self.settings, self.model, cleaned, turn, focus))
        except Exception as error:
            log.warning("Model evidence unusable (%s); this turn uses the offline scorer", _reason(error))
            self._fell_back()
            return self.offline_score(text, turn, focus)
        self._wrote()
        return scored

    def phrase_question(self, dimension: str, template: str, lang: Lang, last_answer: str) -> str:
        """The next question in the model's words; the template question when that fails."""
        try:
            question = self._call(
                lambda chat: phrase_question(chat, self.model, dimension, template, lang, last_answer)
            )
        except Exception as error:
            log.warning("Model question unusable (%s); asking the template question", _reason(error))
            self._fell_back()
            return template
        self._wrote()
        return question

    def with_prose(self, summary: Summary) -> Summary:
        """The summary with the model's paragraph; unchanged (the template summary) when that fails."""
        try:
            prose = self._call(lambda chat: summary_prose(chat, self.model, summary))
        except Exception as error:
            log.warning("Model summary unusable (%s); showing the template summary", _reason(error))
            self._fell_back()
            return summary
        self._wrote()
        return replace(summary, prose=prose)

    def _wrote(self) -> None:
        current_budget(self.settings.llm_timeout).model_wrote = True

    def _fell_back(self) -> None:
        current_budget(self.settings.llm_timeout).fell_back = True
