"""The Chroma index of the knowledge base: incremental sync by content hash, and search.

Three collections per embedder: passages (chunks, what retrieval ranks), their sentences (what
the offline answer quotes) and the questions each article says it answers (what a marketer's
question is matched against). All carry the embedder's name and dimension; a different embedder
gets fresh collections, and the old ones are dropped, so vectors of two models never mix.
"""

import hashlib
import logging
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import chromadb
import chromadb.errors
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from coach.config import Settings
from coach.errors import DataDirError, IndexUnavailable
from coach.knowledge.articles import Chunk
from coach.knowledge.embeddings import NamedEmbeddings

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
WRITE_BATCH = 256
KINDS = ("chunks", "sentences", "questions")


@dataclass
class SyncReport:
    """What one sync did to the index."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    embedded: int = 0
    rebuilt_because: str | None = None

    @property
    def nothing_changed(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its cosine similarity to the query."""

    chunk_id: str
    article_id: str
    key: str
    lang: str
    title: str
    section: str
    text: str
    score: float


@dataclass(frozen=True)
class TextTable:
    """Every indexed sentence (or question) with its vector and its chunk, kept in memory."""

    chunk_ids: list[str]
    texts: list[str]
    vectors: np.ndarray
    ids: list[str] = field(default_factory=list)
    """Each row's id in its collection (`chunk:n` for a sentence, `chunk?n` for a question)."""

    def rows_of(self, chunk_ids: set[str]) -> list[int]:
        return [row for chunk_id in chunk_ids for row in self._rows_by_chunk.get(chunk_id, ())]

    @cached_property
    def _rows_by_chunk(self) -> dict[str, list[int]]:
        rows: dict[str, list[int]] = {}
        for row, chunk_id in enumerate(self.chunk_ids):
            rows.setdefault(chunk_id, []).append(row)
        return rows


@dataclass(frozen=True)
class ChunkTable:
    """Every indexed passage with its vector, kept in memory to rerank Chroma's candidates."""

    ids: list[str]
    keys: list[str]
    langs: list[str]
    titles: list[str]
    texts: list[str]
    vectors: np.ndarray
    hashes: list[str] = field(default_factory=list)
    """Each passage's content hash (`Chunk.content_hash`)."""


@dataclass(frozen=True)
class IndexStats:
    """What the app shows about the index."""

    articles: int
    chunks: int
    updated_at: str | None
    embedder: str
    location: str


def embedder_fingerprint(embedder: NamedEmbeddings) -> str:
    digest = hashlib.sha256(f"{embedder.name}:{embedder.dimension}".encode()).hexdigest()
    return digest[:10]


def prepare_data_dir(path: Path) -> Path:
    """Create the data directory if needed and prove it is writable, or explain how to fix it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-probe"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        raise DataDirError(
            f"The data directory {path} cannot be used ({error.strerror or error}). "
            "Point COACH_DATA_DIR at a writable directory."
        ) from error
    return path


def open_client(settings: Settings) -> tuple[chromadb.ClientAPI, str]:
    """A Chroma client: a server when CHROMA_HOST is set, else the embedded store."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        location = f"http://{settings.chroma_host}:{settings.chroma_port}"
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
        except Exception as error:
            raise IndexUnavailable(
                f"The Chroma server at {location} does not answer ({error}). Start it with "
                "`chroma run --path DIR --port PORT`, or unset CHROMA_HOST to use the embedded store."
            ) from error
        return client, location
    path = prepare_data_dir(settings.data_dir) / "chroma"
    return _open_persistent(path), str(path)


def _open_persistent(path: Path) -> chromadb.ClientAPI:
    if path.is_dir() and not (path / "chroma.sqlite3").exists() and _segment_folders(path):
        log.warning("The index at %s lost its database file; it is rebuilt", path)
    try:
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        client.list_collections()
        remove_orphan_segments(path)
        return client
    except Exception as error:  # a damaged store raises whatever its parser hits first
        aside = path.with_name(f"{path.name}.broken-{int(time.time())}")
        log.warning("The index at %s is damaged (%s); moved to %s and rebuilt", path, error, aside)
        shutil.move(str(path), str(aside))
        # chromadb caches a store's system per path even when starting it failed; without this
        # the reopen below would get the broken one back.
        SharedSystemClient._identifier_to_system.pop(str(path), None)
        return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


