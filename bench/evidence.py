"""`python -m bench --only evidence`: what a marketer reads in a summary, measured on descriptions labelled
sentence by sentence (`evals/descriptions/`).

Per split: evidence precision (quotes shown under a dimension that come from a sentence labelled with it),
dimension recall (labelled dimensions that show at least one such quote), sentence recall (labelled
sentence-dimension pairs found among all evidence), level accuracy (labelled dimension levels the summary
gives), strength-gap contradictions, stage exact and within one, and a reliability table (claimed
confidence against accuracy). `--split` picks the splits; the unseen split is scored only when asked.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.evals import EVALS, STAGE_NUMBER
from coach.diagnostic.summary import shown_quotes
from coach.session.coach import Coach

DESCRIPTION_FILES = tuple(sorted((EVALS / "descriptions").glob("*.yaml")))
TUNING_SPLITS = ("dev8",)
BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.01))
TARGETS = {"precision": 0.90, "recall": 0.80, "level accuracy": 0.85, "stage exact": 0.90}


@dataclass(frozen=True)
class Sentence:
    text: str
    labels: dict[str, int]
    """Dimension -> level this sentence speaks to (empty: small talk, a plan, a past state...)."""


@dataclass(frozen=True)
class Description:
    id: str
    split: str
    lang: str
    stage: int
    levels: dict[str, int]
    sentences: list[Sentence]

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


@dataclass
class EvidenceReport:
    shown: int = 0
    correct: int = 0
    labelled_dimensions: int = 0
    dimensions_with_quote: int = 0
    labelled_pairs: int = 0
    pairs_found: int = 0
    levels: int = 0
    levels_right: int = 0
    contradictions: list[str] = field(default_factory=list)
    stages: int = 0
    stage_exact: int = 0
    stage_within_one: int = 0
    bands: dict[tuple[float, float], list[bool]] = field(default_factory=lambda: {band: [] for band in BANDS})
    misplaced: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "precision": self.correct / max(self.shown, 1),
            "recall": self.dimensions_with_quote / max(self.labelled_dimensions, 1),
            "sentence recall": self.pairs_found / max(self.labelled_pairs, 1),
            "level accuracy": self.levels_right / max(self.levels, 1),
            "stage exact": self.stage_exact / max(self.stages, 1),
            "stage within one": self.stage_within_one / max(self.stages, 1),
        }


def load_descriptions(path: Path) -> list[Description]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Description(
            row["id"],
            row["split"],
            row["lang"],
            STAGE_NUMBER[row["stage"]],
            dict(row.get("dimensions") or {}),
            [
                Sentence(item["text"], {label["dimension"]: label["level"] for label in item.get("evidence") or []})
                for item in row["sentences"]
            ],
        )
        for row in rows
    ]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def sentence_of(quote: str, sentences: list[Sentence]) -> Sentence:
    """The labelled sentence a quote comes from (a quote may be a clause of it)."""
    for sentence in sentences:
        if quote.strip(" .!?") in sentence.text:
            return sentence
    words = _words(quote)
    return max(sentences, key=lambda sentence: len(words & _words(sentence.text)) / max(len(words), 1))


def score_description(coach: Coach, description: Description, report: EvidenceReport) -> None:
    assessment, summary = coach.assess(description.text)
    for key, result in assessment.dimensions.items():
        quotes = shown_quotes(result)
        right = [quote for quote in quotes if key in sentence_of(quote, description.sentences).labels]
        report.shown += len(quotes)
        report.correct += len(right)
        report.misplaced += [f"{description.id} {key}: {quote[:70]}" for quote in quotes if quote not in right]
        if key in description.levels:
            report.labelled_dimensions += 1
            report.dimensions_with_quote += bool(right)
            report.levels += 1
            report.levels_right += result.level == description.levels[key]
        found = {sentence_of(item.quote, description.sentences).text for item in result.evidence}
        labelled = [sentence.text for sentence in description.sentences if key in sentence.labels]
        report.labelled_pairs += len(labelled)
        report.pairs_found += sum(text in found for text in labelled)
    if set(summary.strengths) & set(summary.gaps):
        report.contradictions.append(description.id)
    report.stages += 1
    report.stage_exact += assessment.stage == description.stage
    report.stage_within_one += abs(assessment.stage - description.stage) <= 1
    band = next(band for band in BANDS if band[0] <= assessment.confidence < band[1])
    report.bands[band].append(assessment.stage == description.stage)


def bench_evidence(coach: Coach, only_splits: Sequence[str] = ()) -> None:
    descriptions = [item for path in DESCRIPTION_FILES for item in load_descriptions(path)]
    splits = [split for split in dict.fromkeys(item.split for item in descriptions)]
    chosen = [split for split in splits if split in (only_splits or TUNING_SPLITS)]
    print(f"\n== Evidence in the summary: descriptions labelled sentence by sentence, splits {', '.join(chosen)}")
    for split in chosen:
        report = EvidenceReport()
        for description in (item for item in descriptions if item.split == split):
            score_description(coach, description, report)
        tuning = split in TUNING_SPLITS
        kind = "tuning" if tuning else "held out"
        print(f"{split} ({kind}), {report.stages} descriptions, {report.shown} quotes shown")
        for name, value in report.figures().items():
            target = TARGETS.get(name)
            verdict = "" if target is None else f" (target >= {target}) {'met' if value >= target else 'NOT MET'}"
            print(f"  {name}: {value:.3f}{verdict}")
        print(f"  summaries with a dimension both strength and gap: {len(report.contradictions)} (target 0)")
        print("  reliability: claimed confidence -> stage accuracy")
        for (low, high), outcomes in report.bands.items():
            accuracy = f"{sum(outcomes) / len(outcomes):.2f}" if outcomes else "-"
            print(f"    {low:.0%}-{min(high, 1):.0%}: n={len(outcomes)} accuracy={accuracy}")
        if tuning and report.misplaced:
            print(f"  misplaced quotes ({len(report.misplaced)}):", *report.misplaced[:40], sep="\n    ")
