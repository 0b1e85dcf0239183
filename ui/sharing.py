"""Downloads, share links, and the read-only page a share link opens."""

import logging
from datetime import timedelta
from functools import partial

import streamlit as st

from coach.config import Settings
from coach.diagnostic.summary import render_summary
from coach.errors import BadInput
from coach.readiness.model import ReadinessModel
from coach.records.check_export import check_summary
from coach.records.conversation import Conversation
from coach.records.pdf import pdf_bytes
from coach.records.share_tokens import token_hash
from coach.records.store import StoreUnavailable
from coach.records.transcript import from_record, markdown, readable_time, record, record_json
from coach.safety import inert
from ui import chat, resources, state
from ui import text as ui_text

log = logging.getLogger("coach.app")
LINK_DAYS = (None, 1, 7, 30)
"""How long a new share link stays valid (None: until revoked)."""


def create_link() -> None:
    """A read-only snapshot of the conversation now, behind a new token shown once in this session."""
    talk = state.conversation()
    saved = state.keeper().save()
    if not saved.saved:
        st.session_state.notice = ("warning", ui_text.t(talk.lang, "share_failed", reason=saved.error or ""))
        return
    days = st.session_state.get("link_days")
    valid_for = timedelta(days=days) if days else None
    ok, token = state.with_store(
        lambda store: store.share(talk.id, record(resources.readiness_model(), talk), valid_for), talk.lang
    )
    if ok:
        st.session_state.links = [*st.session_state.get("links", []), token]


def revoke_link(share_id: str) -> None:
    lang = state.conversation().lang
    ok, _ = state.with_store(lambda store: store.revoke_share(share_id), lang)
    if ok:
        st.session_state.notice = ("success", ui_text.t(lang, "revoked"))


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
        links = [link for link in resources.shared_store().shares_of(talk.id) if link.active()]
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


def render_shared(token: str) -> None:
    """The read-only view of a share link: summary and transcript, downloads, no chat, no coach."""
    lang = ui_text.browser_lang(st.context.locale)
    try:
        snapshot = resources.shared_store().open_share(token)
        talk = from_record(snapshot) if snapshot is not None else None
    except (StoreUnavailable, BadInput) as error:
        log.warning("A shared conversation cannot be shown: %s", error)
        talk = None
    if talk is None:
        st.title(ui_text.t(lang, "link_invalid_title"), anchor=False)
        st.write(ui_text.t(lang, "link_invalid"))
        return
    model = resources.readiness_model()
    lang = talk.lang
    st.title(ui_text.t(lang, "title"), anchor=False)
    st.caption(ui_text.t(lang, "shared_caption", when=readable_time(snapshot.get("exported_at", ""))))
    st.subheader(ui_text.t(lang, "shared_summary"), divider="gray")
    if talk.summary:
        st.markdown(inert(render_summary(model, talk.summary)))
    else:
        st.caption(ui_text.t(lang, "shared_no_summary"))
    if line := check_summary(talk):
        st.markdown(inert(line))
    st.subheader(ui_text.t(lang, "shared_transcript"), divider="gray")
    for number, turn in enumerate(talk.turns):
        chat.render_turn(turn, lang, [], str(number))
    with st.sidebar:
        st.subheader(ui_text.t(lang, "share_export"), divider="gray")
        render_downloads(talk, model)
