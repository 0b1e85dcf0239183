"""The sidebar: the live stage panel, sharing, the conversation list and the settings."""

import logging

import streamlit as st

from coach.errors import CoachError
from coach.lang.detect import Lang
from coach.records.conversation import Conversation
from coach.records.store import ConversationInfo, StoreUnavailable
from coach.records.transcript import readable_time
from coach.safety import inert
from coach.session import intake
from ui import chat, identity, panel, resources, sharing, state, team_owner
from ui import text as ui_text

log = logging.getLogger("coach.app")


def render_stage_panel(shared: intake.SharedCoach, talk: Conversation) -> None:
    lang = talk.lang
    view = panel.stage_panel(shared.coach.model, talk, lang)
    st.subheader(ui_text.t(lang, "panel"), divider="gray")
    writable = state.keeper().writable  # a colleague's conversation, read-only: nothing to start or finish
    if view.state == "empty":
        st.caption(ui_text.t(lang, "panel_empty"))
        if not writable:
            return
        start = ui_text.t(lang, "start")
        st.button(start, key="panel-start", icon=":material/assignment:", on_click=state.queue, args=(start,))
        return
    if view.state == "waiting":
        st.caption(ui_text.t(lang, "panel_waiting"))
    else:
        st.markdown(f"**{ui_text.t(lang, 'stage', number=view.stage, name=inert(view.stage_name))}**")
        st.progress(view.confidence, text=ui_text.t(lang, "confidence", value=view.confidence))
        st.markdown(inert(view.reason))
        st.caption(inert(view.stage_summary))
    st.markdown(f"**{ui_text.t(lang, 'dimensions')}**")
    st.altair_chart(
        panel.dimension_chart(view.rows, lang), width="stretch", alt=panel.chart_description(view.rows, lang)
    )
    if view.next_steps:
        st.markdown(f"**{ui_text.t(lang, 'next_steps')}**")
        for number, step in enumerate(view.next_steps, start=1):
            st.markdown(f"{number}. {inert(step.text)}  \n:gray[*{inert(step.article_title)}*]")
    if talk.in_diagnostic and writable:
        summary = ui_text.t(lang, "summary_word")
        label = ui_text.t(lang, "summary_now")
        st.button(label, key="summary-now", icon=":material/flag:", on_click=state.queue, args=(summary,))


def render_settings(shared: intake.SharedCoach, talk: Conversation) -> None:
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


def reindex(shared: intake.SharedCoach, lang: Lang, slot) -> None:
    """Sync the index now, with a progress bar in `slot`; a failure is reported, the app goes on."""
    try:
        report = shared.reindex(lambda done, total: chat.progress(slot, "reindexing", lang, done, total))
        st.toast(ui_text.describe_sync(report, lang), icon=":material/check_circle:")
    except Exception as error:
        log.exception("Re-indexing failed")
        reason = inert(str(error)) if isinstance(error, CoachError) else ""
        st.error(ui_text.t(lang, "reindex_failed", reason=reason))


def render_conversations(talk: Conversation) -> None:
    """The viewer's conversations (an admin's: all): open one, or delete it (with its links) after a confirmation."""
    lang, viewer = talk.lang, state.viewer()
    everyones = viewer.admin and viewer.signed_in
    st.subheader(ui_text.t(lang, "conversations_all" if everyones else "conversations"), divider="gray")
    try:
        recent = resources.shared_store().recent(limit=12, viewer=viewer)
    except StoreUnavailable as error:
        st.caption(ui_text.t(lang, "store_down_short", reason=inert(str(error))))
        return
    if not recent:
        st.caption(ui_text.t(lang, "conversations_empty"))
    for info in recent:
        opening, deleting = st.columns([5, 1], vertical_alignment="center", gap="small")
        _open_button(opening, info, talk, show_owner=everyones)
        with deleting.popover("", icon=":material/delete:", help=ui_text.t(lang, "delete"), key=f"del-{info.id}"):
            st.caption(ui_text.t(lang, "delete_confirm"))
            st.button(
                ui_text.t(lang, "delete"),
                key=f"delete-{info.id}",
                on_click=state.delete_conversation,
                args=(info.id,),
                type="primary",
            )


def render_team(talk: Conversation) -> None:
    """Conversations colleagues shared with the team, to open read-only (signed-in members only)."""
    lang = talk.lang
    st.subheader(ui_text.t(lang, "team"), divider="gray")
    try:
        shared = resources.shared_store().team(limit=12, viewer=state.viewer())
    except StoreUnavailable as error:
        st.caption(ui_text.t(lang, "store_down_short", reason=inert(str(error))))
        return
    if not shared:
        st.caption(ui_text.t(lang, "team_empty"))
    for info in shared:
        _open_button(st, info, talk, show_owner=True, key="team")


def _open_button(slot, info: ConversationInfo, talk: Conversation, show_owner: bool, key: str = "open") -> None:
    lang = talk.lang
    stage_text = "" if info.stage is None else ui_text.t(lang, "stage_short", number=info.stage)
    # A diagnostic's title names its stage already ("Diagnose · Stufe 2 · 6. Dez."); older titles do not.
    stage = f" · {stage_text}" if stage_text and stage_text.lower() not in (info.title or "").lower() else ""
    owner = ""
    if show_owner:  # first: a long title is cut off at the end
        owner = f"{inert(info.owner_name or info.owner_email or ui_text.t(lang, 'unowned'))} · "
    is_current = info.id == talk.id
    slot.button(
        f"{owner}{inert(info.title or '…')}{stage}",
        key=f"{key}-{info.id}",
        on_click=state.open_conversation,
        args=(info.id,),
        type="primary" if is_current else "tertiary",
        help=ui_text.t(lang, "current") if is_current else readable_time(info.updated_at),
        width="stretch",
    )


def render_sidebar(shared: intake.SharedCoach, talk: Conversation) -> None:
    with st.sidebar:
        st.session_state.ui_lang = talk.lang
        with st.container(horizontal=True, vertical_alignment="bottom", key="top-bar"):
            st.segmented_control(
                ui_text.t(talk.lang, "language"),
                ui_text.LANGS,
                format_func=ui_text.LANG_NAMES.get,
                key="ui_lang",
                required=True,
                on_change=state.switch_language,
            )
            st.button(
                ui_text.t(talk.lang, "new"), key="new", icon=":material/add_comment:", on_click=state.new_conversation
            )
        identity.render_account(state.viewer(), talk.lang)
        render_stage_panel(shared, talk)
        if talk.turns:
            sharing.render_sharing(talk, shared.coach.model)
        render_conversations(talk)
        if state.viewer().signed_in and not state.viewer().admin:  # an admin's own list has everyone's
            render_team(talk)
        team_owner.render_team_rounds(talk.lang)
        render_settings(shared, talk)
