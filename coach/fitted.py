"""Fitted numbers as data: JSON files beside the code they tune, checked when read, read once.

A thresholds file holds `values` (the constant's name -> a number) and `provenance` (the same names -> why the
value is what it is: on which data it was chosen, the command that measures it, the figures). The runtime reads
only the values. It refuses a file that is missing or unreadable, that lacks a name the code reads or holds one
it does not, or whose value is not a finite number, with an error naming the file and the command that checks
it: a threshold must never fall back to a guess unnoticed. `coach/retrieval/fit.py` reads the reranker's fit
with the same checks.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from coach.errors import CoachError

PACKAGE = Path(__file__).parent
EVIDENCE_BENCH = "python -m bench --only evidence --split dev8"
PERSONAS_BENCH = "python -m bench --only personas"
ANSWERS_BENCH = "python -m bench --only answers"


class FittedNumbersError(CoachError):
    """A file of fitted numbers is missing, unreadable, or holds other numbers than the code reads."""


@dataclass(frozen=True)
class FittedFile:
    """A JSON file of fitted numbers, and what to do when it cannot be used (named in every refusal)."""

    path: Path
    what: str
    """What the file holds, as the error names it: "ranking weights"."""
    fix: str
    """How to restore or check it: "refit it with `python -m bench.ranking --write`"."""
    error: type[CoachError] = FittedNumbersError

    def refuse(self, problem: str) -> CoachError:
        return self.error(f"{problem}; {self.fix}")

    def read(self) -> dict[str, Any]:
        """The file's JSON object."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise self.refuse(f"the file of {self.what} {self.path} is missing") from None
        except (OSError, ValueError) as error:
            raise self.refuse(f"{self.path} cannot be read ({error})") from None
        if not isinstance(data, dict):
            raise self.refuse(f"{self.path} cannot be read (not a JSON object)")
        return data

    def part(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        """`data[key]`, which must be a JSON object."""
        if key not in data:
            raise self.refuse(f"{self.path} has no '{key}'")
        if not isinstance(data[key], dict):
            raise self.refuse(f"{self.path} cannot be read ('{key}' must be an object)")
        return data[key]

    def names(self, found: dict[str, Any], expected: tuple[str, ...], where: str) -> None:
        """`found` (the part `where` of the file) names exactly `expected`."""
        if set(found) != set(expected):
            missing = ", ".join(name for name in expected if name not in found)
            foreign = ", ".join(name for name in found if name not in expected)
            said = "; ".join(f"{how}: {names}" for how, names in (("missing", missing), ("foreign", foreign)) if names)
            raise self.refuse(f"{self.path}: {where} does not name exactly what the code reads ({said})")

    def numbers(self, found: dict[str, Any], where: str) -> dict[str, float]:
        """`found` as it is, once every value is a finite number (a JSON 2 stays the int 2)."""
        for name, value in found.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise self.refuse(f"{self.path}: {name} in '{where}' is {value!r}, not a finite number")
        return dict(found)


@dataclass(frozen=True)
class Thresholds:
    """A layer's thresholds file: `values` and `provenance`, each naming exactly `names`."""

    path: Path
    names: tuple[str, ...]
    """The module constants the file sets, by their names in the code."""
    check: str
    """The command(s) that measure these thresholds (a changed value must be checked with them)."""

    @property
    def file(self) -> FittedFile:
        return FittedFile(self.path, "thresholds", f"restore it from git; a changed value is checked with {self.check}")

    def value(self, name: str) -> float:
        """One threshold, from the file read once per process."""
        return shipped_values(self)[name]


def read_thresholds(thresholds: Thresholds) -> dict[str, float]:
    """The values of a thresholds file, after checking it; FittedNumbersError naming the file and the check."""
    file = thresholds.file
    data = file.read()
    file.names(data, ("values", "provenance"), "the file")
    values, provenance = file.part(data, "values"), file.part(data, "provenance")
    file.names(values, thresholds.names, "'values'")
    file.names(provenance, thresholds.names, "'provenance'")
    for name, why in provenance.items():
        if not isinstance(why, str) or not why.strip():
            raise file.refuse(f"{thresholds.path}: 'provenance' of {name} says nothing")
    return file.numbers(values, "values")


@cache
def shipped_values(thresholds: Thresholds) -> MappingProxyType[str, float]:
    """The shipped file's values, read once per process."""
    return MappingProxyType(read_thresholds(thresholds))


READINESS = Thresholds(
    PACKAGE / "readiness" / "thresholds.json",
    (
        "BACKGROUND_MARGIN",
        "MIN_SALIENCE",
        "IN_DOMAIN_PERCENTILE",
        "REMOTE_WEIGHT",
        "SECOND_GAP",
        "SECOND_WEIGHT",
        "TWO_DIMENSIONS",
        "CUE_BONUS",
        "DECISIVE",
        "CLEAR",
        "PROVISIONAL_CONFIDENCE",
    ),
    f"`{EVIDENCE_BENCH}` and `{PERSONAS_BENCH}`",
)
"""The scorer's (`coach/readiness/scorer.py`) and the stage rules' (`coach/readiness/rules.py`) thresholds."""
DIAGNOSTIC = Thresholds(
    PACKAGE / "diagnostic" / "thresholds.json",
    ("CLEAR_CONFIDENCE", "CLEAR_STATEMENT", "SECOND_QUOTE_CONFIDENCE"),
    f"`{PERSONAS_BENCH}` and `{EVIDENCE_BENCH}`",
)
"""The dialogue's (`coach/diagnostic/dialogue.py`) and the summary's (`coach/diagnostic/summary.py`) thresholds."""
ANSWER = Thresholds(PACKAGE / "answer" / "thresholds.json", ("AFFIRMS",), f"`{ANSWERS_BENCH}`")
"""The verdict's threshold (`coach/answer/verdict.py`)."""
THRESHOLDS = (READINESS, DIAGNOSTIC, ANSWER)
