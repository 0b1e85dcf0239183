"""The strategy check in the app (AppTest): the request, the paste form, a pasted plan in the chat, bad papers,
and the check in the summary and the exports."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from coach.records.transcript import markdown, record
from tests.test_app import APP, TIMEOUT, assert_no_exception, click, send, talk
from tests.test_app_sharing import new_app, texts
from tests.test_strategy import ACTION_PLAN


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, app_data_dir: Path, tmp_path: Path) -> AppTest:
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def submit(app: AppTest, text: str) -> AppTest:
    """Paste the paper into the form and press its button ("Check" or "Prüfen")."""
    app.text_area[0].set_value(text)
    button = next(b for b in app.button if b.label in ("Check", "Prüfen") and not (b.key or "").startswith("reply-"))
    return button.click().run()


def test_the_welcome_button_opens_the_paste_and_upload_form(app: AppTest) -> None:
    click(app, "check-strategy")
    assert_no_exception(app)
    assert [turn.kind for turn in talk(app).turns] == ["message", "strategy_offer"]
    assert app.text_area[0].label == "Your strategy paper"
    assert "Paste your strategy paper" in app.chat_message[-1].markdown[0].value


def test_a_pasted_paper_is_checked_stored_and_shown_with_labels_in_words(app: AppTest) -> None:
    send(app, "Strategie prüfen")
    submit(app, ACTION_PLAN)
    assert_no_exception(app)
    turns = talk(app).turns
    assert [turn.kind for turn in turns] == ["message", "strategy_offer", "paper", "strategy_check"]
    assert turns[-1].check["verdict"] == "action_plan"
    shown = "\n".join(part.value for part in app.chat_message[-1].markdown)
    assert "Strategie-Check: Maßnahmenplan" in shown and "Instagram: 3 Posts pro Woche" in shown
    for badge in (":blue-badge[Ziel]", ":orange-badge[Maßnahme]", ":red-badge[Organisation]"):
        assert badge in shown, "each label shows its colour and its word"
    conversation = talk(app)
    assert "Strategie-Check: Maßnahmenplan" in markdown(None, conversation)
    assert record(None, conversation)["conversation"]["turns"][-1]["check"]["verdict"] == "action_plan"


@pytest.mark.parametrize(
    ("paper", "message"),
    [
        ("   ", "empty"),
        ("Roses are red,\nthe sky is wide,\nthe river sings\nat eventide.", "does not look like a strategy"),
    ],
)
def test_a_paper_that_cannot_be_checked_gets_a_message_and_stores_nothing(app: AppTest, paper: str, message: str):
    send(app, "Check my strategy")
    before = [turn.kind for turn in talk(app).turns]
    submit(app, paper)
    assert_no_exception(app)
    assert message in app.error[0].value
    assert [turn.kind for turn in talk(app).turns] == before


def test_a_plan_pasted_into_the_chat_gets_the_offer_and_check_it_checks_it(app: AppTest) -> None:
    send(app, ACTION_PLAN)
    assert talk(app).turns[-1].kind == "paper_offer"
    reply = next(button for button in app.button if button.key and button.key.startswith("reply-"))
    assert reply.label == "Prüfen"
    reply.click().run()
    assert_no_exception(app)
    assert talk(app).turns[-1].kind == "strategy_check"
    assert talk(app).turns[-1].check["lang"] == "de"


def test_a_german_paper_checked_from_the_english_button_is_checked_in_english(app: AppTest) -> None:
    click(app, "check-strategy")
    submit(app, ACTION_PLAN)
    assert_no_exception(app)
    check = talk(app).turns[-1].check
    assert (talk(app).lang, check["lang"]) == ("en", "en")
    shown = "\n".join(part.value for part in app.chat_message[-1].markdown)
    assert "Strategy check: Action plan" in shown and ":orange-badge[Tactic] Instagram: 3 Posts pro Woche" in shown
    assert "Strategie-Check" not in shown, "the interface does not switch to the paper's language"


def test_a_share_link_of_a_conversation_with_a_check_shows_the_check(app: AppTest) -> None:
    send(app, "Strategie prüfen")
    submit(app, ACTION_PLAN)
    app = click(app, "share")
    assert_no_exception(app)
    shared = new_app(share=app.session_state["links"][-1])
    assert_no_exception(shared)
    assert not shared.chat_input and not shared.text_area, "read-only: no chat and no paste form"
    shown = texts(shared)
    assert "Strategie-Check: Maßnahmenplan" in shown
    for badge in (":blue-badge[Ziel] Mehr Follower auf Instagram", ":orange-badge[Maßnahme] Gewinnspiel zu Ostern"):
        assert badge in shown
    assert "Entscheidung" in shown, "the checks are shown by name"
