"""`python -m bench --only scale`: what a knowledge base N times the shipped one costs (issue 22).

Per size (1× and 4×; `--scale-sizes 1 4 16` for more: 16× takes long), a synthetic knowledge base in a
temporary directory (the shipped articles plus copies under new ids and keys, `bench.scale_copies`) is built
and then opened again, each in a fresh process (`bench.scale_measure`), so that each peak resident memory is
that size's own. Printed per size: ingest time per embedded text, the reranker's warm-up on a start with the
index built, one offline answer as a ratio to one query embedding, peak RSS, and retrieval on the shipped
eval set, with ratios against the first size measured in the same run. Not part of CI, nor of a plain
`python -m bench`: it takes minutes.
"""

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.scale_copies import build_copies
from coach.config import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "knowledge" / "articles"
ROWS = (
    ("files", "article files", "{:.0f}"),
    ("texts", "texts embedded", "{:.0f}"),
    ("ingest_per_text_ms", "ingest per text (ms)", "{:.1f}"),
    ("first_warm_up_s", "first warm-up after ingest (s)", "{:.2f}"),
    ("noop_start_s", "start, nothing to ingest (s)", "{:.2f}"),
    ("warm_up_s", "warm-up: reranker tables (s)", "{:.2f}"),
    ("rest_of_warm_up_s", "warm-up: the rest (s)", "{:.2f}"),
    ("answer_per_embedding", "answer / query embedding", "{:.2f}"),
    ("ingest_rss_mb", "peak RSS, ingest (MB)", "{:.0f}"),
    ("start_rss_mb", "peak RSS, start and answers (MB)", "{:.0f}"),
)


def measure(step: str, knowledge: Path, data_dir: Path, repeat: int) -> dict:
    """One step in a fresh interpreter; its JSON line."""
    command = [sys.executable, "-m", "bench.scale_measure", step, "--knowledge", str(knowledge)]
    command += ["--data-dir", str(data_dir), "--repeat", str(repeat)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_size(times: int, scratch: Path, repeat: int) -> dict:
    knowledge = scratch / f"{times}x" / "articles"
    files = build_copies(SHIPPED, knowledge, times)
    data_dir = scratch / f"{times}x" / "data"
    print(f"  {times}x: {files} article files; ingest ...", flush=True)
    ingest = measure("ingest", knowledge, data_dir, repeat)
    print(f"  {times}x: ingest {ingest['ingest_s']:.0f} s; start and answers ...", flush=True)
    start = measure("start", knowledge, data_dir, repeat)
    return {
        **ingest,
        **start,
        "files": files,
        "ingest_rss_mb": ingest["peak_rss_mb"],
        "start_rss_mb": start["peak_rss_mb"],
    }


def print_table(sizes: Sequence[int], results: Sequence[dict]) -> None:
    base = results[0]
    head = "".join(f"{f'{times}x':>12}{'ratio':>8}" for times in sizes)
    print(f"\n{'':34}{head}")
    for name, label, form in ROWS:
        cells = "".join(f"{form.format(result[name]):>12}{_ratio(result[name], base[name]):>8}" for result in results)
        print(f"{label:34}{cells}")
    for way in ("as_is", "copies_as_original"):
        for metric in ("hit@1", "hit@3", "MRR"):
            label = f"{metric} ({way.replace('_', ' ')})"
            cells = "".join(f"{result['retrieval'][way][metric]:>12.3f}{'':>8}" for result in results)
            print(f"{label:34}{cells}")
    questions = base["retrieval"]["questions"]
    print(
        f"retrieval: {questions} questions of the shipped eval sets; 'as is' counts only the shipped keys as expected "
        "(a copy ranked above its original is a miss); 'copies as original' folds each copy into its original."
    )


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "-"


def bench_scale(sizes: Sequence[int], repeat: int) -> None:
    sizes = sorted(set(sizes))
    print(f"\n== Scale: knowledge bases of {', '.join(f'{n}x' for n in sizes)} the shipped articles (fresh processes)")
    results = []
    with tempfile.TemporaryDirectory(prefix="coach-scale-") as scratch:
        for times in sizes:
            results.append(measure_size(times, Path(scratch), repeat))
            print_table(sizes[: len(results)], results)  # each size as soon as it is measured: 16x takes long
