"""What the reranker derives from the whole index (hubness, BM25 indexes, title vectors): built when the index
changes, stored beside it (`coach.knowledge.derived`) and loaded, not rebuilt, when the app starts.

Hubness compares every row with every other one, so it is the cost that grows fastest with the articles; the
title vectors cost embeddings. Both are worth keeping between starts. The tables are keyed by the embedder and
by a fingerprint of every indexed row (passage ids, content hashes, keys and languages, sentence and question
ids, in row order), so stored arrays are used only for exactly the rows they were computed from.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.knowledge.derived import DerivedStore, fingerprint
from coach.knowledge.index import ChunkTable, KnowledgeIndex, TextTable
from coach.retrieval.lexical import GRAM_SIZE, LexicalIndex, grams, tokens

log = logging.getLogger(__name__)

HUB_NEIGHBOURS = 10
HUB_BLOCK = 1024
TABLES_VERSION = 1
"""Raise it when what is derived changes (a feature, a tokenizer): every stored table is then stale."""
_HUBNESS = ("hubness", "question_hubness", "sentence_hubness")
_LEXICAL = {"words": tokens, "grams": grams, "question_grams": grams}


@dataclass(frozen=True)
class RerankTables:
    """The reranker's derived tables, row-aligned with the index's passage, question and sentence tables."""

    hubness: np.ndarray
    question_hubness: np.ndarray
    sentence_hubness: np.ndarray
    title_keys: list[str]
    """The article key of each title vector (one per language version)."""
    title_vectors: np.ndarray
    words: LexicalIndex
    grams: LexicalIndex
    question_grams: LexicalIndex


def index_fingerprint(index: KnowledgeIndex) -> str:
    """What the tables are derived from, row by row: any change to a row or to their order changes it."""
    table, questions, sentences = index.chunk_table(), index.question_table(), index.sentence_table()
    rows = zip(table.ids, table.hashes, table.keys, table.langs, strict=True)
    head = [f"version {TABLES_VERSION} neighbours {HUB_NEIGHBOURS} grams {GRAM_SIZE}"]
    return fingerprint([*head, *("\t".join(row) for row in rows), "?", *questions.ids, ":", *sentences.ids])


def build_tables(index: KnowledgeIndex) -> RerankTables:
    table, questions, sentences = index.chunk_table(), index.question_table(), index.sentence_table()
    title_keys, title_vectors = title_vectors_of(table, index.embedder)
    return RerankTables(
        hubness=hubness(table.vectors),
        question_hubness=hubness(questions.vectors, row_keys(table, questions)),
        sentence_hubness=hubness(sentences.vectors, row_keys(table, sentences)),
        title_keys=title_keys,
        title_vectors=title_vectors,
        words=LexicalIndex(table.texts, tokens),
        grams=LexicalIndex(table.texts, grams),
        question_grams=LexicalIndex(questions.texts, grams),
    )


def store_of(index: KnowledgeIndex) -> DerivedStore | None:
    return DerivedStore(index.derived_dir, "reranker", index.embedder.name) if index.derived_dir else None


def load_or_build(index: KnowledgeIndex) -> RerankTables:
    """The stored tables when they match the index; otherwise built (the store says why) and stored."""
    store = store_of(index)
    if store is None:
        return build_tables(index)
    key = index_fingerprint(index)
    loaded = store.load(key, lambda folder: read_tables(folder, index))
    return loaded if loaded is not None else build_and_store(index, key)


def build_and_store(index: KnowledgeIndex, key: str | None = None) -> RerankTables:
    """Build the tables from the index as it is now and store them (what a sync that changed something calls)."""
    tables = build_tables(index)
    if store := store_of(index):
        store.save(key or index_fingerprint(index), lambda folder: write_tables(tables, folder))
    return tables


def write_tables(tables: RerankTables, folder: Path) -> None:
    for name in _HUBNESS:
        np.save(folder / f"{name}.npy", getattr(tables, name))
    np.save(folder / "title_vectors.npy", tables.title_vectors)
    sizes = {name: getattr(tables, name).size for name in _LEXICAL}
    (folder / "tables.json").write_text(json.dumps({"title_keys": tables.title_keys, "sizes": sizes}), "utf-8")
    for name in _LEXICAL:
        getattr(tables, name).save(folder / name)


def read_tables(folder: Path, index: KnowledgeIndex) -> RerankTables:
    """The stored tables, memory-mapped; ValueError when their shapes do not fit the index's tables."""
    described = json.loads((folder / "tables.json").read_text("utf-8"))
    rows = {
        "hubness": len(index.chunk_table().ids),
        "question_hubness": len(index.question_table().ids),
        "sentence_hubness": len(index.sentence_table().ids),
    }
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _HUBNESS}
    for name, array in arrays.items():
        if array.shape != (rows[name],):
            raise ValueError(f"{name} has {array.shape} rows, the index {rows[name]}")
    title_vectors = np.load(folder / "title_vectors.npy", mmap_mode="r")
    if title_vectors.shape != (len(described["title_keys"]), index.embedder.dimension):
        raise ValueError(f"title vectors of shape {title_vectors.shape}")
    lexical = {
        name: LexicalIndex.load(folder / name, tokenize, described["sizes"][name])
        for name, tokenize in _LEXICAL.items()
    }
    return RerankTables(**arrays, title_keys=described["title_keys"], title_vectors=title_vectors, **lexical)


def hubness(vectors: np.ndarray, keys: list[str] | None = None) -> np.ndarray:
    """Mean similarity of each row to its HUB_NEIGHBOURS nearest other rows.

    With `keys` (the article of each row), only rows of other articles count as neighbours: a
    sentence is a hub when it sounds like other articles, not when it sounds like its own.
    Computed in blocks of rows, so memory grows with the rows, not with their square.
    """
    found = np.zeros(len(vectors), dtype=np.float32)
    article = np.asarray(keys if keys is not None else range(len(vectors)))
    for start in range(0, len(vectors), HUB_BLOCK):
        rows = slice(start, start + HUB_BLOCK)
        similarity = vectors[rows] @ vectors.T
        similarity[article[rows, None] == article[None, :]] = -np.inf
        similarity[np.arange(similarity.shape[0]), np.arange(start, start + similarity.shape[0])] = -np.inf
        nearest = -np.partition(-similarity, min(HUB_NEIGHBOURS, similarity.shape[1]) - 1, axis=1)
        nearest = nearest[:, :HUB_NEIGHBOURS]
        counted = np.isfinite(nearest)
        found[rows] = np.where(counted, nearest, 0.0).sum(axis=1) / np.maximum(counted.sum(axis=1), 1)
    return found


def title_vectors_of(table: ChunkTable, embedder) -> tuple[list[str], np.ndarray]:
    """The embedded titles of every article's language versions, with the key of each row."""
    titles: dict[str, list[str]] = {}
    for key, title in zip(table.keys, table.titles, strict=True):
        if title not in titles.setdefault(key, []):
            titles[key].append(title)
    flat = [(key, title) for key, group in titles.items() for title in group]
    return [key for key, _ in flat], embedder.passage_vectors([title for _, title in flat])


def row_keys(table: ChunkTable, texts: TextTable) -> list[str]:
    """The article key of each row of `texts` (sentences or questions); "" for a row of no passage."""
    key_of = dict(zip(table.ids, table.keys, strict=True))
    return [key_of.get(chunk_id, "") for chunk_id in texts.chunk_ids]
