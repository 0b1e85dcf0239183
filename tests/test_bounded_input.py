"""Every input is read with its limit checked as it is read, and a hostile document is refused with exit 2.

The endless inputs (`/dev/zero` as a file and as standard input) run under an address-space cap
(`resource.setrlimit` in the child), so a reader that slurps first dies with MemoryError instead of
passing slowly: the test asserts the exit code and the message, never a time.
"""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coach.config import PROJECT_ROOT
from coach.errors import BadInput
from coach.knowledge.articles import load_article, load_articles
from coach.reading import MAX_ANSWER_LINES, answer_lines, read_capped, safe_yaml
from coach.records.access import MACHINE_OWNER
from coach.records.store import Store
from coach.records.transcript import RECORD_SCHEMA, conversation_data, read_record
from tests.support.processes import run_coach
from tests.support.store_support import sample_conversation

MEMORY_CAP = 1_500_000_000
"""Bytes of address space for a child: enough for the CLI, far below what reading /dev/zero whole takes."""


def run_capped(*args: str, data_dir: Path, stdin_path: str | None = None) -> subprocess.CompletedProcess:
    """`python -m coach ARGS` with its address space capped and, optionally, a file as standard input."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {**os.environ, "COACH_DATA_DIR": str(data_dir)}
    with open(stdin_path or os.devnull, "rb") as stdin:
        return subprocess.run(
            [sys.executable, "-m", "coach", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=cap,
        )


@pytest.mark.parametrize(
    ("args", "stdin_path", "message"),
    [
        (("import", "-"), "/dev/zero", "the standard input is larger than 20 MB"),
        (("import", "/dev/zero"), None, "/dev/zero is larger than 20 MB"),
        (("assess", "-"), "/dev/zero", "the standard input is larger than 1 MB"),
        (("assess", "/dev/zero"), None, "/dev/zero is larger than 1 MB"),
        (("diagnose", "--answers", "/dev/zero"), None, "/dev/zero is larger than 1 MB"),
    ],
)
def test_an_endless_input_is_refused_at_its_limit_with_exit_2(tmp_path, args, stdin_path, message):
    result = run_capped(*args, data_dir=tmp_path, stdin_path=stdin_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: {message}"


def test_the_memory_cap_lets_an_ordinary_import_through(tmp_path):
    path = tmp_path / "export.json"
    record = {"schema": RECORD_SCHEMA, "version": 1, "conversation": conversation_data(sample_conversation())}
    path.write_text(json.dumps(record), encoding="utf-8")
    result = run_capped("import", str(path), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr


def test_read_capped_stops_one_chunk_after_the_limit():
    class Endless:
        read_bytes = 0

        def read(self, size: int) -> bytes:
            self.read_bytes += size
            return b"x" * size

    endless = Endless()
    with pytest.raises(BadInput, match="larger than 1 MB"):
        read_capped(endless, 1_000_000, "the input")  # type: ignore[arg-type]
    assert endless.read_bytes == 1_000_001


def test_an_answers_file_with_too_many_lines_is_refused_before_the_coach_starts(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text("We post sometimes.\n" * 20_000, encoding="utf-8")
    result = run_coach("diagnose", "--answers", str(path), data_dir=tmp_path, timeout=60)
    assert result.returncode == 2
    expected = f"the answers file has 20000 lines; at most {MAX_ANSWER_LINES} are read (one per question)"
    assert result.stderr.strip() == f"error: {expected}"
    assert answer_lines("a\nb") == ["a", "b"]


BILLION_LAUGHS = """---
id: laughs-en
key: laughs
lang: en
title: "lol"
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
# lol

