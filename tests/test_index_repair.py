"""A damaged index is rebuilt with a warning on open, or named with the way to rebuild it; leftovers go."""

import logging
from pathlib import Path

import pytest

from coach.config import Settings
from coach.errors import IndexUnavailable
from coach.knowledge.articles import chunk_articles, load_articles
from coach.knowledge.index import KnowledgeIndex, _segment_folders
from coach.session.coach import Coach

QUESTION = "Which numbers should we measure instead of likes?"


def _built(settings: Settings, embedder) -> Path:
    KnowledgeIndex.open(settings, embedder).sync(chunk_articles(load_articles(settings.knowledge_dirs)))
    return settings.data_dir / "chroma"


def _damage(store: Path, how: str) -> None:
    for folder in _segment_folders(store):
        for file in folder.iterdir():
            if how == "deleted":
                file.unlink()
            elif file.stat().st_size:
                with open(file, "r+b") as data:
                    data.truncate(file.stat().st_size // 2)


@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_a_damaged_vector_segment_is_rebuilt_with_a_warning(small_settings, embedder, how, caplog):
    store = _built(small_settings, embedder)
    _damage(store, how)
    with caplog.at_level(logging.WARNING):
        coach = Coach(small_settings, embedder=embedder)
        report = coach.ensure_index()
    assert report is not None and report.rebuilt_because
    assert "is damaged" in caplog.text and str(store) in caplog.text
    assert coach.index.damage() is None
    assert coach.ask(QUESTION).sources[0].id == "kpis-en"


def test_a_lost_database_file_is_rebuilt_with_a_warning_and_its_old_folders_removed(small_settings, embedder, caplog):
    store = _built(small_settings, embedder)
    old = {folder.name for folder in _segment_folders(store)}
    assert old
    (store / "chroma.sqlite3").unlink()
    with caplog.at_level(logging.WARNING):
        coach = Coach(small_settings, embedder=embedder)
        coach.ensure_index()
    assert "lost its database file" in caplog.text and "leftover index folders" in caplog.text
    assert not old & {folder.name for folder in _segment_folders(store)}
    assert coach.ask(QUESTION).sources[0].id == "kpis-en"


def test_damage_after_opening_names_the_folder_and_the_rebuild_command(small_settings, embedder):
    store = _built(small_settings, embedder)
    coach = Coach(small_settings, embedder=embedder)
    coach.ensure_index()
    coach.ask(QUESTION)
    _damage(store, "deleted")
    try:
        coach.ask("How often should we post?")
    except IndexUnavailable as error:
        assert str(store) in str(error) and "python -m coach ingest --rebuild" in str(error)
    else:  # chromadb kept the segment in memory: the open index still answers, which is also fine
        assert coach.index.damage() is None
