"""`python -m coach`: ingest, ask, assess, diagnose, check, and the stored conversations.

Exit codes: 0 ok, 2 bad input, 1 anything else.
"""

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
from coach.knowledge.index import SyncReport
from coach.records.access import MACHINE_OWNER  # the command line is run by the machine's owner: an admin

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

    check = commands.add_parser("check", help="the strategy check: a strategy paper read statement by statement")
    check.add_argument("file", help="a .txt, .md, .docx or .pdf file, or - for standard input")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument("--lang", choices=["de", "en"], help="language of the paper (default: detected)")

    commands.add_parser("conversations", help="list the stored conversations with their owners, newest first")

    export = commands.add_parser("export", help="export a stored conversation")
    export.add_argument("id", help="the conversation's id (see `conversations`)")
    export.add_argument("--format", choices=["md", "json", "pdf"], default="md", help="file format (default md)")
    export.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")

    import_ = commands.add_parser("import", help="store a conversation from a JSON export")
    import_.add_argument("file", help="a JSON export, or - for standard input")

    share = commands.add_parser("share", help="create a read-only link to a snapshot of a conversation")
    share.add_argument("id", help="the conversation's id")
    share.add_argument("--days", type=_positive_days, help="the link expires after this many days (default: never)")

    revoke = commands.add_parser("revoke", help="revoke a share link")
    revoke.add_argument(
        "token", help="the token of the link (the part after ?share=); one that starts with '-' goes after --"
    )

    delete = commands.add_parser("delete", help="delete a stored conversation and its share links")
    delete.add_argument("id", help="the conversation's id")

    commands.add_parser("users", help="list who has stored conversations (owners by email)")
    delete_user = commands.add_parser("delete-user", help="delete every conversation of a user, with its links")
    delete_user.add_argument("email", help="the user's email address (see `users`)")
    _add_team_commands(commands)
    return parser


def _add_team_commands(commands) -> None:
    team = commands.add_parser("team", help="team rounds: colleagues take the diagnostic, the report compares them")
    actions = team.add_subparsers(dest="team_command", required=True)
    create = actions.add_parser("create", help="start a team round and print its invitation link")
    create.add_argument("name", help='the round\'s name, e.g. "Social Media Q1 – Stadtwerke"')
    create.add_argument("--roles", nargs="+", metavar="ROLE", help="the roles to expect (default: any role)")
    create.add_argument(
        "--closes", metavar="DATE", help="close the round by itself then: 2027-03-31 (end of day, UTC) or a time"
    )
    create.add_argument(
        "--roles-only", action="store_true", help="the report shows roles instead of names (colleagues are told)"
    )
    actions.add_parser("list", help="list the team rounds, newest first")
    status = actions.add_parser("status", help="who has answered a round (not what)")
    status.add_argument("id", help="the round's id (see `team list`)")
    close = actions.add_parser("close", help="close a round: no more answers; the report can be read")
    close.add_argument("id", help="the round's id")
    revoke = actions.add_parser("revoke", help="revoke a round's invitation link")
    revoke.add_argument("id", help="the round's id")
    answer = actions.add_parser("answer", help="take the diagnostic as a colleague and join it to a round")
    answer.add_argument("token", help="the invitation token (the part after ?team=); one starting with '-' after --")
    answer.add_argument("--name", required=True, help="the name the others see in the report")
    answer.add_argument("--role", help="your role (one of the round's roles, when it names any)")
    answer.add_argument("--answers", type=Path, help="a file whose lines answer the questions in turn")
    answer.add_argument("--lang", choices=["de", "en"], help="language of the questions (default: detected)")
    report = actions.add_parser("report", help="the team report of a closed round")
    report.add_argument("id", help="the round's id")
    form = report.add_mutually_exclusive_group()
    form.add_argument("--format", choices=["markdown", "json", "pdf"], help="markdown (the default), json or pdf")
    form.add_argument("--json", action="store_true", help="print JSON (as --format json)")
    form.add_argument("--markdown", action="store_true", help="print Markdown (as --format markdown)")
    report.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    report.add_argument("--lang", choices=["de", "en"], default="en", help="language of the report (default en)")


