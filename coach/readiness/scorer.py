"""The offline evidence scorer: the marketer's sentences -> evidence per dimension.

Each clause is compared with the model's example statements (multilingual-e5, symmetric `query:`
embeddings). The dimension comes from the examples it is closest to; the level from a
similarity-weighted vote of the nearest examples of that dimension *with the same polarity*:
embeddings barely see "not", so "we have no budget" is compared with negated examples only,
while "no post goes out without approval" (a double negation) counts as positive. What a clause
says before any comparison (its polarity, a plan, a past state, a question) is read from its wording
in `coach.readiness.clauses`: plans are noted as goals, never counted as evidence; past states, questions and
"I don't know" are neither.
"""

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from coach.fitted import READINESS
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.readiness.clauses import Clause, is_negated, read_sentence
from coach.readiness.model import LabelledSentence, ReadinessModel
from coach.readiness.rules import Evidence, EvidenceSource
from coach.text import split_sentences

log = logging.getLogger(__name__)

NEIGHBOURS = 7
BACKGROUND = -1
COORDINATION = DIMENSION_KEYS.index("coordination")
"""The dimension index of the background examples (statements with no readiness content)."""
# The fitted thresholds (READINESS.value) are data: their values, and the data and figures they were chosen on,
# are in `coach/readiness/thresholds.json`; the comments here say what they mean.
# A clause must stand out from small talk by this much to count (in the same units as salience).
BACKGROUND_MARGIN = READINESS.value("BACKGROUND_MARGIN")
# A clause is about a dimension when its closest examples are this much more similar than the
# example bank's average for that clause (in standard deviations of the clause's similarities).
MIN_SALIENCE = READINESS.value("MIN_SALIENCE")
# A clause less similar to every example than the in-domain floor is remote: nonsense, another topic,
# or a real statement in unusual words ("our central team of four owns the main channels" is at 0.85,
# below "lorem ipsum" at 0.87). Salience against the background examples tells them apart; a remote
# clause's evidence counts at REMOTE_WEIGHT: in part, since dropping such clauses loses real statements and
# counting them fully reads more stage-0 companies as stage 1. The floor is the IN_DOMAIN_PERCENTILE-th
# percentile of how close the examples are to each other.
IN_DOMAIN_PERCENTILE = READINESS.value("IN_DOMAIN_PERCENTILE")
REMOTE_WEIGHT = READINESS.value("REMOTE_WEIGHT")
# An unclear answer to a question about a dimension is read with that dimension in mind: short
# answers ("the intern, when she has time") rarely name their subject.
FOCUS_BONUS = 0.8
FOCUS_MAX_WORDS = 12
# A clause often speaks to two dimensions ("HR hires through employees who post freely because
# leadership trusts them": integration and culture; "our community votes on what we build next":
# integration and an open culture). The runner-up dimension counts too, with SECOND_WEIGHT, when it
# is salient on its own and nearly as close as the best one: less than SECOND_GAP behind (in salience units).
SECOND_GAP = READINESS.value("SECOND_GAP")
SECOND_WEIGHT = READINESS.value("SECOND_WEIGHT")
# A clause that names what a dimension's levels are about (its cues in readiness.yaml: "owns", "Freigabe",
# "zentral") leans toward that dimension by CUE_BONUS (in salience units) when the scorer decides which dimension
# it is about; cues never make a clause evidence ("clear roles in the workshop" must stand out from small talk on
# its own). "Marketing owns social media" is about roles, though it names marketing; a complaint about processes.
CUE_BONUS = READINESS.value("CUE_BONUS")
# A sentence whose clauses speak to different dimensions ("sales posts on its own, nobody coordinates that")
# is quoted under each only when the scorer is at least this sure of each; a less sure reading still counts
# toward its level, as a second dimension does (a wrong quote is what the marketer reads).
TWO_DIMENSIONS = READINESS.value("TWO_DIMENSIONS")