_SEGMENT_FOLDER = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _segment_folders(path: Path) -> list[Path]:
    return [folder for folder in path.iterdir() if folder.is_dir() and _SEGMENT_FOLDER.match(folder.name)]


def remove_orphan_segments(path: Path) -> list[str]:
    """Delete the vector segment folders no collection of the store refers to (left by a lost database
    file or a damaged segment); returns their names."""
    try:
        with closing(sqlite3.connect(f"file:{path / 'chroma.sqlite3'}?mode=ro", uri=True)) as database:
            known = {row[0] for row in database.execute("SELECT id FROM segments")}
    except sqlite3.Error as error:  # another chromadb schema: leave the folders alone
        log.debug("Cannot list the segments of %s: %s", path, error)
        return []
    orphans = [folder for folder in _segment_folders(path) if folder.name not in known]
    for folder in orphans:
        shutil.rmtree(folder, ignore_errors=True)
    if orphans:
        log.warning("Removed %d leftover index folders from %s", len(orphans), path)
    return [folder.name for folder in orphans]


class KnowledgeIndex:
    """Chunks and sentences of the knowledge base in Chroma, for one embedder."""

    def __init__(
        self,
        client: chromadb.ClientAPI,
        embedder: NamedEmbeddings,
        prefix: str,
        location: str,
        derived_dir: Path | None = None,
    ):
        self._client = client
        self.embedder = embedder
        self.location = location
        self.derived_dir = derived_dir
        """Where tables derived from the index are stored (`coach.knowledge.derived`); None keeps them in memory."""
        self._prefix = prefix
        self._name = f"{prefix}-{embedder_fingerprint(embedder)}"
        self._lock = threading.Lock()
        self._sentences: TextTable | None = None
        self._questions: TextTable | None = None
        self._chunk_table: ChunkTable | None = None
        self._derived: dict[str, object] = {}
        self._drop_partial_index()
        self._chunks = self._collection("chunks")
        self._sentence_store = self._collection("sentences")
        self._question_store = self._collection("questions")

    @classmethod
    def open(cls, settings: Settings, embedder: NamedEmbeddings) -> "KnowledgeIndex":
        client, location = open_client(settings)
        # Beside an embedded index only: server mode keeps nothing in the data directory (each app machine would
        # hold its own copy); there the tables are built in memory at each start, as before.
        derived = None if settings.chroma_host else settings.data_dir / "derived" / settings.collection
        return cls(client, embedder, settings.collection, location, derived)

    def _drop_partial_index(self) -> None:
        """Collections are missing (deleted, or made by an older version): drop the rest; the next sync rebuilds all."""
        wanted = {f"{self._name}-{kind}" for kind in KINDS}
        present = wanted & {collection.name for collection in self._client.list_collections()}
        if present and present != wanted:
            log.warning("The index at %s lacks %s; it is rebuilt", self.location, ", ".join(sorted(wanted - present)))
            for name in present:
                self._client.delete_collection(name)

    def _collection(self, kind: str):
        return self._client.get_or_create_collection(
            f"{self._name}-{kind}",
            metadata={"embedder": self.embedder.name, "dimension": self.embedder.dimension},
            configuration={"hnsw": {"space": "cosine"}},
        )

    # -- sync ---------------------------------------------------------------------------------

    def stored_hashes(self) -> dict[str, str]:
        """Chunk id -> content hash of what is indexed now."""
        stored = self._read(self._chunks, include=["metadatas"])
        return {cid: meta["hash"] for cid, meta in zip(stored["ids"], stored["metadatas"], strict=True)}

    def is_current(self, chunks: list[Chunk]) -> bool:
        """True when the index holds exactly these chunks."""
        return self.stored_hashes() == {chunk.id: chunk.content_hash for chunk in chunks}

    def damage(self) -> str | None:
        """Why the index cannot be read (a deleted or truncated vector segment), or None when it can.

        Reads one vector of each collection and runs one query: a damaged segment fails here, on open,
        instead of on the marketer's first question.
        """
        probe = np.full(self.embedder.dimension, self.embedder.dimension**-0.5, dtype=np.float32)
        try:
            for store in (self._chunks, self._sentence_store, self._question_store):
                if store.count():
                    store.get(limit=1, include=["embeddings"])
                    store.query(query_embeddings=[probe], n_results=1, include=["distances"])
        except Exception as error:  # chromadb raises its own errors (InternalError: Error executing plan ...)
            return _first_line(error)
        return None

    def unusable(self, reason: str) -> IndexUnavailable:
        """The error for an index that cannot be read or repaired here: where it is and how to rebuild it."""
        return IndexUnavailable(
            f"The knowledge index at {self.location} is damaged ({reason}). Rebuild it with "
            "`python -m coach ingest --rebuild`; if that fails too, delete that folder and run "
            "`python -m coach ingest`."
        )

    def sync(self, chunks: list[Chunk], progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Make the index hold exactly `chunks`: embed new and changed ones, delete removed ones."""
        with self._lock:
            report = SyncReport()
            report.rebuilt_because = self._drop_other_embedders()
            if rebuild:
                self._reset()
                report.rebuilt_because = report.rebuilt_because or "requested"
            self._apply(chunks, report, progress)
            self._sentences = None
            self._questions = None
            self._chunk_table = None
            self._derived = {}
            return report

    def _apply(self, chunks: list[Chunk], report: SyncReport, progress: Progress | None) -> None:
        stored = self.stored_hashes()
        wanted = {chunk.id: chunk for chunk in chunks}
        report.removed = sorted(set(stored) - set(wanted))
        report.added = [cid for cid in wanted if cid not in stored]
        report.changed = [cid for cid in wanted if cid in stored and stored[cid] != wanted[cid].content_hash]
        report.unchanged = len(wanted) - len(report.added) - len(report.changed)
        self._delete(report.removed + report.changed)
        todo = [wanted[cid] for cid in report.added + report.changed]
        report.embedded = self._embed_and_store(todo, progress)
        if not report.nothing_changed:
            self._touch(len({chunk.article_id for chunk in chunks}))

    def _delete(self, chunk_ids: list[str]) -> None:
        if not chunk_ids:
            return
        self._chunks.delete(ids=chunk_ids)
        self._sentence_store.delete(where={"chunk_id": {"$in": chunk_ids}})
        self._question_store.delete(where={"chunk_id": {"$in": chunk_ids}})

    def _embed_and_store(self, chunks: list[Chunk], progress: Progress | None) -> int:
        total = sum(1 + len(chunk.sentences) + len(chunk.questions) for chunk in chunks)
        done = 0
        for start in range(0, len(chunks), 16):
            batch = chunks[start : start + 16]
            self._store_chunks(batch)
            done += len(batch)
            done += self._store_sentences(batch)
            done += self._store_questions(batch)
            if progress:
                progress(done, total)
        return total

    def _store_chunks(self, chunks: list[Chunk]) -> None:
        vectors = self.embedder.passage_vectors([passage_text(chunk) for chunk in chunks])
        self._chunks.upsert(
            ids=[chunk.id for chunk in chunks],
            embeddings=vectors,
            documents=[chunk.text for chunk in chunks],
            metadatas=[chunk.metadata() for chunk in chunks],
        )

    def _store_sentences(self, chunks: list[Chunk]) -> int:
        rows = [(chunk, f"{chunk.id}:{n}", sentence) for chunk in chunks for n, sentence in enumerate(chunk.sentences)]
        if rows:
            self._store_texts(self._sentence_store, rows, self.embedder.passage_vectors([text for *_, text in rows]))
        return len(rows)

    def _store_questions(self, chunks: list[Chunk]) -> int:
        """Questions are embedded as queries: they are compared with a question, not with a passage."""
        rows = [(chunk, f"{chunk.id}?{n}", question) for chunk in chunks for n, question in enumerate(chunk.questions)]
        if rows:
            self._store_texts(self._question_store, rows, self.embedder.query_vectors([text for *_, text in rows]))
        return len(rows)

    def _store_texts(self, collection, rows: list[tuple[Chunk, str, str]], vectors: np.ndarray) -> None:
        for start in range(0, len(rows), WRITE_BATCH):
            part = rows[start : start + WRITE_BATCH]
            collection.upsert(
                ids=[text_id for _, text_id, _ in part],
                embeddings=vectors[start : start + WRITE_BATCH],
                documents=[text for *_, text in part],
                metadatas=[{"chunk_id": chunk.id} for chunk, *_ in part],
            )

    def _touch(self, articles: int) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        metadata = {
            "embedder": self.embedder.name,
            "dimension": self.embedder.dimension,
            "updated_at": now,
            "articles": articles,
        }
        self._chunks.modify(metadata=metadata)

    def _reset(self) -> None:
        for kind in KINDS:
            self._client.delete_collection(f"{self._name}-{kind}")
        self._chunks = self._collection("chunks")
        self._sentence_store = self._collection("sentences")
        self._question_store = self._collection("questions")

    def _drop_other_embedders(self) -> str | None:
        """Delete collections of this prefix built with another embedder; say why, if any."""
        others = [
            collection.name
            for collection in self._client.list_collections()
            if collection.name.startswith(f"{self._prefix}-") and not collection.name.startswith(self._name)
        ]
        for name in others:
            self._client.delete_collection(name)
        if others:
            log.warning("The embedder changed to %s: the index is rebuilt", self.embedder.name)
            return f"embedder changed to {self.embedder.name}"
        return None

    # -- search -------------------------------------------------------------------------------

    def search(self, query_vector: np.ndarray, limit: int, where: dict | None = None) -> list[Hit]:
        """The `limit` passages most similar to the query vector (optionally filtered by metadata)."""
        count = len(self.chunk_table().ids)  # known since the last sync: no round trip per question
        if count == 0:
            return []
        try:
            result = self._chunks.query(
                query_embeddings=[query_vector],
                n_results=min(limit, count),
                where=where,
                include=["metadatas", "documents", "distances"],
            )
        except chromadb.errors.ChromaError as error:  # damaged since it was opened
            log.error("The index at %s failed a query: %s", self.location, error)
            raise self.unusable(_first_line(error)) from None
        rows = zip(
            result["ids"][0], result["metadatas"][0], result["documents"][0], result["distances"][0], strict=True
        )
        return [_hit(cid, meta, text, distance) for cid, meta, text, distance in rows]

    def sentence_table(self) -> TextTable:
        """All sentences with vectors, loaded once per sync (a few MB for the bundled articles)."""
        if self._sentences is None:
            self._sentences = self._text_table(self._sentence_store)
        return self._sentences

    def question_table(self) -> TextTable:
        """All questions the articles say they answer, with vectors, loaded once per sync."""
        if self._questions is None:
            self._questions = self._text_table(self._question_store)
        return self._questions

    def _read(self, collection, **options) -> dict:
        """`collection.get(...)`; a damaged store becomes the error naming the folder and the rebuild."""
        try:
            return collection.get(**options)
        except chromadb.errors.ChromaError as error:
            log.error("The index at %s failed a read: %s", self.location, error)
            raise self.unusable(_first_line(error)) from None

    def _text_table(self, collection) -> TextTable:
        stored = self._read(collection, include=["metadatas", "documents", "embeddings"])
        vectors = np.asarray(stored["embeddings"], dtype=np.float32).reshape(-1, self.embedder.dimension)
        chunk_ids = [meta["chunk_id"] for meta in stored["metadatas"]]
        return TextTable(chunk_ids, stored["documents"], vectors, ids=stored["ids"])

    def chunk_table(self) -> ChunkTable:
        """All passages with vectors, loaded once per sync."""
        table = self._chunk_table
        if table is None:
            stored = self._read(self._chunks, include=["metadatas", "documents", "embeddings"])
            metas = stored["metadatas"]
            vectors = np.asarray(stored["embeddings"], dtype=np.float32).reshape(-1, self.embedder.dimension)
            texts = [
                f"{meta['title']} {meta['section']} {text}"
                for meta, text in zip(metas, stored["documents"], strict=True)
            ]
            table = ChunkTable(
                ids=stored["ids"],
                keys=[meta["key"] for meta in metas],
                langs=[meta["lang"] for meta in metas],
                titles=[meta["title"] for meta in metas],
                texts=texts,
                vectors=vectors,
                hashes=[meta["hash"] for meta in metas],
            )
            self._chunk_table = table
        return table

    def passages(self) -> dict[str, Hit]:
        """Every indexed passage by chunk id, as a hit of score 0 (for composing an answer from whole articles)."""
        return self.derived("passages", _all_passages)

    def derived(self, name: str, build: Callable[["KnowledgeIndex"], object]) -> object:
        """Something computed from what is indexed (a reranker), built once per sync."""
        with self._lock:
            if name not in self._derived:
                self._derived[name] = build(self)
            return self._derived[name]

    def example_vectors(self, kind: str, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors of labelled examples (the scorer's bank, the strategy check's statements), stored once in the
        index's `examples` collection and shared by every process, with a server too: only texts not stored yet
        are embedded (with `embed`), and stored for the next process."""
        ids = [f"{kind}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:20]}" for text in texts]
        store = self._collection("examples")
        found = self._stored_examples(store, list(dict.fromkeys(ids)))
        missing = {text_id: text for text_id, text in zip(ids, texts, strict=True) if text_id not in found}
        if missing:
            vectors = embed(list(missing.values()))
            for start in range(0, len(missing), WRITE_BATCH):
                store.upsert(
                    ids=list(missing)[start : start + WRITE_BATCH], embeddings=vectors[start : start + WRITE_BATCH]
                )
            # Read back: Chroma may round what it stores, and every process must score with the same vectors.
            found.update(self._stored_examples(store, list(missing)))
        if not ids:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.vstack([found[text_id] for text_id in ids])

    def _stored_examples(self, store, ids: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), WRITE_BATCH * 4):
            stored = self._read(store, ids=ids[start : start + WRITE_BATCH * 4], include=["embeddings"])
            found.update(zip(stored["ids"], np.asarray(stored["embeddings"], dtype=np.float32), strict=True))
        return found

    def stats(self) -> IndexStats:
        metadata = self._chunks.metadata or {}
        return IndexStats(
            articles=int(metadata.get("articles", 0)),
            chunks=self._chunks.count(),
            updated_at=metadata.get("updated_at"),
            embedder=self.embedder.name,
            location=self.location,
        )


def passage_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its title and heading give the passage its subject."""
    return f"{chunk.title}. {chunk.section}. {chunk.text}"


def _all_passages(index: "KnowledgeIndex") -> dict[str, Hit]:
    stored = index._chunks.get(include=["metadatas", "documents"])
    rows = zip(stored["ids"], stored["metadatas"], stored["documents"], strict=True)
    return {cid: replace(_hit(cid, meta, text, 1.0), score=0.0) for cid, meta, text in rows}


def _hit(chunk_id: str, meta: dict, text: str, distance: float) -> Hit:
    return Hit(
        chunk_id=chunk_id,
        article_id=meta["article_id"],
        key=meta["key"],
        lang=meta["lang"],
        title=meta["title"],
        section=meta["section"],
        text=text,
        score=1.0 - float(distance),
    )


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
