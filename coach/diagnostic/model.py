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

log = logging.getLogger(__name__)


def _reason(error: Exception) -> str:
    """What went wrong, without the message text an exception may carry (a validation error quotes input)."""
    if isinstance(error, RejectedEvidence | RejectedWording):
        return str(error)
    return type(error).__name__


Score = Callable[[str, int, str | None], ScoredText]


class ModelDiagnostic:
    """The model's part in the diagnostic: `plain_model` gives the chat model (built on first use),
    `offline_score` is the scorer each turn falls back to."""

    def __init__(self, plain_model: Callable[[], Any], settings: Settings, model: ReadinessModel, offline_score: Score):
        self._plain_model = plain_model
        self.settings = settings
        self.model = model
        self.offline_score = offline_score

    def score(self, text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        """Evidence the model finds in a message; the offline scorer's when that fails."""
        cleaned = clean_message(text or "", self.settings.max_answer_chars).text
        try:
            return extract_evidence(self._plain_model(), self.settings, self.model, cleaned, turn, focus)
        except Exception as error:
            log.warning("Model evidence unusable (%s); this turn uses the offline scorer", _reason(error))
            return self.offline_score(text, turn, focus)

    def phrase_question(self, dimension: str, template: str, lang: Lang, last_answer: str) -> str:
        """The next question in the model's words; the template question when that fails."""
        try:
            return phrase_question(self._plain_model(), self.model, dimension, template, lang, last_answer)
        except Exception as error:
            log.warning("Model question unusable (%s); asking the template question", _reason(error))
            return template

    def with_prose(self, summary: Summary) -> Summary:
        """The summary with the model's paragraph; unchanged (the template summary) when that fails."""
        try:
            return replace(summary, prose=summary_prose(self._plain_model(), self.model, summary))
        except Exception as error:
            log.warning("Model summary unusable (%s); showing the template summary", _reason(error))
            return summary
