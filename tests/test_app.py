"""The Streamlit app through AppTest: the real coach over the session's index of knowledge/."""

import ast
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import coach.session.intake as chat
from coach.answer.extractive import Answer, Source
from coach.config import Settings
from coach.diagnostic.dialogue import DiagnosticContext
from coach.errors import DataDirError, IndexUnavailable
from coach.records.conversation import Conversation
from coach.session.coach import Coach

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 120


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, app_data_dir: Path, tmp_path: Path) -> AppTest:
    """The app, pointed at the session's warm data directory and its own store, after its first run."""
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


@pytest.fixture
def fresh_coach_cache() -> Iterator[None]:
    """The coach is cached per process: a test that builds another one must not leave it to the next test."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_the_page_shows_none_of_the_strings_that_document_app_py(app: AppTest) -> None:
    """Streamlit's "magic" would write every bare string of app.py to the page; .streamlit/config.toml turns it off."""
    documenting = [
        node.value.value
        for node in ast.walk(ast.parse(APP.read_text(encoding="utf-8")))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]
    assert documenting, "app.py documents its names"
    shown = [element.value for element in app.markdown]
    assert not [text for text in documenting if text in shown]


class ScriptedCoach:
    """The real coach, except that questions and scoring can be told to fail, or `ask` to give a prepared answer."""

    def __init__(self, inner: Coach) -> None:
        self._inner = inner
        self.failure: Exception | None = None
        self.answer: Answer | None = None

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def ask(self, text: str, default_lang: str = "en", history=(), on_token=None) -> Answer:
        if self.failure is not None:
            raise self.failure
        return self.answer or self._inner.ask(text, default_lang)

    def answer_aside(self, text: str, lang: str, open_dimension: str | None) -> Answer:
        if self.failure is not None:
            raise self.failure
        return self.answer or self._inner.answer_aside(text, lang, open_dimension)

    def score(self, text: str, turn: int = 0, focus: str | None = None):
        if self.failure is not None:
            raise self.failure
        return self._inner.score(text, turn, focus)

    def diagnostic_context(self) -> DiagnosticContext:
        return DiagnosticContext(model=self._inner.model, score=self.score, answer_question=self.answer_aside)


