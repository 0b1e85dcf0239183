"""`python -m coach`: ingest, ask, assess, diagnose. Exit codes: 0 ok, 2 bad input, 1 anything else."""

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from coach.config import Settings
from coach.errors import BadInput, CoachError
from coach.index import SyncReport

log = logging.getLogger("coach.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m coach", description="The social media strategy coach.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="sync the knowledge articles into the index")
    ingest.add_argument("folders", nargs="*", type=Path, help="extra folders of Markdown articles")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")

    ask = commands.add_parser("ask", help="one grounded answer")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print JSON")

    assess = commands.add_parser("assess", help="infer the readiness stage from a description")
    assess.add_argument("file", nargs="?", default="-", help="a text file, or - for standard input")
    assess.add_argument("--json", action="store_true", help="print JSON")

    diagnose = commands.add_parser("diagnose", help="the guided diagnostic conversation")
    diagnose.add_argument("--answers", type=Path, help="a file whose lines answer the questions in turn")
    diagnose.add_argument("--json", action="store_true", help="print JSON")
    diagnose.add_argument("--lang", choices=["de", "en"], help="language of the questions (default: detected)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return COMMANDS[args.command](args)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except CoachError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1
    except Exception as error:  # the last line of defence: one line, no trace, unless verbose
        log.debug("Unexpected error", exc_info=True)
        print(f"error: unexpected {type(error).__name__}: {error} (run with -v for details)", file=sys.stderr)
        return 1


def _settings(extra_folders: Sequence[Path] = ()) -> Settings:
    settings = Settings()
    if extra_folders:
        missing = [str(folder) for folder in extra_folders if not folder.is_dir()]
        if missing:
            raise BadInput(f"not a folder: {', '.join(missing)}")
        settings = settings.model_copy(update={"knowledge_dirs": [*settings.knowledge_dirs, *extra_folders]})
    return settings


def _progress_bar(description: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A tqdm bar on stderr driven by (done, total) callbacks, and a function that closes it."""
    bar = tqdm(total=0, desc=description, unit="text", file=sys.stderr, disable=None, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return update, bar.close


def _start_coach(settings: Settings):
    from coach.service import Coach

    update, close = _progress_bar("Building the index")
    try:
        coach = Coach(settings)
        report = coach.ensure_index(update)
    finally:
        close()
    if report is not None:
        log.info("The index was built or updated before answering")
    return coach


def cmd_ingest(args: argparse.Namespace) -> int:
    from coach.service import Coach

    coach = Coach(_settings(args.folders))
    update, close = _progress_bar("Embedding")
    try:
        report = coach.ingest(update, rebuild=args.rebuild)
    finally:
        close()
    print(describe_sync(report))
    return 0


def describe_sync(report: SyncReport) -> str:
    """What changed, per article, then a one-line total."""
    lines = []
    if report.rebuilt_because:
        lines.append(f"rebuilt: {report.rebuilt_because}")
    for label, chunk_ids in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        for article, passages in sorted(Counter(cid.split("#")[0] for cid in chunk_ids).items()):
            lines.append(f"{label:8} {article} ({passages} passage{'s' if passages != 1 else ''})")
    if report.nothing_changed:
        lines.append(f"Nothing changed: {report.unchanged} passages are current, nothing was embedded.")
    else:
        lines.append(
            f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed, "
            f"{report.unchanged} unchanged passages; {report.embedded} texts embedded."
        )
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from coach.service import prepare_question

    settings = _settings()
    prepare_question(args.question, settings.max_question_chars)  # fail fast, before the index
    answer = _start_coach(settings).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return 0
    for notice in answer.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(answer.text)
    if answer.sources:
        print()
        for source in answer.sources:
            print(f"[{source.number}] {source.title} ({source.id})")
    return 0


def _read_description(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from error


def cmd_assess(args: argparse.Namespace) -> int:
    from coach.summary import render_summary, summary_json

    text = _read_description(args.file)
    if not text.strip():
        raise BadInput("the description is empty")
    coach = _start_coach(_settings())
    _, summary = coach.assess(text)
    if args.json:
        print(json.dumps(summary_json(coach.model, summary), ensure_ascii=False, indent=2))
    else:
        print(render_summary(coach.model, summary))
    return 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    from coach.terminal import run_diagnostic
    from coach.transcript import diagnose_json

    answers = None
    if args.answers is not None:
        answers = _read_description(str(args.answers)).splitlines()
    coach = _start_coach(_settings())
    show = None if args.json else print
    conversation = run_diagnostic(coach, answers, show=show, lang=args.lang)
    if args.json:
        print(json.dumps(diagnose_json(coach.model, conversation), ensure_ascii=False, indent=2))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "assess": cmd_assess,
    "diagnose": cmd_diagnose,
}