Some text.
"""


def test_a_billion_laughs_front_matter_is_skipped_with_a_warning_naming_the_file(tmp_path, caplog):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "laughs.md").write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(ValueError, match=r"laughs\.md: broken front matter: YAML aliases are not allowed"):
        load_article(folder / "laughs.md")
    assert load_articles([folder]) == []
    assert "laughs.md" in caplog.text


@pytest.mark.parametrize(
    ("text", "problem"),
    [("a: &x 1\nb: *x\n", "aliases are not allowed"), ("a: " + "[" * 30 + "]" * 30, "nested more than")],
)
def test_yaml_is_parsed_without_aliases_and_with_a_bounded_depth(text, problem):
    with pytest.raises(yaml.YAMLError, match=problem):
        safe_yaml(text)
    assert safe_yaml("a: [1, {b: c}]") == {"a": [1, {"b": "c"}]}


def test_an_oversized_article_is_skipped_unread(tmp_path):
    path = tmp_path / "big.md"
    path.write_bytes(b"---\nid: big-en\n---\n" + b"x" * 1_100_000)
    with pytest.raises(ValueError, match="the file is larger than 1 MB"):
        load_article(path)


def _record(**conversation_changes) -> dict:
    data = conversation_data(sample_conversation())
    data.update(conversation_changes)
    return {"schema": RECORD_SCHEMA, "version": 1, "conversation": data}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[" * 200_000 + "]" * 200_000, "not a conversation export: nested more than 64 levels deep"),
        (json.dumps({"schema": RECORD_SCHEMA, "version": True, "conversation": {}}), '"version" must be a whole'),
        (json.dumps(_record()).replace('"score": 0.9', '"score": NaN'), "turns.1.sources.0.score is nan, not a finite"),
        (json.dumps(_record()).replace('"score": 0.9', '"score": 1e999'), "is inf, not a finite number"),
        (json.dumps(_record(lang="xx")), "invalid conversation record at lang"),
    ],
    ids=["deep", "version-true", "nan", "infinity", "wrong-language"],
)
def test_a_malformed_import_is_refused_naming_what_is_wrong(raw, message):
    with pytest.raises(BadInput, match=message):
        read_record(raw)


def test_imported_text_is_cleaned_like_typed_text_and_never_reaches_the_terminal(tmp_path):
    hostile = "\x1b]0;PWNED\x07\x1b[2J Titel \ud800 mit \u202eEscapes"
    record = _record()
    record["conversation"]["turns"][0]["text"] = hostile
    record["conversation"]["dialogue"] = record["conversation"]["summary"] = None  # titled by its first message
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(record), encoding="utf-8")  # ensure_ascii: the surrogate travels as \\ud800
    imported = run_coach("import", str(path), data_dir=tmp_path)
    assert imported.returncode == 0, imported.stderr
    listed = run_coach("conversations", data_dir=tmp_path)
    assert listed.returncode == 0 and "]0;PWNED[2J Titel mit Escapes" in listed.stdout
    exported = run_coach("export", imported.stdout.strip(), data_dir=tmp_path)
    for output in (listed.stdout, exported.stdout):
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output


def test_a_title_stored_with_escapes_is_printed_without_them(tmp_path):
    conversation = sample_conversation("\x1b[2J\x1b]0;PWNED\x07 hello")
    conversation.dialogue = conversation.summary = None  # a conversation of questions: titled by its first message
    Store(f"sqlite:///{tmp_path / 'conversations.db'}").save(conversation, 0, viewer=MACHINE_OWNER)
    listed = run_coach("conversations", data_dir=tmp_path)
    assert listed.returncode == 0 and "[2J]0;PWNED hello" in listed.stdout and "\x1b" not in listed.stdout


@pytest.fixture
def stored(tmp_path: Path):
    conversation = sample_conversation()
    Store(f"sqlite:///{tmp_path / 'conversations.db'}").save(conversation, 0, viewer=MACHINE_OWNER)
    return conversation


def test_export_to_an_empty_name_is_refused(tmp_path, stored):
    result = run_coach("export", stored.id, "-o", "", data_dir=tmp_path)
    assert result.returncode == 2 and result.stderr.strip() == "error: the output file name is empty"


def test_export_never_replaces_a_symlink_or_a_fifo(tmp_path, stored):
    target = tmp_path / "target.md"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, kind in ((link, "a symbolic link"), (fifo, "not a regular file"), (tmp_path, "not a regular file")):
        result = run_coach("export", stored.id, "-o", str(path), data_dir=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == f"error: cannot write {path}: it is {kind}; give a regular file or a new name"
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep me"
    assert fifo.is_fifo()


def test_the_pdf_prints_a_long_conversation_up_to_its_cap_with_a_note(monkeypatch):
    import io

    from pypdf import PdfReader

    from coach.readiness.model import load_model
    from coach.records import pdf
    from coach.records.conversation import Turn

    monkeypatch.setattr(pdf, "MAX_PDF_CHARS", 3000)
    monkeypatch.setattr(pdf, "MAX_PDF_TURN_CHARS", 1000)
    conversation = sample_conversation()
    conversation.lang = "en"
    conversation.turns = [Turn("user", f"Message {number} " + "word " * 300) for number in range(40)]
    data = pdf.pdf_bytes(load_model(PROJECT_ROOT / "knowledge" / "readiness.yaml"), conversation)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    assert "The PDF shows the first 3 of 40 messages" in text and "Message 3 " not in text
    assert text.count("(This message is longer than 1,000 characters; the PDF shows its beginning.)") == 3
