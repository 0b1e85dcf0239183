"""The Streamlit app: session state and rendering only. Everything else lives in coach/.

Run: `streamlit run app.py`. One chat for questions and the diagnostic; the live stage summary and
the settings in the sidebar. Per-user state is one `Conversation` in `st.session_state`; the coach
(embedder, index, readiness model) is built once per process and shared.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar

import streamlit as st

from coach import chat, panel, ui_text
from coach.config import Settings
from coach.conversation import Conversation, Turn
from coach.errors import BadInput, CoachError
from coach.keeper import Keeper
from coach.readiness import ReadinessModel, load_model
from coach.safety import inert
from coach.share_tokens import token_hash
from coach.store import Store, StoreUnavailable
from coach.summary import render_summary
from coach.text import Lang
from coach.transcript import from_record, markdown, readable_time, record, record_json
from coach.transcript_pdf import pdf_bytes

log = logging.getLogger("coach.app")
T = TypeVar("T")
LINK_DAYS = (None, 1, 7, 30)
"""How long a new share link stays valid (None: until revoked)."""

st.set_page_config(page_title=ui_text.PAGE_TITLE, page_icon=ui_text.PAGE_ICON, layout="centered")


@st.cache_resource(show_spinner=False)
def shared_coach() -> chat.SharedCoach:
    """One coach per server process, shared by every session."""
    return chat.SharedCoach(chat.build_coach())


def shared_store() -> Store:
    """The conversation store of this server process (connects on first use)."""
    return _store_at(Settings().store_url)


@st.cache_resource(show_spinner=False)
def _store_at(url: str) -> Store:
    return Store(url)


@st.cache_resource(show_spinner=False)
def readiness_model() -> ReadinessModel:
    """The readiness model alone, for pages that must not start the coach (shared links)."""
    return load_model(Settings().readiness_file)


# -- state and callbacks ------------------------------------------------------------------------


def keeper() -> Keeper:
    """This session's conversation: the one named in the URL when it is stored, else a new one."""
    if "keeper" not in st.session_state:
        st.session_state.keeper = _opened(st.query_params.get("c"))
    return st.session_state.keeper


def conversation() -> Conversation:
    return keeper().conversation


def _opened(conversation_id: str | None) -> Keeper:
    lang = ui_text.browser_lang(st.context.locale)
    opened = _stored(conversation_id, lang) if conversation_id else None
    if opened is not None:
        return opened
    st.query_params.pop("c", None)
    return Keeper(shared_store(), Conversation(lang=lang))


def _stored(conversation_id: str, lang: Lang) -> Keeper | None:
    """The stored conversation with that id, or None with a notice (not stored, or the store unavailable)."""
    ok, opened = _with_store(lambda store: Keeper.open(store, conversation_id), lang)
    if ok and opened is None:
        st.session_state.notice = ("info", ui_text.t(lang, "not_found"))
    return opened


def save() -> None:
    """Write the conversation after a turn; an unavailable store or another tab's edit is said, never lost."""
    current = keeper()
    result = current.save()
    lang = current.conversation.lang
    if result.error:
        st.warning(ui_text.t(lang, "store_down", reason=inert(result.error)), icon=":material/cloud_off:")
    if result.forked_from:
        st.info(ui_text.t(lang, "forked"), icon=":material/call_split:")
    if result.saved and st.query_params.get("c") != current.conversation.id:
        st.query_params["c"] = current.conversation.id


def queue(message: str) -> None:
    """A button stands for a typed message: it is answered in the next run, like one."""
    st.session_state.queued = message


def new_conversation() -> None:
    _switch_to(Keeper(shared_store(), Conversation(lang=conversation().lang)))


def _switch_to(opened: Keeper) -> None:
    """Make `opened` this session's conversation, in the URL once it is stored."""
    st.session_state.keeper = opened
    st.session_state.pop("queued", None)
    st.session_state.pop("links", None)
    if opened.revision:
        st.query_params["c"] = opened.conversation.id
    else:
        st.query_params.pop("c", None)


