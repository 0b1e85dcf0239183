"""Fitted numbers as data: JSON files beside the code they tune, checked when read.

The runtime only reads them. It refuses a file that is missing or unreadable, that lacks a name the code reads
or holds one it does not, or whose value is not a finite number, with an error naming the file and the command
that refits or checks it: a fitted number must never fall back to a guess unnoticed. `coach/retrieval/fit.py`
reads the reranker's fit with these checks.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.errors import CoachError


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