def _positive_days(value: str) -> float:
    try:
        days = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}") from None
    if not 0 < days <= 3650:
        raise argparse.ArgumentTypeError("days must be more than 0 and at most 3650")
    return days


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
    from coach.session.coach import Coach

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
    from coach.session.coach import Coach

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
    from coach.session.coach import prepare_question

    settings = _settings()
    prepare_question(args.question, settings.max_question_chars)  # fail fast, before the index
    coach = _start_coach(settings)
    if args.json:
        print(json.dumps(coach.ask(args.question).to_json(), ensure_ascii=False, indent=2))
        return 0
    streamed: list[str] = []

    from coach.text import strip_controls

    def show_token(token: str) -> None:
        token = strip_controls(token)  # a model's terminal escapes never reach the terminal
        streamed.append(token)
        sys.stdout.write(token)
        sys.stdout.flush()

    answer = coach.ask(args.question, on_token=show_token)
    if streamed:
        print()
        if "".join(streamed).strip() != answer.text.strip():
            # The checked answer differs from what streamed (citations to no passage removed, or a
            # fallback): say so and print the checked one, which is what the sources below belong to.
            print("note: the streamed text was checked; the checked answer follows", file=sys.stderr)
            print(f"\n{answer.text}")
    else:
        print(answer.text)
    for notice in answer.notices:
        print(f"note: {notice}", file=sys.stderr)
    if answer.sources:
        print()
        for source in answer.sources:
            print(f"[{source.number}] {source.title} ({source.id})")
    return 0


def _read_description(source: str) -> str:
    """A file's text or standard input's, read up to its limit (an endless input is refused, not read)."""
    from coach.reading import read_text

    return read_text(source, sys.stdin.buffer)


def cmd_assess(args: argparse.Namespace) -> int:
    from coach.diagnostic.summary import render_summary, summary_json

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


