"""The Streamlit app: session state and rendering only. Everything else lives in coach/.

Run: `streamlit run app.py`. One chat for questions and the diagnostic; the live stage summary and
the settings in the sidebar. Per-user state is one `Conversation` in `st.session_state`; the coach
(embedder, index, readiness model) is built once per process and shared.
"""

import logging

import streamlit as st

from coach import chat, panel, ui_text
from coach.conversation import Conversation, Turn
from coach.errors import BadInput, CoachError
from coach.safety import inert
from coach.text import Lang

log = logging.getLogger("coach.app")

st.set_page_config(page_title=ui_text.PAGE_TITLE, page_icon=ui_text.PAGE_ICON, layout="centered")


@st.cache_resource(show_spinner=False)
def shared_coach() -> chat.SharedCoach:
    """One coach per server process, shared by every session."""
    return chat.SharedCoach(chat.build_coach())


# -- state and callbacks ------------------------------------------------------------------------


def conversation() -> Conversation:
    if "conversation" not in st.session_state:
        st.session_state.conversation = Conversation(lang=ui_text.browser_lang(st.context.locale))
    return st.session_state.conversation


def queue(message: str) -> None:
    """A button stands for a typed message: it is answered in the next run, like one."""
    st.session_state.queued = message


def new_conversation() -> None:
    st.session_state.conversation = Conversation(lang=conversation().lang)
    st.session_state.pop("queued", None)


def switch_language() -> None:
    conversation().lang = st.session_state.ui_lang


# -- rendering ------------------------------------------------------------------------------------


def start_coach(lang: Lang) -> chat.SharedCoach | None:
    """The shared coach, its index built or updated on first use (with a progress bar)."""
    try:
        shared = shared_coach()
        if not shared.ready:
            slot = st.empty()
            with st.spinner(ui_text.t(lang, "preparing")):
                shared.prepare(lambda done, total: _progress(slot, "building", lang, done, total))
            slot.empty()
        return shared
    except CoachError as error:
        log.warning("The coach could not start: %s", error)
        st.error(ui_text.t(lang, "start_failed", reason=inert(str(error))))
    except Exception:
        log.exception("The coach could not start")
        st.error(ui_text.t(lang, "start_failed_unexpected"))
    return None


def _progress(slot, key: str, lang: Lang, done: int, total: int) -> None:
    slot.progress(done / max(total, 1), text=ui_text.t(lang, key, done=done, total=total))


def render_welcome(lang: Lang, offer_suggestions: bool) -> None:
    with st.chat_message("assistant", avatar=ui_text.COACH_AVATAR):
        st.markdown(ui_text.t(lang, "welcome"))
        if offer_suggestions:
            with st.container(horizontal=True, key="suggestions"):
                for number, example in enumerate(ui_text.EXAMPLES[lang]):
                    st.button(example, key=f"example-{number}", on_click=queue, args=(example,), wrap=True)
                start = ui_text.t(lang, "start")
                icon = ":material/assignment:"
                st.button(start, key="start", type="primary", icon=icon, on_click=queue, args=(start,))


def render_turn(turn: Turn, lang: Lang, replies: list[str], key: str) -> None:
    if turn.role == "user":
        with st.chat_message("user", avatar=ui_text.USER_AVATAR):
            st.markdown(inert(turn.text))
        return
    with st.chat_message("assistant", avatar=ui_text.COACH_AVATAR):
        render_coach_body(turn, lang, stream=False)
        if replies:
            render_quick_replies(replies, key)


def render_coach_body(turn: Turn, lang: Lang, stream: bool) -> None:
    if turn.kind == "error":
        st.warning(inert(turn.text), icon=":material/error:")
    elif stream:
        st.write_stream(inert(chunk) for chunk in chat.stream_chunks(turn.text))
    else:
        st.markdown(inert(turn.text))
    for notice in turn.notices:
        st.caption(f":material/info: {inert(notice)}")
    if turn.sources:
        with st.expander(ui_text.t(lang, "sources", count=len(turn.sources)), icon=":material/menu_book:"):
            for source in turn.sources:
                where = f"{inert(source.section)} · {ui_text.lang_name(source.lang, lang)}"
                st.markdown(f"**\\[{source.number}\\] {inert(source.title)}**  \n:gray[{where}]")
                st.caption(inert(source.text))


def render_quick_replies(replies: list[str], key: str) -> None:
    with st.container(horizontal=True, key="quick-replies"):
        for number, label in enumerate(replies):
            st.button(inert(label), key=f"reply-{key}-{number}", on_click=queue, args=(label,), wrap=True)


def take_message(talk: Conversation, message: str, max_chars: int) -> chat.Accepted | None:
    """Store and show the user's message before anything can fail; an empty one gets a hint."""
    try:
        accepted = chat.accept(talk, message, max_chars)
    except BadInput:
        st.info(ui_text.t(talk.lang, "empty"), icon=":material/edit:")
        return None
    render_turn(talk.turns[-1], talk.lang, [], "")
    return accepted


def reply(shared: chat.SharedCoach, talk: Conversation, accepted: chat.Accepted) -> None:
    """Produce the reply to the stored message and stream it; a failure becomes a friendly turn."""
    with st.chat_message("assistant", avatar=ui_text.COACH_AVATAR):
        streamed = False
        try:
            with st.spinner(ui_text.t(talk.lang, "thinking")):
                if shared.coach.mode == "llm":
                    turn, streamed = stream_model_reply(shared, talk, accepted)
                else:
                    turn = chat.reply(shared.coach, talk, accepted)
        except CoachError as error:
            log.warning("The coach could not answer: %s", error)
            turn = chat.add_error_turn(talk, ui_text.t(talk.lang, "coach_error", reason=str(error)))
        except Exception:
            log.exception("Unexpected error while answering")
            turn = chat.add_error_turn(talk, ui_text.t(talk.lang, "unexpected"))
        render_coach_body(turn, talk.lang, stream=not streamed)
        if talk.quick_replies:
            render_quick_replies(talk.quick_replies, str(len(talk.turns)))


