"""Rank articles for a question: Chroma's nearest passages, reranked, one passage per article.

Chroma returns the candidates; the reranker adds what one vector per passage misses:
- hubness: some passages are close to almost every question (an overview, a stage description);
  their similarity is discounted by how close they sit to their own neighbours;
- the article as a whole: the question's similarity to the mean vector of the article;
- the words themselves: BM25 over the passages catches names and numbers ("Forrester", "stage 2")
  that a small embedding model blurs;
- the title: what the article says it is about, embedded on its own;
- the single sentence closest to the question: a precise answer in a long passage;
- the questions the article says it answers: a question is closest to another question, and a
  marketer's wording ("nobody answers our comments") is closer to a question than to an essay.
"""

import logging
import re
from dataclasses import dataclass

import bm25s
import numpy as np

from coach.index import ChunkTable, Hit, KnowledgeIndex, TextTable

# bm25s sets its own logger to DEBUG on import; its progress lines are not the coach's business.
logging.getLogger("bm25s").setLevel(logging.WARNING)

CANDIDATE_PASSAGES = 40
HUB_NEIGHBOURS = 10
HUB_WEIGHT = 0.3
ARTICLE_WEIGHT = 0.5
WORDS_WEIGHT = 0.1
TITLE_WEIGHT = 0.25
QUESTION_WEIGHT = 1.25
SENTENCE_WEIGHT = 0.25
# A passage in the question's language wins over its translation unless the translation is
# clearly more similar; e5 scores of a text and its translation differ by a few hundredths.
SAME_LANGUAGE_BONUS = 0.03


@dataclass(frozen=True)
class Retrieved:
    """The passages chosen for a question and how they relate to the whole knowledge base."""

    hits: list[Hit]
    """One passage per article, best first, in the question's language where it exists."""
    candidates: list[Hit]
    """Every passage the search returned, for sentence selection."""
    relevance: float
    """Cosine similarity of the best passage: how closely the knowledge base covers the question."""
    sentence_scores: np.ndarray
    """Similarity of the question to every indexed sentence (rows of the index's sentence table)."""


class Reranker:
    """What reranking needs, derived once from the index's passages."""

    def __init__(self, index: KnowledgeIndex):
        table = index.chunk_table()
        self.table = table
        self.row = {chunk_id: row for row, chunk_id in enumerate(table.ids)}
        self.hubness = _hubness(table.vectors)
        self.centroids = _article_centroids(table)
        self.titles = _title_vectors(table, index.embedder)
        self.questions = _question_vectors(table, index.question_table())
        self.sentence_rows = _rows_by_key(table, index.sentence_table())
        self.words = bm25s.BM25()
        if table.texts:
            self.words.index([_tokens(text) for text in table.texts], show_progress=False)

    def article_scores(
        self, hits: list[Hit], query_vector: np.ndarray, question: str, sentence_scores: np.ndarray
    ) -> dict[str, float]:
        """Per article key, the reranked score of its best candidate passage.

        `sentence_scores` are the question's similarities to the index's sentence table.
        """
        tokens = _tokens(question)  # bm25s raises on an empty query ("🚀🚀🚀" has no words)
        words = self.words.get_scores(tokens) if self.table.texts and tokens else np.zeros(len(self.table.texts))
        top_words = float(words.max()) if words.size and words.max() > 0 else 1.0
        scores: dict[str, float] = {}
        for hit in hits:
            row = self.row.get(hit.chunk_id)
            if row is None:
                continue
            passage = hit.score - HUB_WEIGHT * self.hubness[row] + WORDS_WEIGHT * words[row] / top_words
            scores[hit.key] = max(scores.get(hit.key, -np.inf), passage)
        for key in scores:
            scores[key] += ARTICLE_WEIGHT * float((self.centroids[key] @ query_vector).max())
            scores[key] += TITLE_WEIGHT * float((self.titles[key] @ query_vector).max())
            if key in self.questions:
                scores[key] += QUESTION_WEIGHT * float((self.questions[key] @ query_vector).max())
            if key in self.sentence_rows:
                scores[key] += SENTENCE_WEIGHT * float(sentence_scores[self.sentence_rows[key]].max())
        return scores


