"""The chat: the welcome, the turns, the quick replies, and a typed message on its way to the coach's reply."""

import logging
import time

import streamlit as st

from coach.config import Settings
from coach.errors import BadInput, CoachError
from coach.lang.detect import Lang
from coach.records.conversation import Conversation, Turn
from coach.records.transcript import corrected_note
from coach.safety import InertStream, inert
from coach.session import intake
from ui import checker, resources, state
from ui import text as ui_text

log = logging.getLogger("coach.app")


def start_coach(lang: Lang) -> intake.SharedCoach | None:
    """The shared coach, its index built or updated on first use (with a progress bar)."""
    try:
        shared = resources.shared_coach()
        if not shared.ready:
            slot = st.empty()
            with st.spinner(ui_text.t(lang, "preparing")):
                shared.prepare(lambda done, total: progress(slot, "building", lang, done, total))
            slot.empty()
        return shared
    except CoachError as error:
        log.warning("The coach could not start: %s", error)
        st.error(ui_text.t(lang, "start_failed", reason=inert(str(error))))
    except Exception:
        log.exception("The coach could not start")
        st.error(ui_text.t(lang, "start_failed_unexpected"))
    return None


def progress(slot, key: str, lang: Lang, done: int, total: int) -> None:
    slot.progress(done / max(total, 1), text=ui_text.t(lang, key, done=done, total=total))


def render_welcome(lang: Lang, offer_suggestions: bool) -> None:
    with st.chat_message("assistant", avatar=ui_text.COACH_AVATAR):
        st.markdown(ui_text.t(lang, "welcome"))
        if offer_suggestions:
            with st.container(horizontal=True, key="suggestions"):
                for number, example in enumerate(ui_text.EXAMPLES[lang]):
                    st.button(example, key=f"example-{number}", on_click=state.queue, args=(example,), wrap=True)
                start = ui_text.t(lang, "start")
                icon = ":material/assignment:"
                st.button(start, key="start", type="primary", icon=icon, on_click=state.queue, args=(start,))
                check = ui_text.t(lang, "check_strategy")
                icon = ":material/fact_check:"
                st.button(check, key="check-strategy", icon=icon, on_click=state.queue, args=(check,))


def render_turn(turn: Turn, lang: Lang, replies: list[str], key: str, corrected: list[str] | None = None) -> None:
    """One turn; under a user's turn, the dimensions a later message corrected (`Conversation.corrections`)."""
    if turn.role == "user":
        with st.chat_message("user", avatar=ui_text.USER_AVATAR):
            st.markdown(inert(turn.text))
            if corrected:
                st.caption(inert(corrected_note(resources.readiness_model(), corrected, lang)))
        return
    with st.chat_message("assistant", avatar=ui_text.COACH_AVATAR):
        render_coach_body(turn, lang, stream=False)
        if replies:
            render_quick_replies(replies, key)


def render_coach_body(turn: Turn, lang: Lang, stream: bool) -> None:
    if turn.kind == "error":
        st.warning(inert(turn.text), icon=":material/error:")
    elif turn.check is not None and checker.render_check_turn(turn, lang):
        pass
    elif stream:
        st.write_stream(inert(chunk) for chunk in intake.stream_chunks(turn.text))
    else:
        st.markdown(inert(turn.text))
    for notice in turn.notices:
        st.caption(f":material/info: {inert(notice)}")
    if turn.status:
        st.caption(f":material/insights: {inert(turn.status)}")
    if turn.sources:
        with st.expander(ui_text.t(lang, "sources", count=len(turn.sources)), icon=":material/menu_book:"):
            for source in turn.sources:
                where = f"{inert(source.section)} · {ui_text.lang_name(source.lang, lang)}"
                st.markdown(f"**\\[{source.number}\\] {inert(source.title)}**  \n:gray[{where}]")
                st.caption(inert(source.text))