def stream_model_reply(shared: chat.SharedCoach, talk: Conversation, accepted: chat.Accepted) -> tuple[Turn, bool]:
    """Show the model's tokens as they arrive (the whole text so far, inert, each time); then the
    placeholder goes and the checked answer is rendered in its place. Returns the turn and whether
    any token was shown."""
    slot, text = st.empty(), ""
    reply_stream = chat.StreamedReply(shared.coach, talk, accepted)
    for token in reply_stream:
        text += token
        slot.markdown(inert(text))
    slot.empty()
    return reply_stream.turn, bool(text)


def render_stage_panel(shared: chat.SharedCoach, talk: Conversation) -> None:
    lang = talk.lang
    view = panel.stage_panel(shared.coach.model, talk, lang)
    st.subheader(ui_text.t(lang, "panel"), divider="gray")
    if view.state == "empty":
        st.caption(ui_text.t(lang, "panel_empty"))
        start = ui_text.t(lang, "start")
        st.button(start, key="panel-start", icon=":material/assignment:", on_click=queue, args=(start,))
        return
    if view.state == "waiting":
        st.caption(ui_text.t(lang, "panel_waiting"))
    else:
        st.markdown(f"**{ui_text.t(lang, 'stage', number=view.stage, name=inert(view.stage_name))}**")
        st.progress(view.confidence, text=ui_text.t(lang, "confidence", value=view.confidence))
        st.caption(inert(view.stage_summary))
    st.markdown(f"**{ui_text.t(lang, 'dimensions')}**")
    st.altair_chart(
        panel.dimension_chart(view.rows, lang), width="stretch", alt=panel.chart_description(view.rows, lang)
    )
    if view.next_steps:
        st.markdown(f"**{ui_text.t(lang, 'next_steps')}**")
        for number, step in enumerate(view.next_steps, start=1):
            st.markdown(f"{number}. {inert(step.text)}  \n:gray[*{inert(step.article_title)}*]")
    if talk.in_diagnostic:
        summary = ui_text.t(lang, "summary_word")
        label = ui_text.t(lang, "summary_now")
        st.button(label, key="summary-now", icon=":material/flag:", on_click=queue, args=(summary,))


def render_settings(shared: chat.SharedCoach, talk: Conversation) -> None:
    lang = talk.lang
    st.subheader(ui_text.t(lang, "settings"), divider="gray")
    st.caption(f"**{ui_text.t(lang, 'mode')}:** {inert(ui_text.mode_label(shared.coach.settings, lang))}")
    status = st.empty()
    if st.button(ui_text.t(lang, "reindex"), key="reindex", icon=":material/sync:"):
        reindex(shared, lang, status)
    try:
        lines = ui_text.index_lines(shared.coach.index.stats(), lang)
        status.caption(f"**{ui_text.t(lang, 'index')}:** " + "  \n".join(lines))
    except Exception:
        log.warning("The index status is unavailable", exc_info=True)


def reindex(shared: chat.SharedCoach, lang: Lang, slot) -> None:
    """Sync the index now, with a progress bar in `slot`; a failure is reported, the app goes on."""
    try:
        report = shared.reindex(lambda done, total: _progress(slot, "reindexing", lang, done, total))
        st.toast(ui_text.describe_sync(report, lang), icon=":material/check_circle:")
    except Exception as error:
        log.exception("Re-indexing failed")
        reason = inert(str(error)) if isinstance(error, CoachError) else ""
        st.error(ui_text.t(lang, "reindex_failed", reason=reason))


def render_sidebar(shared: chat.SharedCoach, talk: Conversation) -> None:
    with st.sidebar:
        st.session_state.ui_lang = talk.lang
        with st.container(horizontal=True, vertical_alignment="bottom", key="top-bar"):
            st.segmented_control(
                ui_text.t(talk.lang, "language"),
                ui_text.LANGS,
                format_func=ui_text.LANG_NAMES.get,
                key="ui_lang",
                required=True,
                on_change=switch_language,
            )
            st.button(ui_text.t(talk.lang, "new"), key="new", icon=":material/add_comment:", on_click=new_conversation)
        render_stage_panel(shared, talk)
        render_settings(shared, talk)


# -- the script -------------------------------------------------------------------------------------


def render_history(talk: Conversation, offer_replies: bool) -> None:
    last = len(talk.turns) - 1
    for number, turn in enumerate(talk.turns):
        replies = talk.quick_replies if number == last and offer_replies else []
        render_turn(turn, talk.lang, replies, str(len(talk.turns)))


def main() -> None:
    talk = conversation()
    shared = start_coach(talk.lang)
    if shared is None:
        st.stop()
    message = st.chat_input(ui_text.t(talk.lang, "placeholder")) or st.session_state.pop("queued", None)
    st.title(ui_text.t(talk.lang, "title"), anchor=False)
    st.caption(ui_text.t(talk.lang, "tagline"))
    render_welcome(talk.lang, offer_suggestions=not talk.turns and message is None)
    render_history(talk, offer_replies=message is None)
    lang = talk.lang
    if message is not None:
        accepted = take_message(talk, message, shared.coach.settings.max_question_chars)
    else:
        accepted = chat.unanswered(talk)
    if accepted is not None:
        reply(shared, talk, accepted)
        if talk.lang != lang:
            st.rerun()  # the first message chose the language: draw the whole page in it
    render_sidebar(shared, talk)


main()