def retrieve(index: KnowledgeIndex, query_vector: np.ndarray, lang: str, limit: int, question: str = "") -> Retrieved:
    """The `limit` best articles for the query, with the evidence needed to judge and quote them."""
    candidates = index.search(query_vector, CANDIDATE_PASSAGES)
    reranker = index.derived("reranker", Reranker)
    table = index.sentence_table()
    sentence_scores = table.vectors @ query_vector if len(table.texts) else np.zeros(0, dtype=np.float32)
    scores = reranker.article_scores(candidates, query_vector, question, sentence_scores)
    ranked = sorted(scores, key=lambda key: scores[key], reverse=True)
    return Retrieved(
        hits=[_in_language(key, candidates, lang) for key in ranked[:limit]],
        candidates=candidates,
        relevance=max((hit.score for hit in candidates), default=0.0),
        sentence_scores=sentence_scores,
    )


def _in_language(key: str, hits: list[Hit], lang: str) -> Hit:
    """The article's best passage, preferring the question's language."""
    own = [hit for hit in hits if hit.key == key]
    return max(own, key=lambda hit: hit.score + (SAME_LANGUAGE_BONUS if hit.lang == lang else 0.0))


def _hubness(vectors: np.ndarray) -> np.ndarray:
    """Mean similarity of each passage to its nearest other passages."""
    if len(vectors) <= 1:
        return np.zeros(len(vectors), dtype=np.float32)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    neighbours = min(HUB_NEIGHBOURS, len(vectors) - 1)
    return np.sort(similarity, axis=1)[:, -neighbours:].mean(axis=1)


def _article_centroids(table: ChunkTable) -> dict[str, np.ndarray]:
    """Per article key, the normalised mean passage vector of each language version (one row each)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for row, (key, lang) in enumerate(zip(table.keys, table.langs, strict=True)):
        groups.setdefault((key, lang), []).append(row)
    centroids: dict[str, list[np.ndarray]] = {}
    for (key, _), rows in groups.items():
        mean = table.vectors[rows].mean(axis=0)
        centroids.setdefault(key, []).append(mean / max(float(np.linalg.norm(mean)), 1e-12))
    return {key: np.vstack(vectors) for key, vectors in centroids.items()}


def _title_vectors(table: ChunkTable, embedder) -> dict[str, np.ndarray]:
    """Per article key, the embedded titles of its language versions (one row each)."""
    titles: dict[str, list[str]] = {}
    for key, title in zip(table.keys, table.titles, strict=True):
        if title not in titles.setdefault(key, []):
            titles[key].append(title)
    flat = [(key, title) for key, group in titles.items() for title in group]
    vectors = embedder.passage_vectors([title for _, title in flat])
    grouped: dict[str, list[np.ndarray]] = {}
    for (key, _), vector in zip(flat, vectors, strict=True):
        grouped.setdefault(key, []).append(vector)
    return {key: np.vstack(rows) for key, rows in grouped.items()}


def _question_vectors(table: ChunkTable, questions: TextTable) -> dict[str, np.ndarray]:
    """Per article key, the embedded questions of all its language versions (one row each)."""
    return {key: questions.vectors[rows] for key, rows in _rows_by_key(table, questions).items()}


def _rows_by_key(table: ChunkTable, texts: TextTable) -> dict[str, np.ndarray]:
    """Per article key, the rows of `texts` (sentences or questions) that belong to its passages."""
    key_of = dict(zip(table.ids, table.keys, strict=True))
    rows: dict[str, list[int]] = {}
    for row, chunk_id in enumerate(texts.chunk_ids):
        if chunk_id in key_of:
            rows.setdefault(key_of[chunk_id], []).append(row)
    return {key: np.asarray(group) for key, group in rows.items()}


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
