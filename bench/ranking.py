"""`python -m bench.ranking`: fit the reranker's weights on the tuning questions; `--write` stores them.

The reranker scores an article by a weighted sum of its FEATURES (`coach.retrieval.reranker`). The weights
are those of a conditional logit: for each question, a softmax over the candidate articles should
put its mass on the expected ones. Features are standardised for the fit, an L2 penalty keeps the
weights from chasing single questions, and the printed weights are scaled back to the raw
features, with the passage similarity's weight set to 1.

Every question set goes in except the splits no decision has used yet (UNSEEN_SPLITS of
`bench.main`), which measure the result. The older held-out sets were measured often enough over
the sessions to have become tuning data, and six sets by different writers make weights that
carry over to a new writer better than one large set does. Two estimates of what the fit does on
questions it has not seen are printed next to the figures of the weights in use: 5-fold
cross-validation, and leaving out one question set (one writer) at a time. `--write` puts the fitted
weights, the relevance gate and where they came from into `coach/retrieval/ranking_fit.json`.
"""

import argparse
import hashlib
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from bench.evals import EVALS
from bench.main import QUESTION_SETS, RANK_DEPTH, UNSEEN_SPLITS, load_questions, metrics
from coach.config import PROJECT_ROOT, Settings
from coach.retrieval.fit import FIT_FILE, ranking_fit
from coach.retrieval.reranker import FEATURES, candidate_features
from coach.session.coach import Coach, prepare_question

FOLDS = 5
STEPS = 3000
LEARNING_RATE = 0.5


