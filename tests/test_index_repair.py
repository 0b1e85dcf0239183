"""A damaged index is rebuilt with a warning on open, or named with the way to rebuild it; leftovers go.

Chroma keeps a collection's vectors in its database until about a thousand have arrived, and only then in
the vector segment's files: the corpus here has 1,280 sentences, embedded by a hash (no model needed).
"""

import hashlib
import logging
from pathlib import Path

import numpy as np
import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from coach.config import Settings
from coach.errors import IndexUnavailable
from coach.knowledge.articles import chunk_articles, load_articles
from coach.knowledge.index import KnowledgeIndex, _segment_folders
from coach.session.coach import Coach


class HashEmbedder:
    """Deterministic unit vectors from a text's hash: enough to fill and query an index."""

    name = "test/hash"
    dimension = 32

    def _vector(self, text: str) -> np.ndarray:
        raw = np.frombuffer(hashlib.sha256(text.encode()).digest(), dtype=np.uint8).astype(np.float32) - 127.5
        return raw / np.linalg.norm(raw)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        return np.array([self._vector(text) for text in texts]).reshape(-1, self.dimension)

    def query_vector(self, text: str) -> np.ndarray:
        return self._vector(text)

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        return self.passage_vectors(texts)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(40):
        sections = (
            f"## Section {section}\n\n"
            + " ".join(f"Sentence {number}-{section}-{k} says something long enough to quote." for k in range(8))
            for section in range(4)
        )
        front = f"---\nid: a{number}-en\nkey: a{number}\nlang: en\ntitle: Article {number}\n---\n"
        (folder / f"a{number}.md").write_text(front + f"# Article {number}\n\n" + "\n\n".join(sections), "utf-8")
    return Settings(data_dir=tmp_path / "data", knowledge_dirs=[folder])


def _built(settings: Settings) -> Path:
    """The index, built as if by an earlier process (chromadb keeps a store per path in memory: forgetting
    it makes the next open read the files, as a new process would)."""
    KnowledgeIndex.open(settings, HashEmbedder()).sync(chunk_articles(load_articles(settings.knowledge_dirs)))
    SharedSystemClient.clear_system_cache()
    return settings.data_dir / "chroma"


def _damage(store: Path, how: str) -> None:
    for folder in _segment_folders(store):
        for file in folder.iterdir():
            if how == "deleted":
                file.unlink()
            else:
                with open(file, "r+b") as data:
                    data.truncate(file.stat().st_size // 2)


def _searchable(coach: Coach) -> bool:
    return bool(coach.index.search(coach.embedder.query_vector("Sentence 3-1-2"), 1))


@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_a_damaged_vector_segment_is_rebuilt_with_a_warning(settings, how, caplog):
    store = _built(settings)
    _damage(store, how)
    assert KnowledgeIndex.open(settings, HashEmbedder()).damage() is not None
    with caplog.at_level(logging.WARNING):
        coach = Coach(settings, embedder=HashEmbedder())
        report = coach.ensure_index()
    assert report is not None and report.rebuilt_because == "requested"
    assert "is damaged" in caplog.text and str(store) in caplog.text
    assert coach.index.damage() is None and _searchable(coach)


def test_a_lost_database_file_is_rebuilt_with_a_warning_and_its_old_folders_removed(settings, caplog):
    store = _built(settings)
    old = {folder.name for folder in _segment_folders(store)}
    assert old
    (store / "chroma.sqlite3").unlink()
    with caplog.at_level(logging.WARNING):
        coach = Coach(settings, embedder=HashEmbedder())
        coach.ensure_index()
    assert "lost its database file" in caplog.text and "leftover index folders" in caplog.text
    assert not old & {folder.name for folder in _segment_folders(store)}
    assert _searchable(coach)


def test_damage_found_by_a_question_names_the_folder_and_the_rebuild_command(settings):
    store = _built(settings)
    _damage(store, "deleted")
    coach = Coach(settings, embedder=HashEmbedder())  # opened without the check ensure_index makes
    with pytest.raises(IndexUnavailable) as raised:
        coach.ask("Sentence 3-1-2")
    assert str(store) in str(raised.value) and "python -m coach ingest --rebuild" in str(raised.value)