@pytest.fixture
def scripted(
    fresh_coach_cache: None, knowledge_coach: Coach, app_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> ScriptedCoach:
    """The app's coach seam (`coach.session.intake.build_coach`) returns a coach the test can steer."""
    coach = ScriptedCoach(knowledge_coach)
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setattr(chat, "build_coach", lambda: coach)
    return coach


# -- helpers --------------------------------------------------------------------------------------------


def send(app: AppTest, text: str) -> AppTest:
    return app.chat_input[0].set_value(text).run()


def click(app: AppTest, key: str) -> AppTest:
    return app.button(key=key).click().run()


def talk(app: AppTest) -> Conversation:
    return app.session_state["keeper"].conversation


def reply_keys(app: AppTest) -> list[str]:
    return [button.key for button in app.button if button.key and button.key.startswith("reply-")]


def messages(app: AppTest) -> list[tuple[str, str]]:
    """Every chat message as (name, all its Markdown), the welcome first."""
    return [(message.name, "\n".join(part.value for part in message.markdown)) for message in app.chat_message]


def sidebar_text(app: AppTest) -> str:
    return "\n".join(part.value for part in [*app.sidebar.markdown, *app.sidebar.caption])


def assert_no_exception(app: AppTest) -> None:
    assert not app.exception, [exception.value for exception in app.exception]


def run_diagnostic(app: AppTest, pick: int = 1) -> int:
    """Click quick reply `pick` until the summary; returns how many were clicked."""
    for clicks in range(12):
        if not talk(app).in_diagnostic:
            return clicks
        keys = reply_keys(app)
        assert keys, "the diagnostic is running but offers no quick replies"
        click(app, keys[min(pick, len(keys) - 1)])
        assert_no_exception(app)
    raise AssertionError("no summary after 12 quick replies")


# -- tests ------------------------------------------------------------------------------------------------


def test_the_welcome_offers_example_questions_and_the_diagnostic(app: AppTest) -> None:
    assert_no_exception(app)
    name, welcome = messages(app)[0]
    assert name == "assistant" and "diagnostic" in welcome
    suggestions = [button.label for button in app.button if button.key.startswith("example-")]
    assert 3 <= len(suggestions) <= 4
    assert app.button(key="start").label == "Start the diagnostic"
    assert "Nothing to show yet" in sidebar_text(app)
    assert "Offline coach" in sidebar_text(app)
    assert "articles" in sidebar_text(app) and "Last update" in sidebar_text(app)


def test_an_example_question_gets_an_answer_with_numbered_sources(app: AppTest) -> None:
    click(app, "example-0")
    assert_no_exception(app)
    conversation = talk(app)
    assert [turn.role for turn in conversation.turns] == ["user", "coach"]
    answer = conversation.turns[-1]
    assert answer.kind == "answer" and answer.sources
    cited = {int(number) for number in re.findall(r"\[(\d+)\]", answer.text)}
    assert cited == {source.number for source in answer.sources}
    shown = app.chat_message[-1]
    assert "\\[1\\]" in shown.markdown[0].value
    sources = shown.expander[0]
    assert sources.label == f"Sources ({len(answer.sources)})"
    assert answer.sources[0].title in sources.markdown[0].value
    assert "English" in sources.markdown[0].value


def test_a_typed_question_is_stored_before_the_answer_and_answered(app: AppTest) -> None:
    send(app, "Who should own our social media accounts?")
    assert_no_exception(app)
    turns = talk(app).turns
    assert turns[0].text == "Who should own our social media accounts?"
    assert turns[0].created_at <= turns[1].created_at
    assert turns[1].sources


def test_a_message_whose_run_was_interrupted_is_answered_in_the_next_run(app: AppTest) -> None:
    chat.accept(talk(app), "What is a social media strategy?", Settings())  # stored, then a click stopped the run
    app.run()
    assert_no_exception(app)
    assert [turn.role for turn in talk(app).turns] == ["user", "coach"] and talk(app).turns[1].sources
    app.run()
    assert len(talk(app).turns) == 2, "answered once"


def test_the_whole_diagnostic_runs_on_quick_replies_to_the_summary(app: AppTest) -> None:
    click(app, "start")
    assert_no_exception(app)
    assert talk(app).in_diagnostic and reply_keys(app)
    assert "Dimensions" in sidebar_text(app) and app.sidebar.get("vega_lite_chart")
    clicks = run_diagnostic(app)
    conversation = talk(app)
    assert 6 <= clicks <= 10
    assert conversation.summary is not None and conversation.turns[-1].kind == "summary"
    assert not reply_keys(app)
    panel = sidebar_text(app)
    stage = conversation.summary.assessment.stage
    assert f"Stage {stage} of 3" in panel
    confidence = app.sidebar.get("progress")[0]
    assert confidence.text.startswith("Confidence") and confidence.value == round(
        100 * conversation.summary.assessment.confidence
    )
    assert "Next steps" in panel
    for step in conversation.summary.next_steps:
        assert step.source is not None and step.source.title in panel
    assert app.sidebar.get("vega_lite_chart")
    assert "Not every company" in messages(app)[-1][1]


def test_unknown_dimensions_show_as_unknown_in_the_chart(app: AppTest) -> None:
    click(app, "start")
    click(app, reply_keys(app)[1])
    level = talk(app).assessment.dimensions["presence"].level
    described = app.sidebar.get("vega_lite_chart")[0].proto.alt
    assert f"Presence {level}" in described and "Culture unknown" in described


def test_a_side_question_during_the_diagnostic_is_answered_and_the_diagnostic_goes_on(
    app: AppTest, knowledge_coach: Coach
) -> None:
    click(app, "start")
    click(app, reply_keys(app)[1])
    asked = talk(app).dialogue.current
    dimension, _ = knowledge_coach.model.question(asked)
    send(app, f"What do you mean by {dimension.short('en').lower()}?")
    assert_no_exception(app)
    side = talk(app).turns[-1]
    assert side.kind == "side_answer" and side.sources
    assert "Back to the diagnostic" in side.text
    assert talk(app).in_diagnostic and talk(app).dialogue.current == asked
    assert reply_keys(app), "the pending question's quick replies stay on offer"
    click(app, reply_keys(app)[0])
    assert talk(app).turns[-1].kind in ("question", "follow_up")


def test_switching_to_german_translates_the_interface_and_the_diagnostic(app: AppTest) -> None:
    app.segmented_control(key="ui_lang").set_value("de").run()
    assert_no_exception(app)
    assert talk(app).lang == "de"
    assert "Hallo" in messages(app)[0][1]
    assert app.button(key="new").label == "Neues Gespräch"
    assert app.button(key="start").label == "Diagnose starten"
    assert app.chat_input[0].placeholder == "Ihre Frage oder Antwort …"
    assert "Ihre Reifestufe" in [header.value for header in app.sidebar.subheader]
    click(app, "start")
    assert talk(app).turns[0].text == "Diagnose starten"
    assert talk(app).in_diagnostic and "Finden wir heraus" in talk(app).turns[-1].text
    app.segmented_control(key="ui_lang").set_value("en").run()
    assert app.button(key="new").label == "New conversation"


def test_typing_diagnose_starten_starts_the_diagnostic_in_german(app: AppTest) -> None:
    send(app, "Diagnose starten")
    assert_no_exception(app)
    assert talk(app).lang == "de" and talk(app).in_diagnostic
    assert "Finden wir heraus" in talk(app).turns[-1].text


def test_a_german_first_message_switches_the_interface_to_german(app: AppTest) -> None:
    send(app, "Was ist der Unterschied zwischen Strategie und Maßnahmenplan?")
    assert_no_exception(app)
    assert talk(app).lang == "de" and app.segmented_control(key="ui_lang").value == "de"
    assert app.button(key="new").label == "Neues Gespräch"
    assert app.chat_message[-1].expander[0].label.startswith("Quellen")


def test_a_new_conversation_starts_afresh_in_the_same_language(app: AppTest) -> None:
    app.segmented_control(key="ui_lang").set_value("de").run()
    click(app, "example-1")
    before = talk(app)
    assert before.turns
    click(app, "new")
    assert_no_exception(app)
    after = talk(app)
    assert after.id != before.id and not after.turns and after.lang == "de"
    assert len(app.chat_message) == 1 and app.button(key="example-0")
    assert "Noch nichts zu sehen" in sidebar_text(app)


def test_an_empty_message_is_ignored_with_a_hint(app: AppTest) -> None:
    send(app, "   \n\t ")
    assert_no_exception(app)
    assert not talk(app).turns
    assert "empty" in app.info[0].value


def test_a_long_paste_is_answered_on_its_first_part_with_a_notice(app: AppTest) -> None:
    paste = ("Who owns our social media channels and who answers complaints? " * 800)[:50_000]
    send(app, paste)
    assert_no_exception(app)
    user, reply = talk(app).turns
    assert len(user.text) <= 4000
    assert any("50000" in notice and "4000" in notice for notice in reply.notices)
    assert any("50000" in caption.value for caption in app.chat_message[-1].caption)


def test_html_and_markdown_in_a_message_show_as_text(app: AppTest) -> None:
    send(app, '<img src=x onerror="alert(1)"> ![x](http://127.0.0.1:9/x.png) [go](javascript:alert(1))')
    shown = messages(app)[1][1]
    assert "<img" not in shown and "&lt;img" in shown
    assert "![x](" not in shown and "!\\[x\\]" in shown
    assert "[go](" not in shown


def test_articles_and_answers_render_inert(scripted: ScriptedCoach) -> None:
    source = Source(
        1, "evil-en", "evil", '<img src=x onerror="alert(1)">Title', "en", "## Part", "![p](http://x/y.png)", 0.9
    )
    scripted.answer = Answer("Read <script>alert(1)</script> [this](javascript:alert(1)) [1]", [source], "en")
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    send(app, "Anything at all?")
    assert_no_exception(app)
    answer = app.chat_message[-1]
    assert "<script>" not in answer.markdown[0].value and "&lt;script&gt;" in answer.markdown[0].value
    assert "\\[this\\](javascript:" in answer.markdown[0].value
    sources = "\n".join(part.value for part in [*answer.expander[0].markdown, *answer.expander[0].caption])
    assert "<img" not in sources and "![p](" not in sources


@pytest.mark.parametrize(
    ("failure", "shown"),
    [
        (IndexUnavailable("The Chroma server at http://127.0.0.1:1 does not answer."), "does not answer"),
        (RuntimeError("boom: internal detail"), "something went wrong on my side"),
    ],
    ids=["coach-error", "unexpected-error"],
)
def test_a_failing_coach_shows_a_friendly_message_and_keeps_the_history(
    scripted: ScriptedCoach, failure: Exception, shown: str
) -> None:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    send(app, "Is posting three times a week a strategy?")
    scripted.failure = failure
    send(app, "Who should own our accounts?")
    assert_no_exception(app)
    assert shown in app.warning[0].value
    assert "internal detail" not in app.warning[0].value
    turns = talk(app).turns
    assert [turn.role for turn in turns] == ["user", "coach", "user", "coach"]
    assert turns[1].sources and turns[2].text == "Who should own our accounts?" and turns[3].kind == "error"
    scripted.failure = None
    send(app, "Who should own our accounts?")
    assert_no_exception(app)
    assert talk(app).turns[-1].kind == "answer" and len(talk(app).turns) == 6


def test_a_failure_during_the_diagnostic_keeps_its_quick_replies(scripted: ScriptedCoach) -> None:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    click(app, "start")
    offered = talk(app).quick_replies
    scripted.failure = RuntimeError("the scorer is down")
    send(app, "We have a few accounts and post when someone finds the time.")
    assert_no_exception(app)
    assert "something went wrong on my side" in app.warning[0].value
    assert talk(app).turns[-1].kind == "error" and talk(app).quick_replies == offered
    scripted.failure = None
    click(app, reply_keys(app)[0])
    assert talk(app).turns[-1].kind == "question"


def test_a_coach_that_cannot_start_says_why(fresh_coach_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken():
        raise DataDirError("The data directory /nope cannot be used. Point COACH_DATA_DIR at a writable directory.")

    monkeypatch.setattr(chat, "build_coach", broken)
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert_no_exception(app)
    assert "COACH_DATA_DIR" in app.error[0].value


def test_the_mode_names_the_model_but_never_the_key(
    fresh_coach_cache: None, app_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setenv("COACH_MODEL", "gemma-3-270m")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-value")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:password@127.0.0.1:9/v1")
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert_no_exception(app)
    everything = sidebar_text(app) + "\n".join(part.value for part in app.markdown)
    assert "gemma-3-270m" in everything
    assert "sk-test-secret-value" not in everything and "password" not in everything


def test_the_first_start_builds_the_index_and_answers_from_it(
    fresh_coach_cache: None, small_corpus: Path, app_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "fresh"
    data_dir.mkdir()
    for cache in app_data_dir.glob("readiness-examples-*.npy"):  # the scorer's cache: not what is tested here
        shutil.copy(cache, data_dir)
    monkeypatch.setenv("COACH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COACH_KNOWLEDGE_DIRS", json.dumps([str(small_corpus)]))
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert_no_exception(app)
    assert "4 articles" in sidebar_text(app)
    send(app, "Who answers a complaint on a Saturday evening?")
    assert talk(app).turns[-1].sources[0].title == "Listening and escalation"


def test_re_indexing_an_index_that_is_current_changes_nothing(app: AppTest) -> None:
    click(app, "reindex")
    assert_no_exception(app)
    assert "up to date" in app.toast[0].value
