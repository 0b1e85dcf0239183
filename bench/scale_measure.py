"""One size of the scale benchmark, measured in a process of its own: `python -m bench.scale_measure`.

`ingest` builds the index from scratch (and warms up once, so the scorer's example vectors are cached as after a
first start); `start` opens that index as an app's next start does and measures the start, the warm-up, one
answer against one embedding, and retrieval on the shipped eval set. Each prints one JSON line; the peak
resident memory is the process's own.
"""

import argparse
import json
import logging
import resource
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.diagnostic import seconds
from bench.main import QUESTION_SETS, RANK_DEPTH, TIMING_QUESTIONS, load_questions, metrics
from bench.scale_copies import original_key
from coach.config import Settings
from coach.retrieval.reranker import prepare
from coach.session.coach import Coach, prepare_question


def peak_rss_mb() -> float:
    """The process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_ingest(settings: Settings) -> dict:
    coach = Coach(settings)
    reports = []
    full = seconds(lambda: reports.append(coach.ingest()))
    first_warm_up = seconds(coach.warm_up)
    return {
        "ingest_s": full,
        "texts": reports[0].embedded,
        "ingest_per_text_ms": full / max(reports[0].embedded, 1) * 1000,
        "first_warm_up_s": first_warm_up,
        "passages": coach.index.stats().chunks,
        "peak_rss_mb": peak_rss_mb(),
    }


def answer_ratio(coach: Coach, repeat: int) -> float:
    """Median offline answer over median query embedding, interleaved (the same as `bench --only answer`)."""
    ratios = []
    for question in TIMING_QUESTIONS:
        coach.ask(question)
        answers, embeddings = [], []
        for _ in range(repeat):
            answers.append(seconds(lambda q=question: coach.ask(q)))
            embeddings.append(seconds(lambda q=question: coach.embedder.query_vector(q)))
        ratios.append(statistics.median(answers) / statistics.median(embeddings))
    return max(ratios)


def retrieval_figures(coach: Coach) -> dict:
    """hit@1/hit@3/MRR on the shipped eval set, two ways: as is (a copy of the expected article is a miss),
    and with each copy counted as its original (the first of them ranked)."""
    as_is, folded = [], []
    for path in QUESTION_SETS:
        for item in load_questions(path):
            question = prepare_question(item.question, coach.settings.max_question_chars)
            keys = [hit.key for hit in coach.retrieve(question.text, question.lang, RANK_DEPTH).hits]
            as_is.append(_rank(keys, item.expected))
            folded.append(_rank(list(dict.fromkeys(map(original_key, keys))), item.expected))
    return {"as_is": metrics(as_is), "copies_as_original": metrics(folded), "questions": len(as_is)}


def _rank(keys: Sequence[str], expected: Sequence[str]) -> int | None:
    return next((position for position, key in enumerate(keys, 1) if key in expected), None)


def measure_start(settings: Settings, repeat: int) -> dict:
    coaches = []
    start = seconds(lambda: coaches.append(Coach.start(settings)))
    coach = coaches[0]
    reranker = seconds(lambda: prepare(coach.index))
    rest = seconds(coach.warm_up)
    return {
        "noop_start_s": start,
        "warm_up_s": reranker,
        "rest_of_warm_up_s": rest,
        "answer_per_embedding": answer_ratio(coach, repeat),
        "retrieval": retrieval_figures(coach),
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_measure", description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("ingest", "start"))
    parser.add_argument("--knowledge", type=Path, required=True, help="the folder of articles")
    parser.add_argument("--data-dir", type=Path, required=True, help="where the index is (built by `ingest`)")
    parser.add_argument("--repeat", type=int, default=15, help="repetitions of each timed answer and embedding")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings(data_dir=args.data_dir, knowledge_dirs=[args.knowledge])
    figures = measure_ingest(settings) if args.step == "ingest" else measure_start(settings, args.repeat)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
