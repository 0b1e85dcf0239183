"""The reranker's fitted numbers, read from `ranking_fit.json`: a weight per feature and the relevance gate.

`python -m bench.ranking --write` writes the file: the weights by feature name, the gate per embedder,
and where they came from (the question sets with their hashes, the splits, the penalty, the
cross-validated figures, the date). The runtime only reads it, and refuses a file that does not name
exactly the reranker's features.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from coach.errors import CoachError

FIT_FILE = Path(__file__).with_name("ranking_fit.json")
REFIT = "python -m bench.ranking --write"


class RankingFitError(CoachError):
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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights, gates = data["weights"], data["relevance_gate"]
        if not isinstance(weights, dict) or not isinstance(gates, dict):
            raise TypeError("weights and relevance_gate must be objects")
        if set(weights) != set(features):
            raise RankingFitError(
                f"{path} was fitted on other features ({', '.join(sorted(set(weights) ^ set(features)))}); "
                f"refit it with `{REFIT}`"
            )
        vector = np.array([float(weights[name]) for name in features])
        gates = {str(name): float(value) for name, value in gates.items()}
    except FileNotFoundError:
        raise RankingFitError(f"the ranking weights file {path} is missing; refit it with `{REFIT}`") from None
    except KeyError as missing:
        raise RankingFitError(f"{path} has no {missing}; refit it with `{REFIT}`") from None
    except (OSError, ValueError, TypeError) as error:
        raise RankingFitError(f"{path} cannot be read ({error}); refit it with `{REFIT}`") from None
    if not np.all(np.isfinite(vector)) or not all(np.isfinite(value) for value in gates.values()):
        raise RankingFitError(f"{path} holds a weight or gate that is not a finite number; refit it with `{REFIT}`")
    return RankingFit(vector, gates)


@cache
def ranking_fit(features: tuple[str, ...]) -> RankingFit:
    """The shipped fit, read once per process."""
    return read_fit(features)
