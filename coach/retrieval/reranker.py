"""Rank articles for a question: Chroma's nearest passages, reranked, one passage per article.

Chroma returns the candidates; the reranker scores each candidate article by a weighted sum of
what one vector per passage misses:
- hubness: some passages are close to almost every question (an overview, a stage description);
  their similarity is discounted by how close they sit to their own neighbours, and a sentence's
  or a question's by how close it sits to those of other articles;
- the article as a whole: the question's similarity to the mean vector of the article;
- the words themselves: BM25 over the passages catches names and numbers ("Forrester", "stage 2")
  that a small embedding model blurs;
- pieces of words: BM25 over character 4-grams matches German compounds and inflections
  ("Firmenaccounts", "Zuständigkeiten") and German typed without umlauts ("fuer", "Plaene");
- the title: what the article says it is about, embedded on its own;
- the single sentence closest to the question: a precise answer in a long passage;
- the questions the article says it answers: a question is closest to another question, and a
  marketer's wording ("nobody answers our comments") is closer to a question than to an essay;
  both as vectors and as character 4-grams.

The weights are fitted, not chosen: `python -m bench.ranking` fits them on the tuning
questions (every dev split) and prints them with their cross-validated figures.
"""

import logging
import re
from dataclasses import dataclass, fields

import bm25s
import numpy as np

from coach.knowledge.index import ChunkTable, Hit, KnowledgeIndex, TextTable
from coach.retrieval.fit import ranking_fit

# bm25s sets its own logger to DEBUG on import; its progress lines are not the coach's business.
logging.getLogger("bm25s").setLevel(logging.WARNING)

CANDIDATE_PASSAGES = 40
HUB_NEIGHBOURS = 10
_HUB_BLOCK = 1024
GRAM_SIZE = 4
# A passage in the question's language wins over its translation unless the translation is
# clearly more similar; e5 scores of a text and its translation differ by a few hundredths.
SAME_LANGUAGE_BONUS = 0.03
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class ArticleFeatures:
    """What the reranker knows of one candidate article; its score is the weighted sum (`ranking_fit.json`)."""

    passage: float
    """Similarity of the question to the article's best passage."""
    hubness: float
    """How close that passage sits to its neighbours in general (a hub matches everything a little)."""
    words: float
    """BM25 over the words of the article's passages (the best passage, scaled to the best of all)."""
    grams: float
    """BM25 over character 4-grams: German compounds, German typed without umlauts."""
    article: float
    """Similarity to the article's mean vector."""
    title: float
    """Similarity to the article's title."""
    question: float
    """Best similarity to one of the article's example questions (its closest sentence if it has none)."""
    distinct_question: float
    """The same, less that question's likeness to other articles."""
    sentence: float
    """Best similarity to one of the article's sentences."""
    distinct_sentence: float
    """The same, less that sentence's likeness to other articles."""
    question_grams: float
    """BM25 over the character 4-grams of the article's example questions."""

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, field.name) for field in fields(self)])


FEATURES = tuple(field.name.replace("_", " ") for field in fields(ArticleFeatures))
"""The features' names, in the order of `ArticleFeatures.vector`, as `ranking_fit.json` names them."""


@dataclass(frozen=True)
class Retrieved:
    """The passages chosen for a question and how they relate to the whole knowledge base."""

    hits: list[Hit]
    """One passage per article, best first, in the question's language where it exists."""
    candidates: list[Hit]
    """Every passage the search returned, for sentence selection."""
    relevance: float
    """The reranked score of the best article: how closely the knowledge base covers the question."""
    sentence_scores: np.ndarray
    """Similarity of the question to every indexed sentence (rows of the index's sentence table)."""
    scores: dict[str, float]
    """Per candidate article key, its reranked score."""