def _with_store(action: Callable[[Store], T], lang: Lang) -> tuple[bool, T | None]:
    """(True, what `action` returned), or (False, None) with a notice when the store is unavailable."""
    try:
        return True, action(shared_store())
    except StoreUnavailable as error:
        st.session_state.notice = ("warning", ui_text.t(lang, "store_down_short", reason=str(error)))
        return False, None


def open_conversation(conversation_id: str) -> None:
    opened = _stored(conversation_id, conversation().lang)
    if opened is not None:
        _switch_to(opened)


def delete_conversation(conversation_id: str) -> None:
    lang = conversation().lang
    ok, _ = _with_store(lambda store: store.delete(conversation_id), lang)
    if ok:
        if conversation_id == conversation().id:
            new_conversation()
        st.session_state.notice = ("success", ui_text.t(lang, "deleted"))


def create_link() -> None:
    """A read-only snapshot of the conversation now, behind a new token shown once in this session."""
    talk = conversation()
    saved = keeper().save()
    if not saved.saved:
        st.session_state.notice = ("warning", ui_text.t(talk.lang, "share_failed", reason=saved.error or ""))
        return
    days = st.session_state.get("link_days")
    valid_for = timedelta(days=days) if days else None
    ok, token = _with_store(lambda store: store.share(talk.id, record(readiness_model(), talk), valid_for), talk.lang)
    if ok:
        st.session_state.links = [*st.session_state.get("links", []), token]


def revoke_link(share_id: str) -> None:
    lang = conversation().lang
    ok, _ = _with_store(lambda store: store.revoke_share(share_id), lang)
    if ok:
        st.session_state.notice = ("success", ui_text.t(lang, "revoked"))


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


def render_conversations(talk: Conversation) -> None:
    """The recent conversations: open one, or delete it (with its share links) after a confirmation."""
    lang = talk.lang
    st.subheader(ui_text.t(lang, "conversations"), divider="gray")
    try:
        recent = shared_store().recent(limit=12)
    except StoreUnavailable as error:
        st.caption(ui_text.t(lang, "store_down_short", reason=inert(str(error))))
        return
    if not recent:
        st.caption(ui_text.t(lang, "conversations_empty"))
    for info in recent:
        stage = "" if info.stage is None else f" · {ui_text.t(lang, 'stage_short', number=info.stage)}"
        is_current = info.id == talk.id
        opening, deleting = st.columns([5, 1], vertical_alignment="center", gap="small")
        opening.button(
            f"{inert(info.title or '…')}{stage}",
            key=f"open-{info.id}",
            on_click=open_conversation,
            args=(info.id,),
            type="primary" if is_current else "tertiary",
            help=ui_text.t(lang, "current") if is_current else readable_time(info.updated_at),
            width="stretch",
        )
        with deleting.popover("", icon=":material/delete:", help=ui_text.t(lang, "delete"), key=f"del-{info.id}"):
            st.caption(ui_text.t(lang, "delete_confirm"))
            st.button(
                ui_text.t(lang, "delete"),
                key=f"delete-{info.id}",
                on_click=delete_conversation,
                args=(info.id,),
                type="primary",
            )


def render_downloads(talk: Conversation, model: ReadinessModel) -> None:
    """Markdown, JSON and PDF of the conversation; each file is made only when its button is clicked."""
    stem = f"coach-{talk.id[:8]}"
    with st.container(horizontal=True, key="downloads"):
        for fmt, mime, make in (
            ("md", "text/markdown", partial(markdown, model, talk)),
            ("json", "application/json", partial(record_json, model, talk)),
            ("pdf", "application/pdf", partial(pdf_bytes, model, talk)),
        ):
            label = ui_text.t(talk.lang, f"download_{fmt}")
            st.download_button(
                label, data=make, file_name=f"{stem}.{fmt}", mime=mime, key=f"download-{fmt}", on_click="ignore"
            )


