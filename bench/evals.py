"""Eval sets of `evals/` and their metrics; used by the benchmark and by tests."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coach.config import PROJECT_ROOT

EVALS = PROJECT_ROOT / "evals"
PERSONA_FILES = tuple(sorted(EVALS.glob("personas/*.yaml")))
"""Every persona set; a new file in `evals/personas/` joins the benchmark and the checks by its name alone."""


@dataclass(frozen=True)
class Persona:
    id: str
    split: str
    lang: str
    stage: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass
class StageReport:
    """Exact and within-one accuracy of stage predictions, with a confusion matrix."""

    total: int = 0
    exact: int = 0
    within_one: int = 0
    confusion: list[list[int]] = field(default_factory=lambda: [[0] * 4 for _ in range(4)])
    misses: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, persona_id: str, truth: int, predicted: int) -> None:
        self.total += 1
        self.exact += truth == predicted
        self.within_one += abs(truth - predicted) <= 1
        self.confusion[truth][predicted] += 1
        if truth != predicted:
            self.misses.append((persona_id, truth, predicted))

    def lines(self, title: str, show_misses: bool = True) -> list[str]:
        total = max(self.total, 1)
        lines = [
            f"{title}: n={self.total} exact={self.exact / total:.2f} within-one={self.within_one / total:.2f}",
            "  confusion (rows: truth 0-3, columns: predicted 0-3)",
        ]
        lines += [
            f"    {truth}: " + " ".join(f"{count:3d}" for count in row) for truth, row in enumerate(self.confusion)
        ]
        if self.misses and show_misses:
            lines.append("  misses: " + ", ".join(f"{pid} {truth}->{guess}" for pid, truth, guess in self.misses))
        return lines


STAGE_NUMBER = {"not_started": 0, "bolt_on": 1, "optimizing_social": 2, "optimizing_business": 3}


def load_personas(path: Path = EVALS / "personas" / "dev-heldout.yaml") -> list[Persona]:
    with path.open(encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)
    return [
        Persona(row["id"], row["split"], row["lang"], row["stage"], row["text"], tuple(row.get("tags", [])))
        for row in rows
    ]


def stage_report(personas: list[Persona], predict: Callable[[Persona], int]) -> StageReport:
    report = StageReport()
    for persona in personas:
        report.add(persona.id, STAGE_NUMBER[persona.stage], predict(persona))
    return report