def cmd_check(args: argparse.Namespace) -> int:
    from coach.strategy.document import prepare, read_upload
    from coach.strategy.render import render_check

    lang = args.lang or "en"
    if args.file == "-":
        text = sys.stdin.read()
    else:
        path = Path(args.file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BadInput(f"cannot read {path}: {error.strerror or error}") from error
        text = read_upload(path.name, data, lang)
    prepare(text, args.lang)  # bad input is refused before the index is opened
    coach = _start_coach(_settings())
    check = coach.check_strategy(text, args.lang)
    if args.json:
        print(json.dumps(check.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_check(check))
    return 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    from coach.reading import answer_lines
    from coach.records.transcript import diagnose_json
    from coach.terminal import run_diagnostic

    answers = None
    if args.answers is not None:
        answers = answer_lines(_read_description(str(args.answers)))
    coach = _start_coach(_settings())
    show = None if args.json else print
    conversation = run_diagnostic(coach, answers, show=show, lang=args.lang)
    if args.json:
        print(json.dumps(diagnose_json(coach.model, conversation), ensure_ascii=False, indent=2))
    return 0


def _store(settings: Settings):
    from coach.records.store import Store

    return Store(settings.store_url, legacy_owner=settings.legacy_owner)


def _stored(store, conversation_id: str):
    loaded = store.load(conversation_id, viewer=MACHINE_OWNER)
    if loaded is None:
        raise BadInput(f"no stored conversation with id {conversation_id!r} (see `python -m coach conversations`)")
    return loaded[0]


def cmd_conversations(args: argparse.Namespace) -> int:
    from coach.text import strip_controls

    for info in _store(_settings()).recent(limit=1000, viewer=MACHINE_OWNER):
        stage = "-" if info.stage is None else str(info.stage)
        owner = info.owner_email or "(unowned)"
        team = "  team" if info.team_shared else ""
        # Stored before imports were cleaned, a title could still hold a terminal escape: never print one.
        title = " ".join(info.title.split())
        print(strip_controls(f"{info.id}  {info.updated_at}  stage {stage}  {info.lang}  {owner}{team}  {title}"))
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    for user in _store(_settings()).users():
        who = user.email or "(unowned)"
        name = f"  {user.name}" if user.name else ""
        print(f"{who}  {user.conversations} conversation(s)  last {user.last_update}{name}")
    return 0


def cmd_delete_user(args: argparse.Namespace) -> int:
    email = args.email.strip().lower()
    if "@" not in email:
        raise BadInput(f"not an email address: {args.email!r} (see `python -m coach users`)")
    deleted = _store(_settings()).delete_user(email)
    if not deleted:
        raise BadInput(f"no stored conversation of {email} (see `python -m coach users`)")
    print(f"deleted {deleted} conversation(s) of {email} with their share links")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coach.readiness.model import load_model
    from coach.records.pdf import pdf_bytes
    from coach.records.transcript import markdown, record_json

    settings = _settings()
    if args.output is not None:
        _check_output(args.output)
    conversation = _stored(_store(settings), args.id)
    model = load_model(settings.readiness_file)
    if args.format == "pdf":
        data = pdf_bytes(model, conversation)
    else:
        text = record_json(model, conversation) if args.format == "json" else markdown(model, conversation)
        data = text.encode("utf-8")
    if args.output is None:
        if args.format == "pdf" and sys.stdout.isatty():
            raise BadInput("a PDF is binary: give -o FILE, or redirect standard output")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _write_file(args.output, data)
        print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)
    return 0


def _check_output(path: Path) -> None:
    """Only a regular file (new or existing) is written: never a symlink, a pipe, a device or a folder."""
    import os
    import stat

    if not path.name:
        raise BadInput("the output file name is empty")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from error
    if not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise BadInput(f"cannot write {path}: it is {kind}; give a regular file or a new name")


def _write_file(path: Path, data: bytes) -> None:
    """Write all of `data` or nothing: a temporary file next to `path`, then a rename."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from error


def cmd_import(args: argparse.Namespace) -> int:
    import uuid

    from coach.reading import read_capped, read_file_capped
    from coach.records.transcript import MAX_RECORD_BYTES, read_record
    from coach.session.keeper import is_conversation_id

    if args.file == "-":
        raw = read_capped(sys.stdin.buffer, MAX_RECORD_BYTES, "the standard input")
    else:
        raw = read_file_capped(Path(args.file), MAX_RECORD_BYTES)
    conversation = read_record(raw)
    store = _store(_settings())
    if not is_conversation_id(conversation.id) or store.load(conversation.id, viewer=MACHINE_OWNER) is not None:
        conversation.id = uuid.uuid4().hex  # never overwrite, and only ids the app can open
    store.save(conversation, 0, viewer=MACHINE_OWNER)
    print(conversation.id)
    return 0


def cmd_share(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from coach.readiness.model import load_model
    from coach.records.transcript import record

    settings = _settings()
    store = _store(settings)
    conversation = _stored(store, args.id)
    valid_for = timedelta(days=args.days) if args.days else None
    snapshot = record(load_model(settings.readiness_file), conversation)
    token = store.share(conversation.id, snapshot, valid_for, viewer=MACHINE_OWNER)
    print(f"{settings.public_url.rstrip('/')}/?share={token}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    if not _store(_settings()).revoke(args.token.strip(), viewer=MACHINE_OWNER):
        raise BadInput("no active share link with that token")
    print("revoked")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    if not _store(_settings()).delete(args.id, viewer=MACHINE_OWNER):
        raise BadInput(f"no stored conversation with id {args.id!r}")
    print("deleted")
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    from coach.records.rounds import TeamRounds
    from coach.text import strip_controls

    settings = _settings()
    rounds = TeamRounds(_store(settings))
    if args.team_command == "create":
        info, token = rounds.create(
            args.name,
            args.roles,
            viewer=MACHINE_OWNER,
            links=settings.share_links,
            closes_at=args.closes,
            show_names=not args.roles_only,
        )
        print(info.id)
        print(f"{settings.public_url.rstrip('/')}/?team={token}")
    elif args.team_command == "list":
        for info in rounds.visible(viewer=MACHINE_OWNER):
            state = "closed" if info.closed else "open"
            link = "" if info.invitation_active else "  link revoked"
            owner = info.owner_email or "(unowned)"
            line = f"{info.id}  {info.created_at}  {state}  {info.responses} answer(s)  {owner}{link}  {info.name}"
            print(strip_controls(line))
    elif args.team_command == "status":
        info = rounds.info(args.id, viewer=MACHINE_OWNER)
        print(strip_controls(f"{info.name}: {'closed ' + info.closed_at if info.closed else 'open'}"))
        for response in rounds.responses(args.id, viewer=MACHINE_OWNER):
            role = f" ({response.role})" if response.role else ""
            print(strip_controls(f"{response.joined_at}  {response.name}{role}"))
    elif args.team_command == "close":
        print(f"closed {rounds.close(args.id, viewer=MACHINE_OWNER).id}")
    elif args.team_command == "revoke":
        if not rounds.revoke_invitation(args.id, viewer=MACHINE_OWNER):
            raise BadInput(f"the invitation link of round {args.id} was revoked already")
        print("revoked")
    elif args.team_command == "answer":
        _team_answer(settings, rounds, args)
    else:
        _team_report(settings, rounds, args)
    return 0


def _team_answer(settings: Settings, rounds, args: argparse.Namespace) -> None:
    """The guided diagnostic in the terminal, stored as a conversation of the machine's owner, then joined."""
    from coach.reading import answer_lines
    from coach.terminal import run_diagnostic

    token, links = args.token.strip(), settings.share_links
    info = rounds.check_join(token, args.name, args.role, viewer=MACHINE_OWNER, links=links)  # before any question
    answers = answer_lines(_read_description(str(args.answers))) if args.answers is not None else None
    coach = _start_coach(settings)
    conversation = run_diagnostic(coach, answers, show=print, lang=args.lang)
    rounds.store.save(conversation, 0, viewer=MACHINE_OWNER)
    rounds.join(token, conversation.id, args.name, args.role, viewer=MACHINE_OWNER, links=links)
    print(f"answered team round {info.id} (conversation {conversation.id})", file=sys.stderr)


def _team_report(settings: Settings, rounds, args: argparse.Namespace) -> None:
    """The report of a closed round in the chosen format, to standard output or a file (a PDF only to a file
    or a redirected output)."""
    from coach.readiness.model import load_model
    from coach.records.team_export import needs_embedder, team_export

    form = args.format or ("json" if args.json else "markdown")
    if args.output is not None:
        _check_output(args.output)
    if form == "pdf" and args.output is None and sys.stdout.isatty():
        raise BadInput("a PDF is binary: give -o FILE, or redirect standard output")
    info, respondents = rounds.respondents(args.id, viewer=MACHINE_OWNER)
    embed = _recall_embedder(settings) if needs_embedder(respondents) else None
    model = load_model(settings.readiness_file)
    data = team_export(model, info.id, info.name, respondents, form, args.lang, show_names=info.show_names, embed=embed)
    if args.output is None:
        sys.stdout.buffer.write(data if form == "pdf" else data + b"\n")
        sys.stdout.flush()
    else:
        _write_file(args.output, data)
        print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)


def _recall_embedder(settings: Settings):
    """The project's embedder's query vectors, for the recall check's similarity."""
    from coach.knowledge.embeddings import build_embedder

    return build_embedder(settings).query_vectors


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "assess": cmd_assess,
    "diagnose": cmd_diagnose,
    "check": cmd_check,
    "conversations": cmd_conversations,
    "export": cmd_export,
    "import": cmd_import,
    "share": cmd_share,
    "revoke": cmd_revoke,
    "delete": cmd_delete,
    "users": cmd_users,
    "delete-user": cmd_delete_user,
    "team": cmd_team,
}