@dataclass
class ScoredText:
    """What one message says: evidence, and the goals it mentions (never counted as evidence)."""

    evidence: list[Evidence] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExampleBank:
    """Every example statement with its dimension, level, polarity and vector."""

    dimensions: np.ndarray
    levels: np.ndarray
    negated: np.ndarray
    vectors: np.ndarray
    floor: float
    """A clause less similar than this to every example is remote (see REMOTE_WEIGHT)."""


class EvidenceScorer:
    """Turns free text into evidence; build once per process (it embeds the example bank)."""

    def __init__(
        self,
        model: ReadinessModel,
        embedder,
        cache_dir: "Path | ExampleStore | None" = None,
        corpus: Sequence[LabelledSentence] = (),
    ):
        self.model = model
        self.embedder = embedder
        self.bank = _build_bank(model, embedder, cache_dir, corpus)
        self.cues = [dimension.cue_pattern for dimension in model.dimensions]

    def score(self, text: str, turn: int = 0, focus: str | None = None, source: EvidenceSource = "text") -> ScoredText:
        """Evidence from every sentence of the text; one embedding call for the whole message.

        `focus` is the dimension the marketer was asked about, if any.
        """
        result = ScoredText()
        pending: list[tuple[str, Clause]] = []
        sentences = split_sentences(text)
        if len(sentences) != 1 or len(text.split()) > FOCUS_MAX_WORDS:
            focus = None  # only a short answer leans on the question it answers
        for sentence in sentences:
            for clause in read_sentence(sentence):
                if clause.past or clause.says_nothing:
                    continue
                if clause.aspiration:
                    result.goals.append(sentence)
                else:
                    pending.append((sentence, clause))
        if not pending:
            return result
        vectors = self.embedder.query_vectors([clause.text for _, clause in pending])
        for (sentence, clause), vector in zip(pending, vectors, strict=True):
            result.evidence.extend(self._classify(sentence, clause, vector, turn, source, focus))
        result.evidence = one_sentence_one_dimension(result.evidence)
        result.goals = list(dict.fromkeys(result.goals))
        return result

    def _classify(
        self, sentence: str, clause: Clause, vector: np.ndarray, turn: int, source, focus: str | None
    ) -> list[Evidence]:
        """The clause's evidence: its dimension, and a second one it speaks to almost as clearly."""
        bank = self.bank
        sims = bank.vectors @ vector
        weight = REMOTE_WEIGHT if float(sims.max()) < bank.floor else 1.0
        spread = float(sims.std()) or 1e-6
        negated = clause.negated
        scores = _dimension_scores(bank, sims, spread, negated)
        dimension, salience, dim_margin = _best_dimension(scores)
        if salience < MIN_SALIENCE and focus is not None:
            # Only a clause that says nothing clear on its own is read as being about the question.
            scores[DIMENSION_KEYS.index(focus)] += FOCUS_BONUS
            dimension, salience, dim_margin = _best_dimension(scores)
        if salience < MIN_SALIENCE:
            return []
        cued = self._cued(scores, clause.text)
        if cued != scores:
            scores = cued
            dimension, salience, dim_margin = _best_dimension(scores)
        where = (sentence, source, turn)
        if clause.view:  # the leadership's view of social media speaks to the culture, whatever it names
            culture = DIMENSION_KEYS.index("culture")
            return [self._evidence(sims, culture, max(scores[culture], MIN_SALIENCE), 0.0, negated, where, weight)]
        if clause.central:  # departments without accounts of their own: coordinated centrally, a practice
            return [self._central(sims, max(scores[COORDINATION], MIN_SALIENCE), where, weight)]
        found = [self._evidence(sims, dimension, salience, dim_margin, negated, where, weight)]
        second = max((index for index in range(len(DIMENSION_KEYS)) if index != dimension), key=scores.get)
        if scores[second] >= MIN_SALIENCE and salience - scores[second] < SECOND_GAP:
            runner_up = self._evidence(sims, second, scores[second], 0.0, negated, where, weight * SECOND_WEIGHT)
            found.append(replace(runner_up, primary=False))
        if clause.private:
            found = [item for item in found if item.dimension != "presence"]
        return found

    def _central(self, sims: np.ndarray, salience: float, where, weight: float) -> Evidence:
        """Coordination at the practice level (2 or 3) its closest positive examples show."""
        bank = self.bank
        mask = (bank.dimensions == COORDINATION) & ~bank.negated & (bank.levels >= 2)
        level, share = _vote(bank, sims, mask)
        confidence = weight * min(1.0, share * min(1.0, 0.4 + 0.25 * (salience - MIN_SALIENCE)))
        return Evidence("coordination", level, round(confidence, 3), *where)

    def _cued(self, scores: dict[int, float], text: str) -> dict[int, float]:
        """The dimension scores with CUE_BONUS for every dimension whose cues the clause names."""
        return {
            index: score + (CUE_BONUS if index != BACKGROUND and self.cues[index].search(text) else 0.0)
            for index, score in scores.items()
        }

    def _evidence(
        self, sims: np.ndarray, dimension: int, salience: float, dim_margin: float, negated: bool, where, weight=1.0
    ) -> Evidence:
        level, share = _vote_level(self.bank, sims, dimension, negated)
        confidence = weight * min(1.0, share * min(1.0, 0.4 + 0.25 * (salience - MIN_SALIENCE) + dim_margin))
        return Evidence(DIMENSION_KEYS[dimension], level, round(confidence, 3), *where)


