"""The offline classifier: each statement compared with labelled examples, plus the articles' wording cues.

For a statement it adds three things per label, each of which the reason can name:
- the vote of its nearest labelled examples (`knowledge/training/strategy-examples.yaml`), weighted by
  how much closer each is than the rest (embeddings of the bundled e5 model, cosine similarity);
- the wording cues of `coach/strategy/cues.py` ("3x pro Woche" for a tactic, "verzichten" for a strategy);
- the heading it stands under ("Ziele", "Tactics"), and its own ("Ziel: …", "Audience | …").
A heading or a table's header row is `other` outright: it names a section, it does not say anything.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.readiness.scorer import ExampleStore, cached_vectors
from coach.strategy.cues import cues_in, inline_section, section_of
from coach.strategy.labels import LABELS, Label
from coach.strategy.split import Piece

log = logging.getLogger(__name__)

NEIGHBOURS = 8
"""Examples that vote; more than one document's worth of near-duplicates, fewer than a label's share."""
TEMPERATURE = 0.02
"""Similarity gap (e5 cosines sit within about 0.1 of each other) over which a neighbour's vote falls by e."""
CUE_WEIGHT = 0.35
"""A wording cue is worth a third of a unanimous vote: it decides between close labels, never against all examples."""
SECTION_WEIGHT = 0.3
"""The heading above a statement counts a little less than its own words (a "Strategie" heading over tactics)."""
INLINE_WEIGHT = 0.5
"""A statement's own heading ("Ziel: …", "Audience | …") names what it is: more than a cue, less than the examples."""
COPY = section("strategy")


@dataclass(frozen=True)
class Example:
    """A labelled statement the classifier learns from."""

    id: str
    lang: str
    label: Label
    text: str


@dataclass(frozen=True)
class Labelled:
    """One statement of the document with its label and why."""

    text: str
    label: Label
    reason: str
    kind: str = "line"


def load_examples(path: Path) -> tuple[Example, ...]:
    """The labelled statements; raises ValueError naming the file and the entry when one is malformed."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot read the strategy examples ({error})") from None
    examples = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or entry.get("label") not in LABELS or not str(entry.get("text", "")).strip():
            raise ValueError(f"{path}: entry {number} needs a text and one of the labels {', '.join(LABELS)}")
        examples.append(
            Example(str(entry.get("id", number)), str(entry.get("lang", "")), entry["label"], entry["text"])
        )
    return tuple(examples)


class StatementClassifier:
    """Labels statements by their nearest examples, their wording and their heading."""

    def __init__(self, embedder, examples: Sequence[Example], cache_dir: Path | ExampleStore | None = None) -> None:
        self.embedder = embedder
        self.examples = tuple(examples)
        self.vectors = cached_vectors([example.text for example in self.examples], embedder, cache_dir, "strategy")
        self.labels = np.array([LABELS.index(example.label) for example in self.examples])

    def classify(self, pieces: Sequence[Piece], lang: Lang, leave_out: str = "") -> list[Labelled]:
        """Every piece labelled; `leave_out` drops the examples whose id starts with it (the bench's
        leave-one-document-out)."""
        vectors = self.embedder.query_vectors([piece.text for piece in pieces])
        return self.classify_vectors(pieces, vectors, lang, leave_out)

    def classify_vectors(
        self, pieces: Sequence[Piece], vectors: np.ndarray, lang: Lang, leave_out: str = ""
    ) -> list[Labelled]:
        keep = np.array([not (leave_out and example.id.startswith(leave_out)) for example in self.examples])
        sims = vectors @ self.vectors[keep].T if len(pieces) else np.zeros((0, int(keep.sum())))
        labels = self.labels[keep]
        examples = [example for example, kept in zip(self.examples, keep, strict=True) if kept]
        heading: str | None = None
        labelled = []
        for number, piece in enumerate(pieces):
            if piece.kind in ("heading", "header"):
                labelled.append(Labelled(piece.text, "other", COPY[lang]["reason_heading"], piece.kind))
                if number > 0:
                    heading = piece.text
                continue
            labelled.append(self._one(piece, sims[number], labels, examples, heading, lang))
        return labelled

    def _one(
        self,
        piece: Piece,
        sims: np.ndarray,
        labels: np.ndarray,
        examples: list[Example],
        heading: str | None,
        lang: Lang,
    ) -> Labelled:
        scores = np.zeros(len(LABELS))
        nearest = np.argsort(-sims)[:NEIGHBOURS]
        weights = np.exp((sims[nearest] - sims[nearest[0]]) / TEMPERATURE)
        np.add.at(scores, labels[nearest], weights / weights.sum())
        cues = cues_in(piece.text)
        for cue in cues:
            scores[LABELS.index(cue.label)] += CUE_WEIGHT
        announced = section_of(heading) if heading else None
        if announced:
            scores[LABELS.index(announced)] += SECTION_WEIGHT
        inline = inline_section(piece.text)
        if inline:
            scores[LABELS.index(inline[1])] += INLINE_WEIGHT
            if inline[1] != announced:
                heading, announced = inline
        label: Label = LABELS[int(np.argmax(scores))]
        example = next((examples[i] for i in nearest if labels[i] == LABELS.index(label)), None)
        return Labelled(piece.text, label, _reason(label, cues, announced, heading, example, lang), piece.kind)


def _reason(
    label: Label, cues, announced: Label | None, heading: str | None, example: Example | None, lang: Lang
) -> str:
    """Why: the words that point at the label, the heading that announces it, the nearest example with it."""
    copy = COPY[lang]
    parts = [copy[f"reason_cue_{label}"].format(words=cue.words) for cue in cues if cue.label == label]
    if announced == label and heading:
        parts.append(copy["reason_section"].format(heading=heading))
    if example is not None:
        parts.append(copy["reason_example"].format(example=_short(example.text)))
    return "; ".join(parts[:2]) or copy[f"label_{label}"]


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