class Reranker:
    """What reranking needs, derived once from the index's passages."""

    def __init__(self, index: KnowledgeIndex):
        table = index.chunk_table()
        self.table = table
        self.row = {chunk_id: row for row, chunk_id in enumerate(table.ids)}
        self.passage_rows = {key: np.flatnonzero(np.asarray(table.keys) == key) for key in set(table.keys)}
        self.hubness = _hubness(table.vectors)
        self.centroids = _article_centroids(table)
        self.titles = _title_vectors(table, index.embedder)
        questions, sentences = index.question_table(), index.sentence_table()
        self.questions = questions.vectors
        self.question_rows = _rows_by_key(table, questions)
        self.question_hubness = _hubness(questions.vectors, _row_keys(table, questions))
        self.sentence_rows = _rows_by_key(table, sentences)
        self.sentence_hubness = _hubness(sentences.vectors, _row_keys(table, sentences))
        self.words = _LexicalIndex(table.texts, _tokens)
        self.grams = _LexicalIndex(table.texts, _grams)
        self.question_grams = _LexicalIndex(questions.texts, _grams)

    def features(
        self, hits: list[Hit], query_vector: np.ndarray, question: str, sentence_scores: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Per article key among the candidates, its FEATURES as a vector.

        `sentence_scores` are the question's similarities to the index's sentence table.
        """
        best: dict[str, Hit] = {}
        for hit in hits:
            if hit.chunk_id in self.row and (hit.key not in best or hit.score > best[hit.key].score):
                best[hit.key] = hit
        words, grams = self.words.scores(question), self.grams.scores(question)
        question_grams = self.question_grams.scores(question)
        question_scores = self.questions @ query_vector
        features = {}
        for key, hit in best.items():
            rows = self.passage_rows[key]
            hubness = self.hubness[self.row[hit.chunk_id]]
            sentence = (hit.score, hit.score - hubness)  # an article of no sentences: its passage
            if key in self.sentence_rows:
                sentence = _closest(sentence_scores, self.sentence_hubness, self.sentence_rows[key])
            # An article that names no questions is judged by its closest sentence and its passages in their place,
            # so that its score stays on the scale of the others and of the relevance gate.
            asked, asked_grams = sentence, grams[rows].max()
            if key in self.question_rows:
                asked = _closest(question_scores, self.question_hubness, self.question_rows[key])
                asked_grams = question_grams[self.question_rows[key]].max()
            features[key] = ArticleFeatures(
                hit.score,
                hubness,
                words[rows].max(),
                grams[rows].max(),
                float((self.centroids[key] @ query_vector).max()),
                float((self.titles[key] @ query_vector).max()),
                *asked,
                *sentence,
                asked_grams,
            ).vector()
        return features


class _LexicalIndex:
    """BM25 over the passages with one tokenizer; scores are scaled so the best passage has 1."""

    def __init__(self, texts: list[str], tokenize):
        self._tokenize = tokenize
        self._size = len(texts)
        self._bm25 = bm25s.BM25()
        if texts:
            self._bm25.index([tokenize(text) for text in texts], show_progress=False)

    def scores(self, question: str) -> np.ndarray:
        tokens = self._tokenize(question)  # bm25s raises on an empty query ("🚀🚀🚀" has no words)
        scores = self._bm25.get_scores(tokens) if self._size and tokens else np.zeros(self._size)
        top = float(scores.max()) if scores.size else 0.0
        return scores / top if top > 0 else scores


def prepare(index: KnowledgeIndex) -> None:
    """Build what ranking needs (sentences, hubness, BM25, title vectors) before the first question."""
    index.sentence_table()
    index.derived("reranker", Reranker)


def retrieve(index: KnowledgeIndex, query_vector: np.ndarray, lang: str, limit: int, question: str = "") -> Retrieved:
    """The `limit` best articles for the query, with the evidence needed to judge and quote them."""
    candidates, sentence_scores, features = candidate_features(index, query_vector, question)
    weights = ranking_fit(FEATURES).weights
    scores = {key: float(vector @ weights) for key, vector in features.items()}
    ranked = sorted(scores, key=lambda key: scores[key], reverse=True)
    return Retrieved(
        hits=[_in_language(key, candidates, lang) for key in ranked[:limit]],
        candidates=candidates,
        relevance=scores[ranked[0]] if ranked else 0.0,
        sentence_scores=sentence_scores,
        scores=scores,
    )


def fuse(first: Retrieved, second: Retrieved, lang: str, limit: int) -> Retrieved:
    """Two readings of one question weighed alike: per article the sum of its reranked scores (an article one
    reading did not consider gets that reading's lowest), the passages of both, the mean sentence similarity.
    The relevance is the better of the two readings' scores for the article ranked first, on the gate's scale."""
    readings = (first, second)
    floors = [min(reading.scores.values(), default=0.0) for reading in readings]
    keys = set(first.scores) | set(second.scores)
    scores = {key: sum(r.scores.get(key, floor) for r, floor in zip(readings, floors, strict=True)) for key in keys}
    ranked = sorted(scores, key=lambda key: scores[key], reverse=True)
    closest: dict[str, Hit] = {}
    for hit in (*first.candidates, *second.candidates):
        if hit.chunk_id not in closest or hit.score > closest[hit.chunk_id].score:
            closest[hit.chunk_id] = hit
    candidates = list(closest.values())
    return Retrieved(
        hits=[_in_language(key, candidates, lang) for key in ranked[:limit]],
        candidates=candidates,
        relevance=max(first.scores.get(ranked[0], 0.0), second.scores.get(ranked[0], 0.0)) if ranked else 0.0,
        sentence_scores=(first.sentence_scores + second.sentence_scores) / 2,
        scores=scores,
    )


def candidate_features(
    index: KnowledgeIndex, query_vector: np.ndarray, question: str
) -> tuple[list[Hit], np.ndarray, dict[str, np.ndarray]]:
    """The passages nearest the query, the query's similarity to every sentence, and per candidate article
    its feature vector (what `retrieve` weighs, and what `bench.ranking` fits the weights on)."""
    candidates = index.search(query_vector, CANDIDATE_PASSAGES)
    reranker = index.derived("reranker", Reranker)
    table = index.sentence_table()
    sentence_scores = table.vectors @ query_vector if len(table.texts) else np.zeros(0, dtype=np.float32)
    return candidates, sentence_scores, reranker.features(candidates, query_vector, question, sentence_scores)


def _in_language(key: str, hits: list[Hit], lang: str) -> Hit:
    """The article's best passage, preferring the question's language."""
    own = [hit for hit in hits if hit.key == key]
    return max(own, key=lambda hit: hit.score + (SAME_LANGUAGE_BONUS if hit.lang == lang else 0.0))


def _hubness(vectors: np.ndarray, keys: list[str] | None = None) -> np.ndarray:
    """Mean similarity of each row to its HUB_NEIGHBOURS nearest other rows.

    With `keys` (the article of each row), only rows of other articles count as neighbours: a
    sentence is a hub when it sounds like other articles, not when it sounds like its own.
    Computed in blocks of rows, so memory grows with the rows, not with their square.
    """
    hubness = np.zeros(len(vectors), dtype=np.float32)
    article = np.asarray(keys if keys is not None else range(len(vectors)))
    for start in range(0, len(vectors), _HUB_BLOCK):
        rows = slice(start, start + _HUB_BLOCK)
        similarity = vectors[rows] @ vectors.T
        similarity[article[rows, None] == article[None, :]] = -np.inf
        similarity[np.arange(similarity.shape[0]), np.arange(start, start + similarity.shape[0])] = -np.inf
        nearest = -np.partition(-similarity, min(HUB_NEIGHBOURS, similarity.shape[1]) - 1, axis=1)
        nearest = nearest[:, :HUB_NEIGHBOURS]
        counted = np.isfinite(nearest)
        hubness[rows] = np.where(counted, nearest, 0.0).sum(axis=1) / np.maximum(counted.sum(axis=1), 1)
    return hubness


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


def _closest(similarities: np.ndarray, hubness: np.ndarray, rows: np.ndarray) -> tuple[float, float]:
    """Among `rows`, the highest similarity, and the highest once each row's hubness is taken off."""
    return float(similarities[rows].max()), float((similarities[rows] - hubness[rows]).max())


def _row_keys(table: ChunkTable, texts: TextTable) -> list[str]:
    """The article key of each row of `texts` (sentences or questions); "" for a row of no passage."""
    key_of = dict(zip(table.ids, table.keys, strict=True))
    return [key_of.get(chunk_id, "") for chunk_id in texts.chunk_ids]


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


def _grams(text: str) -> list[str]:
    """Character GRAM_SIZE-grams of each word, umlauts spelled out, word boundaries marked."""
    grams = []
    for word in _tokens(text.lower().translate(_UMLAUTS)):
        word = f"_{word}_"
        grams += [word[start : start + GRAM_SIZE] for start in range(max(1, len(word) - GRAM_SIZE + 1))]
    return grams
