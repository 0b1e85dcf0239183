"""The reranker's fitted numbers, read from `ranking_fit.json`: a weight per feature and the relevance gate.

`python -m bench.ranking --write` writes the file: the weights by feature name, the gate per embedder,
and where they came from (the question sets with their hashes, the splits, the penalty, the
cross-validated figures, the date). The runtime only reads it, and refuses a file that does not name
exactly the reranker's features.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from coach.fitted import FittedFile, FittedNumbersError

FIT_FILE = Path(__file__).with_name("ranking_fit.json")
REFIT = "python -m bench.ranking --write"


class RankingFitError(FittedNumbersError):
    """The file of fitted ranking numbers is missing, unreadable or fitted on other features."""


@dataclass(frozen=True)
class RankingFit:
    weights: np.ndarray
    """One weight per feature, in the order of the features it was checked against."""
    gates: dict[str, float]
    """Per embedder name, the least reranked score of the best article that answers at all."""

    def gate(self, embedder_name: str) -> float:
        """The relevance gate for an embedder; an embedder of unknown scale gets none (0)."""
        return self.gates.get(embedder_name, 0.0)


def read_fit(features: tuple[str, ...], path: Path = FIT_FILE) -> RankingFit:
    """The fit in `path`, its weights ordered like `features`; RankingFitError naming the file and the fix."""
    file = FittedFile(path, "ranking weights", f"refit it with `{REFIT}`", RankingFitError)
    data = file.read()
    weights, gates = file.part(data, "weights"), file.part(data, "relevance_gate")
    file.names(weights, features, "'weights'")
    weights, gates = file.numbers(weights, "weights"), file.numbers(gates, "relevance_gate")
    vector = np.array([float(weights[name]) for name in features])
    return RankingFit(vector, {str(name): float(value) for name, value in gates.items()})


@cache
def ranking_fit(features: tuple[str, ...]) -> RankingFit:
    """The shipped fit, read once per process."""
    return read_fit(features)