def render_quick_replies(replies: list[str], key: str) -> None:
    with st.container(horizontal=True, key="quick-replies"):
        for number, label in enumerate(replies):
            st.button(inert(label), key=f"reply-{key}-{number}", on_click=state.queue, args=(label,), wrap=True)


def take_message(talk: Conversation, message: str, settings: Settings) -> intake.Accepted | None:
    """Store and show the user's message before anything can fail; an empty one gets a hint."""
    try:
        accepted = intake.accept(talk, message, settings)
    except BadInput:
        st.info(ui_text.t(talk.lang, "empty"), icon=":material/edit:")
        return None
    render_turn(talk.turns[-1], talk.lang, [], "")
    return accepted


def reply(shared: intake.SharedCoach, talk: Conversation, accepted: intake.Accepted) -> None:
    """Produce the reply to the stored message and stream it; a failure becomes a friendly turn."""
    with st.chat_message("assistant", avatar=ui_text.COACH_AVATAR):
        streamed = False
        try:
            with st.spinner(ui_text.t(talk.lang, "thinking")):
                turn, streamed = stream_reply(shared, talk, accepted)
        except CoachError as error:
            log.warning("The coach could not answer: %s", error)
            turn = intake.add_error_turn(talk, ui_text.t(talk.lang, "coach_error", reason=str(error)))
        except Exception:
            log.exception("Unexpected error while answering")
            turn = intake.add_error_turn(talk, ui_text.t(talk.lang, "unexpected"))
        render_coach_body(turn, talk.lang, stream=not streamed)
        if talk.quick_replies:
            render_quick_replies(talk.quick_replies, str(len(talk.turns)))


def stream_reply(shared: intake.SharedCoach, talk: Conversation, accepted: intake.Accepted) -> tuple[Turn, bool]:
    """Show a model's tokens as they arrive; then the placeholder goes and the checked answer is rendered
    in its place. Returns the turn and whether any token was shown (none offline: the answer is then
    shown sentence by sentence)."""
    slot = st.empty()
    reply_stream = intake.StreamedReply(shared.coach, talk, accepted)
    shown = render_stream(reply_stream, slot.markdown)
    slot.empty()
    return reply_stream.turn, shown


RENDER_INTERVAL = 0.1
"""Seconds between two renders of a streaming answer: smooth to the eye, and a long answer's thousands of
tokens cost a few dozen renders instead of one each (every render sends the whole text so far)."""


def render_stream(tokens, show, interval: float = RENDER_INTERVAL, clock=time.monotonic) -> bool:
    """Show the growing text, made inert piece by piece (linear in its length), at most every `interval`
    seconds and once at the end; whether any token came."""
    text = InertStream()
    came, last = False, None
    for token in tokens:
        text.add(token)
        came = True
        if last is None or clock() - last >= interval:
            show(text.markdown())
            last = clock()
    if came:
        show(text.markdown())
    return came


def converse(shared: intake.SharedCoach, talk: Conversation, message: str | None, writable: bool) -> None:
    """The typed or queued message stored (before anything can fail) and answered; or the answer to a message
    whose run was interrupted. Saved after each step; a run that changed the language reruns the page."""
    lang = talk.lang
    if message is not None:
        accepted = take_message(talk, message, shared.coach.settings)
        if accepted is not None:
            state.save()  # the message is stored before the coach can fail
    else:
        accepted = intake.unanswered(talk) if writable else None
    if accepted is None:
        return
    reply(shared, talk, accepted)
    state.save()
    if talk.lang != lang or talk.turns[-1].took_back:
        # the first message chose the language: draw the whole page in it; or the reply took back an
        # earlier message, which is drawn above with its mark
        st.rerun()


def render_history(talk: Conversation, offer_replies: bool) -> None:
    last = len(talk.turns) - 1
    corrections = talk.corrections()
    for number, turn in enumerate(talk.turns):
        replies = talk.quick_replies if number == last and offer_replies else []
        render_turn(turn, talk.lang, replies, str(len(talk.turns)), corrections.get(number))
