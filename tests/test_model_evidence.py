"""The model's evidence under the offline scorer's placement rule: a sentence is quoted under a second
dimension only when the model is sure of both readings (`one_sentence_one_dimension`, TWO_DIMENSIONS)."""

import json

import pytest

from coach.config import Settings
from coach.diagnostic.summary import shown_quotes
from coach.readiness.model import load_model
from coach.readiness.model_evidence import MODEL_CONFIDENCE, extract_evidence
from coach.readiness.rules import dimension_results
from coach.readiness.scorer import TWO_DIMENSIONS
from tests.support.fake_chat import FakeChatModel

MODEL = load_model(Settings().readiness_file)
MESSAGES = {
    "en": "Our sales team posts on LinkedIn on its own, nobody coordinates that. We have no budget.",
    "de": "Der Vertrieb postet auf LinkedIn auf eigene Faust, niemand stimmt das ab. Ein Budget haben wir nicht.",
}
SENTENCE = {"en": MESSAGES["en"].split(". ")[0] + ".", "de": MESSAGES["de"].split(". ")[0] + "."}
CLAUSE = {"en": "nobody coordinates that", "de": "niemand stimmt das ab"}
BUDGET = {"en": "We have no budget", "de": "Ein Budget haben wir nicht"}


def _read(lang: str, second: float, quote: str | None = None) -> list:
    """What the (fake) model's reading of the message counts as: coordination surely, roles at `second`."""
    reply = {
        "evidence": [
            {"dimension": "coordination", "level": 1, "quote": SENTENCE[lang], "confidence": 0.9},
            {"dimension": "roles", "level": 1, "quote": quote or SENTENCE[lang], "confidence": second},
            {"dimension": "resources", "level": 1, "quote": BUDGET[lang], "confidence": 0.5},
        ],
        "goals": [],
    }
    chat = FakeChatModel().queue(json.dumps(reply))
    return extract_evidence(chat, Settings(), MODEL, MESSAGES[lang], 2, None).evidence


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("clause", [False, True], ids=["same-quote", "clause-of-the-sentence"])
def test_a_sentence_the_model_is_unsure_of_for_a_second_dimension_is_not_quoted_there(lang, clause) -> None:
    evidence = _read(lang, second=0.5, quote=CLAUSE[lang] if clause else None)
    assert [(item.dimension, item.primary) for item in evidence] == [
        ("coordination", True),
        ("roles", False),
        ("resources", True),  # its own sentence: one dimension, however unsure
    ]
    results = dimension_results(evidence)
    assert shown_quotes(results["coordination"]) == [SENTENCE[lang].rstrip(".")]
    assert not shown_quotes(results["roles"])


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_sentence_the_model_is_sure_of_for_both_dimensions_is_quoted_under_both(lang) -> None:
    evidence = _read(lang, second=1.0)
    assert [(item.dimension, item.primary) for item in evidence] == [
        ("coordination", True),
        ("roles", True),
        ("resources", True),
    ]
    assert MODEL_CONFIDENCE * 1.0 >= TWO_DIMENSIONS > MODEL_CONFIDENCE * 0.5


def test_a_model_that_gives_no_confidence_counts_at_the_model_confidence() -> None:
    reply = {"evidence": [{"dimension": "resources", "level": 1, "quote": BUDGET["en"]}], "goals": []}
    chat = FakeChatModel().queue(json.dumps(reply))
    evidence = extract_evidence(chat, Settings(), MODEL, MESSAGES["en"], 0, None).evidence
    assert [(item.confidence, item.primary) for item in evidence] == [(MODEL_CONFIDENCE, True)]