def candidate_matrices(coach: Coach, questions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per question, the features of the RANK_DEPTH-wide candidate articles, which are expected, and which exist.

    Shapes (questions, articles, features), (questions, articles), (questions, articles);
    articles are padded to the same count per question, padding marked as not existing.
    """
    rows = []
    for item in questions:
        question = prepare_question(item.question, coach.settings.max_question_chars)
        query, vector = coach.query(question.text, question.lang)
        features = candidate_features(coach.index, vector, query)[2]
        rows.append([(vector, key in item.expected) for key, vector in features.items()])
    width = max(len(row) for row in rows)
    x = np.zeros((len(rows), width, len(FEATURES)))
    expected = np.zeros((len(rows), width), dtype=bool)
    exists = np.zeros((len(rows), width), dtype=bool)
    for number, row in enumerate(rows):
        for column, (vector, hit) in enumerate(row):
            x[number, column], expected[number, column], exists[number, column] = vector, hit, True
    return x, expected, exists


def fit(x: np.ndarray, expected: np.ndarray, exists: np.ndarray, l2: float) -> np.ndarray:
    """Weights of the raw features, the passage similarity's weight scaled to 1."""
    usable = expected.any(axis=1)  # a question whose article is not a candidate teaches nothing
    x, expected, exists = x[usable], expected[usable], exists[usable]
    mean, spread = x[exists].mean(axis=0), x[exists].std(axis=0) + 1e-9
    z = np.where(exists[..., None], (x - mean) / spread, 0.0)
    target = expected / expected.sum(axis=1, keepdims=True)
    weights = np.zeros(x.shape[2])
    for _ in range(STEPS):
        probability = _softmax(z @ weights, exists)
        gradient = np.einsum("qa,qaf->f", probability - target, z) / len(z) + l2 * weights / len(z)
        weights -= LEARNING_RATE * gradient
    raw = weights / spread
    return raw / raw[FEATURES.index("passage")]


def ranks(x: np.ndarray, expected: np.ndarray, exists: np.ndarray, weights: np.ndarray) -> list[int | None]:
    """Where each question's first expected article lands (None: not in the top RANK_DEPTH)."""
    costs = np.where(exists, -(x @ weights), np.inf)  # padding goes last
    found = []
    for row_costs, row_expected in zip(costs, expected, strict=True):
        order = np.argsort(row_costs, kind="stable")
        positions = np.flatnonzero(row_expected[order]) + 1
        found.append(int(positions[0]) if positions.size and positions[0] <= RANK_DEPTH else None)
    return found


def cross_validated(
    x: np.ndarray, expected: np.ndarray, exists: np.ndarray, l2: float, groups: Sequence[str] | None = None
) -> list[int | None]:
    """Each question ranked by weights fitted on the other folds: FOLDS random ones, or one per group."""
    order = np.random.default_rng(0).permutation(len(x))
    folds = np.array_split(order, FOLDS)
    if groups is not None:
        folds = [np.flatnonzero(np.asarray(groups) == group) for group in dict.fromkeys(groups)]
    found: list[int | None] = [None] * len(x)
    for held in folds:
        train = np.setdiff1d(order, held)
        weights = fit(x[train], expected[train], exists[train], l2)
        for number, rank in zip(held, ranks(x[held], expected[held], exists[held], weights), strict=True):
            found[number] = rank
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.ranking", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="reuse (and update) this index instead of a temporary one")
    parser.add_argument(
        "--questions", type=Path, action="append", help="a question set (repeatable; default: every bundled set)"
    )
    parser.add_argument(
        "--split", action="append", help="a split to fit on (repeatable; default: all but UNSEEN_SPLITS)"
    )
    parser.add_argument("--l2", type=float, default=10.0, help="L2 penalty on the standardised weights")
    parser.add_argument("--write", action="store_true", help=f"write the fit to {FIT_FILE.name}")
    parser.add_argument("--gate", type=float, help="the relevance gate to write (default: the one in use)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    paths = args.questions or [*QUESTION_SETS, EVALS / "retrieval" / "tuning-dev3.yaml"]
    chosen = [
        (path.name, item)
        for path in paths
        for item in load_questions(path)
        if (item.split in args.split if args.split else item.split not in UNSEEN_SPLITS)
    ]
    questions, sets = [item for _, item in chosen], [name for name, _ in chosen]
    if not questions:
        print("no tuning questions in the given sets and splits", file=sys.stderr)
        return 2
    splits = ", ".join(dict.fromkeys(item.split for item in questions))
    with tempfile.TemporaryDirectory(prefix="coach-ranking-") as scratch:
        coach = Coach.start(Settings(data_dir=args.data_dir or Path(scratch) / "index"))
        x, expected, exists = candidate_matrices(coach, questions)
    print(f"{len(questions)} questions of {len(set(sets))} sets, splits {splits}; l2={args.l2}")
    print(f"{'weights':34}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}")
    in_use = ranking_fit(FEATURES)
    figures = {}
    for name, found in (
        ("in use", ranks(x, expected, exists, in_use.weights)),
        (f"fitted, {FOLDS}-fold cross-validated", cross_validated(x, expected, exists, args.l2)),
        ("fitted, one set left out at a time", cross_validated(x, expected, exists, args.l2, sets)),
    ):
        values = figures[name] = metrics(found)
        print(f"{name:34}{values['hit@1']:>8.3f}{values['hit@3']:>8.3f}{values['MRR']:>8.3f}")
    weights = fit(x, expected, exists, args.l2)
    print(
        "fitted on all of them:",
        ", ".join(f"{name} {weight:.3g}" for name, weight in zip(FEATURES, weights, strict=True)),
    )
    gate = args.gate if args.gate is not None else in_use.gate(coach.embedder.name)
    for name, used in (("in use", in_use.weights), ("fitted", weights)):
        refused = int((best_scores(x, exists, used) < gate).sum())
        print(f"the relevance gate {gate} with the weights {name} refuses {refused} of these {len(x)} questions")
    if args.write:
        write_fit(weights, {coach.embedder.name: gate}, paths, splits, len(questions), args.l2, figures)
        print(f"written to {FIT_FILE}")
    return 0


def write_fit(weights, gates, paths, splits, count, l2, figures) -> None:
    """The fit as data: weights by feature name (3 significant digits), the gate, and their provenance."""
    data = {
        "weights": {name: float(f"{weight:.3g}") for name, weight in zip(FEATURES, weights, strict=True)},
        "relevance_gate": gates,
        "fitted_on": {
            "question_sets": {str(path.relative_to(PROJECT_ROOT)): _sha256(path) for path in paths},
            "splits": splits,
            "questions": count,
        },
        "l2": l2,
        "figures": {name: {key: round(value, 3) for key, value in values.items()} for name, values in figures.items()},
        "date": date.today().isoformat(),
        "command": "python -m bench.ranking --write" + (f" --l2 {l2}" if l2 != 10.0 else ""),
    }
    FIT_FILE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def best_scores(x: np.ndarray, exists: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per question, the score of its best candidate article (what the relevance gate compares)."""
    return np.where(exists, x @ weights, -np.inf).max(axis=1)


def _softmax(scores: np.ndarray, exists: np.ndarray) -> np.ndarray:
    scores = np.where(exists, scores, -np.inf)
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


if __name__ == "__main__":
    sys.exit(main())