def one_sentence_one_dimension(evidence: list[Evidence], sure: float | None = None) -> list[Evidence]:
    """A sentence counts as mainly about a second dimension (and is quoted under it) only when the scorer is
    at least `sure` (TWO_DIMENSIONS) of it; otherwise that reading becomes a second-dimension one."""
    sure = TWO_DIMENSIONS if sure is None else sure
    best: dict[str, Evidence] = {}
    for item in evidence:
        if item.primary and (item.quote not in best or item.confidence > best[item.quote].confidence):
            best[item.quote] = item
    return [
        replace(item, primary=False)
        if item.primary and item.dimension != best[item.quote].dimension and item.confidence < sure
        else item
        for item in evidence
    ]


def _dimension_scores(bank: ExampleBank, sims: np.ndarray, spread: float, negated: bool) -> dict[int, float]:
    """How far each class's three closest same-polarity examples stand out from the bank's average."""
    mean = float(sims.mean())
    scores = {}
    for index in [*range(len(DIMENSION_KEYS)), BACKGROUND]:
        members = bank.dimensions == index
        same_polarity = members & (bank.negated == negated)
        own = np.sort(sims[same_polarity if same_polarity.sum() >= 3 else members])[-3:]
        scores[index] = (float(own.mean()) - mean) / spread
    return scores


def _best_dimension(scores: dict[int, float]) -> tuple[int, float, float]:
    """The dimension whose closest examples stand out most, its salience and its lead.

    Background examples compete as one more class: when they are closest, the clause is small
    talk and the salience returned is 0.
    """
    ranked = sorted(scores, key=scores.get, reverse=True)
    best, second = ranked[0], ranked[1]
    if best == BACKGROUND or scores[best] - scores[BACKGROUND] < BACKGROUND_MARGIN:
        return best, 0.0, 0.0
    return best, scores[best], (scores[best] - scores[second]) / 4


def _vote_level(bank: ExampleBank, sims: np.ndarray, dimension: int, negated: bool) -> tuple[int, float]:
    """A similarity-weighted vote of the nearest same-polarity examples of the dimension."""
    members = bank.dimensions == dimension
    same_polarity = members & (bank.negated == negated)
    return _vote(bank, sims, same_polarity if same_polarity.any() else members)


def _vote(bank: ExampleBank, sims: np.ndarray, mask: np.ndarray) -> tuple[int, float]:
    candidates = np.flatnonzero(mask)
    nearest = candidates[np.argsort(sims[candidates])[::-1][:NEIGHBOURS]]
    weights = np.exp((sims[nearest] - sims[nearest].max()) / 0.02)
    votes: dict[int, float] = {}
    for row, weight in zip(nearest, weights, strict=True):
        votes[int(bank.levels[row])] = votes.get(int(bank.levels[row]), 0.0) + float(weight)
    level = max(sorted(votes), key=lambda candidate: votes[candidate])
    return level, votes[level] / sum(votes.values())


