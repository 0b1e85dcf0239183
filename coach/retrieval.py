"""Rank articles for a question: passage search in Chroma, one passage per article, language preferred."""

from dataclasses import dataclass

import numpy as np

from coach.index import Hit, KnowledgeIndex

CANDIDATE_PASSAGES = 16
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


def retrieve(index: KnowledgeIndex, query_vector: np.ndarray, lang: str, limit: int) -> Retrieved:
    """The `limit` best articles for the query, with the evidence needed to judge and quote them."""
    candidates = index.search(query_vector, CANDIDATE_PASSAGES)
    table = index.sentence_table()
    scores = table.vectors @ query_vector if len(table.texts) else np.zeros(0, dtype=np.float32)
    return Retrieved(
        hits=best_per_article(candidates, lang)[:limit],
        candidates=candidates,
        relevance=max((hit.score for hit in candidates), default=0.0),
        sentence_scores=scores,
    )


def best_per_article(hits: list[Hit], lang: str) -> list[Hit]:
    """Keep one passage per article key, preferring the question's language, best first."""
    best: dict[str, tuple[float, Hit]] = {}
    for hit in hits:
        adjusted = hit.score + (SAME_LANGUAGE_BONUS if hit.lang == lang else 0.0)
        if hit.key not in best or adjusted > best[hit.key][0]:
            best[hit.key] = (adjusted, hit)
    ranked = sorted(best.values(), key=lambda pair: pair[0], reverse=True)
    return [_in_language(hit, hits, lang) for _, hit in ranked]


def _in_language(hit: Hit, hits: list[Hit], lang: str) -> Hit:
    """The article's best passage in the question's language, if the search returned one."""
    if hit.lang == lang:
        return hit
    same = [other for other in hits if other.key == hit.key and other.lang == lang]
    return max(same, key=lambda other: other.score) if same else hit
