"""The recall check: each colleague's one sentence on what the social media strategy is for, side by side
with how similar they are.

Borrowed from strategy-alignment research (asking managers to name their company's priorities): a team whose
answers mean different things has no shared strategy, whatever its documents say.

The measure is the mean pairwise cosine similarity of the sentences as the project's own embedder reads them
(`coach.knowledge.embeddings`: multilingual-e5-small by default, or the configured provider), embedded as
queries: e5 is trained to compare two texts of the same kind with the `query: ` prefix on both. A meaning-based
measure is needed because colleagues answer in their own language and words: "to find apprentices" and
"Auszubildende gewinnen" share no token, and a token-overlap measure would call them unrelated. Per colleague
the report also shows the mean similarity to the others, so the odd one out is visible.

e5's cosines are compressed: unrelated sentences still score about 0.75, different purposes phrased alike
0.8-0.89, the same purpose in other words or the other language 0.9 and more (measured on a handful of
German and English purpose sentences when this was written). Hence `SAME_PURPOSE`: a team whose mean is
below it is shown as giving different answers. The embedder is passed in (`Embed`), so this module stays pure
and tests can give vectors of their own.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from coach.diagnostic.team import Respondent

Embed = Callable[[list[str]], np.ndarray]
"""Texts -> one unit-length vector per text (rows), e.g. `embedder.query_vectors`."""
SAME_PURPOSE = 0.9
"""Mean pairwise cosine (e5 query vectors) at or above which the sentences are read as one purpose."""


@dataclass(frozen=True)
class RecallAnswer:
    name: str
    role: str | None
    sentence: str
    similarity: float | None
    """Mean cosine to the other colleagues' sentences (None when nobody else gave one)."""


@dataclass(frozen=True)
class RecallCheck:
    answers: list[RecallAnswer]
    similarity: float | None
    """Mean pairwise cosine of all sentences (None with fewer than two)."""
    missing: list[str]
    """Who gave no sentence."""

    @property
    def differs(self) -> bool:
        return self.similarity is not None and self.similarity < SAME_PURPOSE


def recall_check(respondents: Sequence[Respondent], embed: Embed | None) -> RecallCheck:
    """The sentences side by side with their similarity; without an embedder only the sentences."""
    given = [respondent for respondent in respondents if _sentence(respondent)]
    missing = [respondent.name for respondent in respondents if not _sentence(respondent)]
    if len(given) < 2 or embed is None:
        answers = [RecallAnswer(r.name, r.role, _sentence(r), None) for r in given]
        return RecallCheck(answers, None, missing)
    vectors = _unit(np.asarray(embed([_sentence(respondent) for respondent in given]), dtype=float))
    cosines = vectors @ vectors.T
    pairs = [float(cosines[i, j]) for i, j in combinations(range(len(given)), 2)]
    answers = [
        RecallAnswer(r.name, r.role, _sentence(r), _rounded(np.delete(cosines[i], i).mean()))
        for i, r in enumerate(given)
    ]
    return RecallCheck(answers, _rounded(float(np.mean(pairs))), missing)


def _sentence(respondent: Respondent) -> str:
    return " ".join((respondent.purpose or "").split())


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _rounded(value: float) -> float:
    return round(float(value), 3)