def render_sharing(talk: Conversation, model: ReadinessModel) -> None:
    """Downloads and the read-only links of the open conversation."""
    lang = talk.lang
    st.subheader(ui_text.t(lang, "share_export"), divider="gray")
    render_downloads(talk, model)
    st.selectbox(
        ui_text.t(lang, "link_valid"),
        LINK_DAYS,
        format_func=lambda days: ui_text.t(lang, "link_days", days=days) if days else ui_text.t(lang, "link_forever"),
        key="link_days",
    )
    st.button(ui_text.t(lang, "share"), key="share", icon=":material/link:", on_click=create_link)
    try:
        links = [link for link in shared_store().shares_of(talk.id) if link.active()]
    except StoreUnavailable as error:
        st.caption(ui_text.t(lang, "store_down_short", reason=inert(str(error))))
        return
    fresh = {token_hash(token): token for token in st.session_state.get("links", [])}
    if links:
        st.markdown(f"**{ui_text.t(lang, 'links')}**")
    for link in links:
        when = ui_text.t(lang, "link_created", when=readable_time(link.created_at))
        if link.expires_at:
            when += " · " + ui_text.t(lang, "link_expires", when=readable_time(link.expires_at))
        if link.id in fresh:
            st.caption(ui_text.t(lang, "share_hint"))
            st.code(share_url(fresh[link.id]), language=None, wrap_lines=True)
        with st.container(horizontal=True, vertical_alignment="center", key=f"link-{link.id[:16]}"):
            st.caption(when)
            st.button(ui_text.t(lang, "revoke"), key=f"revoke-{link.id[:16]}", on_click=revoke_link, args=(link.id,))


def share_url(token: str) -> str:
    """The link to a snapshot: this app's own address with `?share=TOKEN`."""
    base = (st.context.url or "").split("?", 1)[0] or Settings().public_url
    return f"{base.rstrip('/')}/?share={token}"


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
        if talk.turns:
            render_sharing(talk, shared.coach.model)
        render_conversations(talk)
        render_settings(shared, talk)


# -- the script -------------------------------------------------------------------------------------


def render_history(talk: Conversation, offer_replies: bool) -> None:
    last = len(talk.turns) - 1
    for number, turn in enumerate(talk.turns):
        replies = talk.quick_replies if number == last and offer_replies else []
        render_turn(turn, talk.lang, replies, str(len(talk.turns)))


def render_notice() -> None:
    """A message left by a callback (deleted, revoked, the store down), shown once."""
    if "notice" in st.session_state:
        kind, text = st.session_state.pop("notice")
        getattr(st, kind)(inert(text))


def render_shared(token: str) -> None:
    """The read-only view of a share link: summary and transcript, downloads, no chat, no coach."""
    lang = ui_text.browser_lang(st.context.locale)
    try:
        snapshot = shared_store().open_share(token)
        talk = from_record(snapshot) if snapshot is not None else None
    except (StoreUnavailable, BadInput) as error:
        log.warning("A shared conversation cannot be shown: %s", error)
        talk = None
    if talk is None:
        st.title(ui_text.t(lang, "link_invalid_title"), anchor=False)
        st.write(ui_text.t(lang, "link_invalid"))
        return
    model = readiness_model()
    lang = talk.lang
    st.title(ui_text.t(lang, "title"), anchor=False)
    st.caption(ui_text.t(lang, "shared_caption", when=readable_time(snapshot.get("exported_at", ""))))
    st.subheader(ui_text.t(lang, "shared_summary"), divider="gray")
    if talk.summary:
        st.markdown(inert(render_summary(model, talk.summary)))
    else:
        st.caption(ui_text.t(lang, "shared_no_summary"))
    st.subheader(ui_text.t(lang, "shared_transcript"), divider="gray")
    for number, turn in enumerate(talk.turns):
        render_turn(turn, lang, [], str(number))
    with st.sidebar:
        st.subheader(ui_text.t(lang, "share_export"), divider="gray")
        render_downloads(talk, model)


def main() -> None:
    token = st.query_params.get("share")
    if token is not None:
        render_shared(token)
        return
    talk = conversation()
    render_notice()
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
        if accepted is not None:
            save()  # the message is stored before the coach can fail
    else:
        accepted = chat.unanswered(talk)
    if accepted is not None:
        reply(shared, talk, accepted)
        save()
        if talk.lang != lang:
            st.rerun()  # the first message chose the language: draw the whole page in it
    render_sidebar(shared, talk)


main()
