"""The reranker's derived tables: built when the articles change, stored beside the index, loaded at a start,
and rebuilt with a warning (never used) when missing, stale, of another embedder or unreadable."""

import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from coach.config import Settings
from coach.knowledge.articles import chunk_articles, load_articles
from coach.knowledge.index import KnowledgeIndex
from coach.retrieval.reranker import Reranker, candidate_features, prepare
from coach.retrieval.tables import build_tables, store_of
from coach.session.coach import Coach

QUESTIONS = ("Who answers a complaint on a Saturday?", "Welche Kennzahlen statt Likes?", "LinkedIn leads")


def _started(settings: Settings, embedder) -> Coach:
    """A coach as the next start of the app gets it: a fresh index object, the reranker prepared."""
    coach = Coach(settings, embedder=embedder)
    prepare(coach.index)
    return coach


def _table_folder(coach: Coach) -> Path:
    return store_of(coach.index).folder


def _features(index: KnowledgeIndex, embedder, question: str) -> dict[str, np.ndarray]:
    return candidate_features(index, embedder.query_vector(question), question)[2]


def _assert_ranks_as_built_from_scratch(index: KnowledgeIndex, embedder) -> None:
    fresh = Reranker(index, build_tables(index))
    for question in QUESTIONS:
        vector = embedder.query_vector(question)
        candidates, sentence_scores, loaded = candidate_features(index, vector, question)
        expected = fresh.features(candidates, vector, question, sentence_scores)
        assert loaded.keys() == expected.keys()
        for key in expected:
            assert np.array_equal(loaded[key], expected[key]), (question, key)


def _rebuild_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if "it is rebuilt" in record.getMessage()]


@pytest.fixture
def ingested(small_settings: Settings, counting_embedder) -> Coach:
    coach = Coach(small_settings, embedder=counting_embedder)
    coach.ingest()
    return coach


def test_an_ingest_stores_the_tables_and_a_start_loads_them_without_embedding_anything(
    ingested: Coach, small_settings: Settings, counting_embedder, caplog: pytest.LogCaptureFixture
):
    assert (_table_folder(ingested) / "manifest.json").is_file()
    before = counting_embedder.passages
    with caplog.at_level(logging.WARNING):
        started = _started(small_settings, counting_embedder)
    assert counting_embedder.passages == before  # the title vectors came from the store
    assert _rebuild_warnings(caplog) == []
    assert isinstance(started.index.derived("reranker", Reranker.loaded).hubness, np.memmap)
    _assert_ranks_as_built_from_scratch(started.index, counting_embedder)


def test_an_ingest_with_nothing_changed_leaves_the_stored_tables_alone(ingested: Coach, counting_embedder):
    manifest = (_table_folder(ingested) / "manifest.json").stat().st_mtime_ns
    before = counting_embedder.passages
    assert ingested.ingest().nothing_changed
    assert counting_embedder.passages == before
    assert (_table_folder(ingested) / "manifest.json").stat().st_mtime_ns == manifest


def test_missing_tables_are_rebuilt_with_a_warning_and_stored_again(
    ingested: Coach, small_settings: Settings, counting_embedder, caplog: pytest.LogCaptureFixture
):
    folder = _table_folder(ingested)
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
    with caplog.at_level(logging.WARNING):
        started = _started(small_settings, counting_embedder)
    assert any("is missing" in message for message in _rebuild_warnings(caplog))
    assert (folder / "manifest.json").is_file()
    _assert_ranks_as_built_from_scratch(started.index, counting_embedder)


def test_tables_gone_stale_behind_their_back_are_rebuilt_for_the_changed_articles(
    ingested: Coach,
    small_settings: Settings,
    small_corpus: Path,
    counting_embedder,
    write_article: Callable[..., Path],
    caplog: pytest.LogCaptureFixture,
):
    body = "# Crisis plan\nA crisis plan names who speaks for the brand when a complaint goes viral."
    write_article(small_corpus, "crisis-en", "crisis", "en", "Crisis plan", body)
    # The index changes without the coach (an older version's ingest): the stored tables are not updated.
    KnowledgeIndex.open(small_settings, counting_embedder).sync(chunk_articles(load_articles([small_corpus])))
    with caplog.at_level(logging.WARNING):
        started = _started(small_settings, counting_embedder)
    assert any("is stale" in message for message in _rebuild_warnings(caplog))
    assert "crisis" in started.index.derived("reranker", Reranker.loaded).titles
    _assert_ranks_as_built_from_scratch(started.index, counting_embedder)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _started(small_settings, counting_embedder)
    assert _rebuild_warnings(caplog) == []  # stored again: the next start loads them


def test_tables_of_another_embedder_are_never_used(
    small_settings: Settings, counting_embedder, other_embedder, caplog: pytest.LogCaptureFixture
):
    Coach(small_settings, embedder=other_embedder).ingest()
    # The index is rebuilt for the bundled embedder without the coach: the stored tables are the other model's.
    chunks = chunk_articles(load_articles(small_settings.knowledge_dirs))
    KnowledgeIndex.open(small_settings, counting_embedder).sync(chunks)
    with caplog.at_level(logging.WARNING):
        started = _started(small_settings, counting_embedder)
    assert any(f"another embedder ({other_embedder.name})" in message for message in _rebuild_warnings(caplog))
    assert started.index.derived("reranker", Reranker.loaded).titles["kpis"].shape[1] == counting_embedder.dimension
    _assert_ranks_as_built_from_scratch(started.index, counting_embedder)


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda folder: (folder / "sentence_hubness.npy").write_bytes(b"\x93NUMPY garbage"), "unreadable"),
        (lambda folder: (folder / "hubness.npy").unlink(), "unreadable"),
        (lambda folder: next((folder / "grams").glob("vocab*")).write_text("{not json", "utf-8"), "unreadable"),
        (lambda folder: np.save(folder / "hubness.npy", np.zeros(3, dtype=np.float32)), "unreadable"),
        (lambda folder: (folder / "manifest.json").write_text("[]", "utf-8"), "unreadable manifest"),
    ],
    ids=["garbage-array", "lost-array", "broken-bm25-vocabulary", "wrong-row-count", "broken-manifest"],
)
def test_a_damaged_table_is_rebuilt_with_a_warning_and_ranks_as_before(
    ingested: Coach, small_settings: Settings, counting_embedder, caplog: pytest.LogCaptureFixture, damage, named
):
    damage(_table_folder(ingested))
    with caplog.at_level(logging.WARNING):
        started = _started(small_settings, counting_embedder)
    assert any(named in message for message in _rebuild_warnings(caplog))
    _assert_ranks_as_built_from_scratch(started.index, counting_embedder)
    manifest = json.loads((_table_folder(ingested) / "manifest.json").read_text("utf-8"))
    assert manifest["embedder"] == counting_embedder.name
