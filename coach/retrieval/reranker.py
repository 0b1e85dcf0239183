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

from dataclasses import dataclass, fields

import numpy as np

from coach.knowledge.index import ChunkTable, Hit, KnowledgeIndex, TextTable
from coach.retrieval.fit import ranking_fit
from coach.retrieval.tables import RerankTables, build_and_store, load_or_build

CANDIDATE_PASSAGES = 40
# A passage in the question's language wins over its translation unless the translation is
# clearly more similar; e5 scores of a text and its translation differ by a few hundredths.
SAME_LANGUAGE_BONUS = 0.03


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
    """What reranking needs: the index's tables, what is derived from them (`coach.retrieval.tables`), and
    the row lookups, which cost little to make at every start."""

    def __init__(self, index: KnowledgeIndex, tables: RerankTables):
        table = index.chunk_table()
        self.table = table
        self.row = {chunk_id: row for row, chunk_id in enumerate(table.ids)}
        self.passage_rows = {key: np.flatnonzero(np.asarray(table.keys) == key) for key in set(table.keys)}
        self.hubness = tables.hubness
        self.centroids = _article_centroids(table)
        self.titles = _grouped(tables.title_keys, tables.title_vectors)
        questions, sentences = index.question_table(), index.sentence_table()
        self.questions = questions.vectors
        self.question_rows = _rows_by_key(table, questions)
        self.question_hubness = tables.question_hubness
        self.sentence_rows = _rows_by_key(table, sentences)
        self.sentence_hubness = tables.sentence_hubness
        self.words = tables.words
        self.grams = tables.grams
        self.question_grams = tables.question_grams

    @classmethod
    def loaded(cls, index: KnowledgeIndex) -> "Reranker":
        """With the stored tables when they fit the index (a start), built and stored otherwise."""
        return cls(index, load_or_build(index))

    @classmethod
    def rebuilt(cls, index: KnowledgeIndex) -> "Reranker":
        """With tables built from the index as it is now and stored (after a sync changed it)."""
        return cls(index, build_and_store(index))

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


def prepare(index: KnowledgeIndex, rebuild: bool = False) -> None:
    """Load (or, with `rebuild` or when they do not fit the index, build and store) what ranking needs
    (sentences, hubness, BM25, title vectors) before the first question."""
    index.sentence_table()
    index.derived("reranker", Reranker.rebuilt if rebuild else Reranker.loaded)


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
    reranker = index.derived("reranker", Reranker.loaded)
    table = index.sentence_table()
    sentence_scores = table.vectors @ query_vector if len(table.texts) else np.zeros(0, dtype=np.float32)
    return candidates, sentence_scores, reranker.features(candidates, query_vector, question, sentence_scores)


def _in_language(key: str, hits: list[Hit], lang: str) -> Hit:
    """The article's best passage, preferring the question's language."""
    own = [hit for hit in hits if hit.key == key]
    return max(own, key=lambda hit: hit.score + (SAME_LANGUAGE_BONUS if hit.lang == lang else 0.0))


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


def _grouped(keys: list[str], vectors: np.ndarray) -> dict[str, np.ndarray]:
    """Per article key, its rows of `vectors` (the titles of its language versions)."""
    rows: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        rows.setdefault(key, []).append(row)
    return {key: np.asarray(vectors[group]) for key, group in rows.items()}


def _closest(similarities: np.ndarray, hubness: np.ndarray, rows: np.ndarray) -> tuple[float, float]:
    """Among `rows`, the highest similarity, and the highest once each row's hubness is taken off."""
    return float(similarities[rows].max()), float((similarities[rows] - hubness[rows]).max())


def _rows_by_key(table: ChunkTable, texts: TextTable) -> dict[str, np.ndarray]:
    """Per article key, the rows of `texts` (sentences or questions) that belong to its passages."""
    key_of = dict(zip(table.ids, table.keys, strict=True))
    rows: dict[str, list[int]] = {}
    for row, chunk_id in enumerate(texts.chunk_ids):
        if chunk_id in key_of:
            rows.setdefault(key_of[chunk_id], []).append(row)
    return {key: np.asarray(group) for key, group in rows.items()}