def _build_bank(
    model: ReadinessModel, embedder, cache_dir: "Path | ExampleStore | None", corpus: Sequence[LabelledSentence]
) -> ExampleBank:
    """The model's example statements, its background, and the labelled sentences of the corpus.

    A corpus sentence counts once for each dimension it speaks to; one that speaks to none is
    background. Labels at a level the dimension does not define are left out.
    """
    rows = [
        (index, level, text)
        for index, dimension in enumerate(model.dimensions)
        for level, examples in dimension.examples.items()
        for text in examples.all()
    ]
    rows += [(BACKGROUND, 0, text) for text in model.background.all()]
    for sentence in corpus:
        if not sentence.evidence:
            rows.append((BACKGROUND, 0, sentence.text))
        for label in sentence.evidence:
            index = DIMENSION_KEYS.index(label.dimension)
            if label.level in model.dimensions[index].examples:
                rows.append((index, label.level, sentence.text))
    texts = [text for _, _, text in rows]
    vectors = cached_vectors(texts, embedder, cache_dir)
    return ExampleBank(
        dimensions=np.array([index for index, _, _ in rows]),
        levels=np.array([level for _, level, _ in rows]),
        negated=np.array([is_negated(text) for text in texts]),
        vectors=vectors,
        floor=_in_domain_floor(vectors),
    )


def _in_domain_floor(vectors: np.ndarray) -> float:
    """As close as all but IN_DOMAIN_PERCENTILE % of the examples are to their second-nearest other example.

    Derived from the bank, so it holds for any embedder's similarity scale; the second neighbour
    because the nearest is often the example's own translation.
    """
    if len(vectors) < 3:
        return -1.0
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    second = np.sort(similarity, axis=1)[:, -2]
    return float(np.percentile(second, IN_DOMAIN_PERCENTILE))


class ExampleStore(Protocol):
    """Where example vectors are kept for every process (`KnowledgeIndex.example_vectors`)."""

    def example_vectors(self, kind: str, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray: ...


def cached_vectors(
    texts: list[str], embedder, cache_dir: "Path | ExampleStore | None", kind: str = "readiness"
) -> np.ndarray:
    """Example vectors, cached per embedder and text (in the index, or in a file of a folder): a changed corpus
    embeds only what is new."""
    if cache_dir is None:
        return embedder.query_vectors(texts)
    if not isinstance(cache_dir, Path):
        return cache_dir.example_vectors(kind, texts, embedder.query_vectors)
    name = hashlib.sha256(embedder.name.encode("utf-8")).hexdigest()[:10]
    path = cache_dir / f"{kind}-vectors-{name}.npz"
    cached = _read_cache(path, embedder.dimension)
    keys = [hashlib.sha256(text.encode("utf-8")).hexdigest()[:20] for text in texts]
    missing = sorted({key: text for key, text in zip(keys, texts, strict=True) if key not in cached}.items())
    if missing:
        vectors = embedder.query_vectors([text for _, text in missing])
        cached.update({key: vector for (key, _), vector in zip(missing, vectors, strict=True)})
        _write_cache(path, cached)
    return np.vstack([cached[key] for key in keys]) if keys else np.zeros((0, embedder.dimension), dtype=np.float32)


def _read_cache(path: Path, dimension: int) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    try:
        with np.load(path) as stored:
            keys, vectors = stored["keys"], stored["vectors"]
        if vectors.shape == (len(keys), dimension):
            return dict(zip(keys.tolist(), vectors, strict=True))
    except (OSError, ValueError, KeyError):
        pass
    log.warning("The example cache %s is unreadable; it is rebuilt", path)
    return {}


def _write_cache(path: Path, vectors: dict[str, np.ndarray]) -> None:
    """Written beside and then moved into place, so a reader never sees half a file."""
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
    try:
        np.savez(partial, keys=np.array(list(vectors)), vectors=np.vstack(list(vectors.values())))
        os.replace(partial, path)
    except OSError as error:
        log.warning("Could not cache the example vectors in %s: %s", path, error)
        partial.unlink(missing_ok=True)
