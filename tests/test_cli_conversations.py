"""The command line for stored conversations: conversations, export, import, share, revoke, delete, users."""

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from coach.records.access import MACHINE_OWNER, Viewer
from coach.records.store import Store
from coach.records.transcript import read_record, title_of
from tests.support.processes import run_coach
from tests.support.store_support import sample_conversation


@pytest.fixture
def stored(tmp_path: Path):
    """A data dir whose store holds one conversation; returns (data dir, conversation)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    conversation = sample_conversation("Grüße: ist dreimal pro Woche posten eine Strategie?")
    Store(f"sqlite:///{data_dir / 'conversations.db'}").save(conversation, 0, viewer=MACHINE_OWNER)
    return data_dir, conversation


def test_conversations_lists_what_is_stored(stored):
    data_dir, conversation = stored
    result = run_coach("conversations", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert conversation.id in result.stdout and title_of(conversation) in result.stdout  # "Diagnose · date"


def test_export_json_then_import_gives_the_same_conversation_under_a_new_id(stored, tmp_path):
    data_dir, conversation = stored
    path = tmp_path / "export.json"
    exported = run_coach("export", conversation.id, "--format", "json", "-o", str(path), data_dir=data_dir)
    assert exported.returncode == 0, exported.stderr
    assert read_record(path.read_bytes()) == conversation
    imported = run_coach("import", str(path), data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    new_id = imported.stdout.strip()
    assert new_id != conversation.id  # the original exists: the import never overwrites it
    again = run_coach("export", new_id, "--format", "json", data_dir=data_dir)
    restored = read_record(again.stdout)
    assert restored.turns == conversation.turns and restored.dialogue == conversation.dialogue


def test_import_into_an_empty_store_keeps_the_id(stored, tmp_path):
    data_dir, conversation = stored
    record = run_coach("export", conversation.id, "--format", "json", data_dir=data_dir).stdout
    imported = run_coach("import", "-", data_dir=tmp_path / "elsewhere", stdin=record)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == conversation.id


def test_export_markdown_and_pdf(stored, tmp_path):
    data_dir, conversation = stored
    md = run_coach("export", conversation.id, data_dir=data_dir)
    assert md.returncode == 0 and "## Verlauf" in md.stdout and "Grüße" in md.stdout
    pdf = tmp_path / "c.pdf"
    result = run_coach("export", conversation.id, "--format", "pdf", "-o", str(pdf), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Grüße" in text


@pytest.mark.parametrize("content", ["", "{broken", '{"schema": "x"}', '{"schema": "social-media-coach/conversation"}'])
def test_a_corrupt_import_exits_2_with_the_reason_and_stores_nothing(stored, tmp_path, content):
    data_dir, _ = stored
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run_coach("import", str(path), data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert len(Store(f"sqlite:///{data_dir / 'conversations.db'}").recent(viewer=MACHINE_OWNER)) == 1


def test_a_half_valid_import_stores_nothing(stored, tmp_path):
    data_dir, conversation = stored
    document = json.loads(run_coach("export", conversation.id, "--format", "json", data_dir=data_dir).stdout)
    document["conversation"]["turns"][-1]["role"] = "admin"
    path = tmp_path / "half.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run_coach("import", str(path), data_dir=data_dir)
    assert result.returncode == 2 and "role" in result.stderr
    assert len(Store(f"sqlite:///{data_dir / 'conversations.db'}").recent(viewer=MACHINE_OWNER)) == 1


def test_share_prints_a_link_that_revoke_kills(stored):
    data_dir, conversation = stored
    shared = run_coach("share", conversation.id, "--days", "7", data_dir=data_dir)
    assert shared.returncode == 0, shared.stderr
    link = shared.stdout.strip()
    assert link.startswith("http://localhost:8501/?share=")
    token = link.split("?share=")[1]
    store = Store(f"sqlite:///{data_dir / 'conversations.db'}")
    snapshot = store.open_share(token)
    assert read_record(json.dumps(snapshot)) == conversation
    assert run_coach("revoke", token, data_dir=data_dir).returncode == 0
    assert store.open_share(token) is None
    again = run_coach("revoke", token, data_dir=data_dir)
    assert again.returncode == 2 and "no active share link" in again.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("export", "no-such-id"),
        ("share", "no-such-id"),
        ("delete", "no-such-id"),
        ("revoke", "not-a-token"),
        ("share", "x", "--days", "-1"),
        ("import", "/no/such/file.json"),
    ],
)
def test_unknown_ids_and_bad_arguments_exit_2(stored, args):
    data_dir, _ = stored
    result = run_coach(*args, data_dir=data_dir)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_delete_removes_the_conversation_and_its_links(stored):
    data_dir, conversation = stored
    token = run_coach("share", conversation.id, data_dir=data_dir).stdout.strip().split("?share=")[1]
    assert run_coach("delete", conversation.id, data_dir=data_dir).returncode == 0
    store = Store(f"sqlite:///{data_dir / 'conversations.db'}")
    assert store.load(conversation.id, viewer=MACHINE_OWNER) is None and store.open_share(token) is None


def test_export_shows_no_settings_or_secrets(stored, monkeypatch):
    data_dir, conversation = stored
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-key")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    for fmt in ("md", "json"):
        out = run_coach("export", conversation.id, "--format", fmt, data_dir=data_dir).stdout
        assert "sk-very-secret-key" not in out and "127.0.0.1:9" not in out and str(data_dir) not in out


def test_an_import_whose_id_the_app_could_not_open_gets_a_new_one(stored, tmp_path):
    data_dir, conversation = stored
    document = json.loads(run_coach("export", conversation.id, "--format", "json", data_dir=data_dir).stdout)
    document["conversation"]["id"] = "../not-an-id"
    imported = run_coach("import", "-", data_dir=tmp_path / "elsewhere", stdin=json.dumps(document))
    assert imported.returncode == 0, imported.stderr
    new_id = imported.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", new_id)


def test_a_token_that_starts_with_a_dash_is_revoked_after_double_dash(tmp_path: Path):
    """Older links may start with '-'; argparse needs them after `--`, and the help says so."""
    result = run_coach("revoke", "--", "-" + "x" * 42, data_dir=tmp_path / "data")
    assert result.returncode == 2 and "no active share link" in result.stderr


def test_conversations_users_and_delete_user_show_and_remove_owners(stored):
    data_dir, unowned = stored
    store = Store(f"sqlite:///{data_dir / 'conversations.db'}")
    anna = Viewer("member", "http://idp.example#anna", "anna@acme.example", "Anna Albers")
    annas = sample_conversation("Annas Frage")
    annas.dialogue = None  # a plain question: titled by its first message
    store.save(annas, 0, viewer=anna)
    token = store.share(annas.id, {"id": annas.id}, viewer=anna)
    listed = run_coach("conversations", data_dir=data_dir).stdout
    assert re.search(rf"{annas.id} .* anna@acme\.example .*Annas Frage", listed)
    assert re.search(rf"{unowned.id} .* \(unowned\) ", listed)
    users = run_coach("users", data_dir=data_dir)
    assert users.returncode == 0, users.stderr
    assert "anna@acme.example  1 conversation(s)" in users.stdout and "Anna Albers" in users.stdout
    deleted = run_coach("delete-user", "ANNA@acme.example", data_dir=data_dir)
    assert deleted.returncode == 0, deleted.stderr
    assert "deleted 1 conversation(s) of anna@acme.example" in deleted.stdout
    assert store.load(annas.id, viewer=MACHINE_OWNER) is None and store.open_share(token) is None
    assert store.load(unowned.id, viewer=MACHINE_OWNER) is not None


@pytest.mark.parametrize("email", ["nobody@acme.example", "not-an-address"])
def test_delete_user_of_an_unknown_or_malformed_address_is_bad_input(stored, email):
    data_dir, conversation = stored
    result = run_coach("delete-user", email, data_dir=data_dir)
    assert result.returncode == 2 and result.stderr.startswith("error:")
    assert Store(f"sqlite:///{data_dir / 'conversations.db'}").load(conversation.id, viewer=MACHINE_OWNER)
