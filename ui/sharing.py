"""Downloads, share links, and the read-only page a share link opens."""

import logging
from datetime import timedelta
from functools import partial

import streamlit as st

from coach.config import Settings
from coach.diagnostic.summary import render_summary
from coach.errors import BadInput
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.access import Viewer, may_create_links, may_open_links
from coach.records.check_export import check_summary
from coach.records.conversation import Conversation
from coach.records.pdf import pdf_bytes
from coach.records.share_tokens import token_hash
from coach.records.store import StoreUnavailable
from coach.records.transcript import from_record, markdown, readable_time, record, record_json
from coach.safety import inert
from ui import chat, panel, resources, state
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
    if not may_create_links(state.viewer(), Settings().share_links):
        return  # the button is not drawn then; a crafted click changes nothing either
    snapshot = record(resources.readiness_model(), talk)
    try:
        ok, token = state.with_store(
            lambda store: store.share(talk.id, snapshot, valid_for, viewer=state.viewer()), talk.lang
        )
    except KeyError:  # not the viewer's to share
        st.session_state.notice = ("warning", ui_text.t(talk.lang, "share_failed", reason=""))
        return
    if ok:
        st.session_state.links = [*st.session_state.get("links", []), token]


def revoke_link(share_id: str) -> None:
    lang = state.conversation().lang
    ok, revoked = state.with_store(lambda store: store.revoke_share(share_id, viewer=state.viewer()), lang)
    if ok and revoked:
        st.session_state.notice = ("success", ui_text.t(lang, "revoked"))


FILES = (("md", "text/markdown"), ("json", "application/json"), ("pdf", "application/pdf"))
"""The downloads a conversation or a team report offers, in this order: (extension, MIME type)."""


def download_row(stem: str, files: dict, lang: Lang, prefix: str = "") -> None:
    """One button per file of `FILES`; `files` maps each extension to its content or to a function that makes it
    (then only when its button is clicked). Keys: `{prefix}downloads`, `{prefix}download-{extension}`."""
    with st.container(horizontal=True, key=f"{prefix}downloads"):
        for fmt, mime in FILES:
            label = ui_text.t(lang, f"download_{fmt}")
            st.download_button(
                label,
                data=files[fmt],
                file_name=f"{stem}.{fmt}",
                mime=mime,
                key=f"{prefix}download-{fmt}",
                on_click="ignore",
            )


def render_downloads(talk: Conversation, model: ReadinessModel) -> None:
    """Markdown, JSON and PDF of the conversation; each file is made only when its button is clicked."""
    files = {
        "md": partial(markdown, model, talk),
        "json": partial(record_json, model, talk),
        "pdf": partial(pdf_bytes, model, talk),
    }
    download_row(f"coach-{talk.id[:8]}", files, talk.lang)


def render_sharing(talk: Conversation, model: ReadinessModel) -> None:
    """Downloads, sharing with the team and the read-only links of the open conversation (links: its owner's)."""
    lang, viewer, keeper = talk.lang, state.viewer(), state.keeper()
    st.subheader(ui_text.t(lang, "share_export"), divider="gray")
    render_downloads(talk, model)
    if not keeper.writable:
        return
    if viewer.signed_in and keeper.revision:
        render_team_toggle(talk)
    mode = Settings().share_links
    if not may_create_links(viewer, mode):
        st.caption(ui_text.t(lang, "links_off" if mode == "off" else "links_team_only"))
        return
    st.selectbox(
        ui_text.t(lang, "link_valid"),
        LINK_DAYS,
        format_func=lambda days: ui_text.t(lang, "link_days", days=days) if days else ui_text.t(lang, "link_forever"),
        key="link_days",
    )
    st.button(ui_text.t(lang, "share"), key="share", icon=":material/link:", on_click=create_link)
    try:
        links = [link for link in resources.shared_store().shares_of(talk.id, viewer=viewer) if link.active()]
    except StoreUnavailable as error:
        st.caption(ui_text.t(lang, "store_down_short", reason=inert(str(error))))
        return
    fresh = {token_hash(token): token for token in st.session_state.get("links", [])}
    if links:
        st.markdown(f"**{ui_text.t(lang, 'links')}**")
    if any(link.id not in fresh for link in links):  # the store keeps only a hash of each link
        st.caption(ui_text.t(lang, "link_shown_once"))
    for link in links:
        when = ui_text.t(lang, "link_created", when=readable_time(link.created_at))
        if link.expires_at:
            when += " · " + ui_text.t(lang, "link_expires", when=readable_time(link.expires_at))
        if link.id in fresh:
            st.caption(ui_text.t(lang, "share_hint_team" if mode == "team" else "share_hint"))
            st.code(share_url(fresh[link.id]), language=None, wrap_lines=True)
        with st.container(horizontal=True, vertical_alignment="center", key=f"link-{link.id[:16]}"):
            st.caption(when)
            st.button(ui_text.t(lang, "revoke"), key=f"revoke-{link.id[:16]}", on_click=revoke_link, args=(link.id,))


def render_team_toggle(talk: Conversation) -> None:
    """ "Share with my team": every signed-in member can then open it read-only."""
    try:
        info = resources.shared_store().info(talk.id, viewer=state.viewer())
    except StoreUnavailable:
        return
    if info is None:
        return
    st.session_state.team_share = info.team_shared
    st.toggle(ui_text.t(talk.lang, "share_team"), key="team_share", on_change=state.share_with_team)


def render_read_only_note(talk: Conversation) -> None:
    """Above a colleague's conversation, shared with the team: whose it is, and that it is read-only."""
    try:
        info = resources.shared_store().info(talk.id, viewer=state.viewer())
    except StoreUnavailable:
        info = None
    owner = (info.owner_name or info.owner_email) if info else None
    st.info(ui_text.t(talk.lang, "read_only", name=inert(owner or "?")), icon=":material/visibility:")


def share_url(token: str) -> str:
    """The link to a snapshot: this app's own address with `?share=TOKEN`."""
    return f"{app_url()}/?share={token}"


def app_url() -> str:
    """This app's own address, without a query."""
    base = (st.context.url or "").split("?", 1)[0] or Settings().public_url
    return base.rstrip("/")


def render_shared(token: str, viewer: Viewer) -> None:
    """The read-only view of a share link: summary and transcript, downloads, no chat, no coach.

    Under `COACH_SHARE_LINKS=off` no link opens, under `team` only for the signed-in team: the same page as
    a revoked or unknown link then.
    """
    lang = ui_text.browser_lang(st.context.locale)
    try:
        allowed = may_open_links(viewer, Settings().share_links)
        snapshot = resources.shared_store().open_share(token) if allowed else None
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
    st.link_button(ui_text.t(lang, "open_app"), app_url(), icon=":material/explore:")
    st.subheader(ui_text.t(lang, "shared_summary"), divider="gray")
    if talk.summary:
        view = panel.stage_panel(model, talk, lang)
        st.altair_chart(
            panel.dimension_chart(view.rows, lang), width="stretch", alt=panel.chart_description(view.rows, lang)
        )
        st.markdown(inert(render_summary(model, talk.summary)))
    else:
        st.caption(ui_text.t(lang, "shared_no_summary"))
    if line := check_summary(talk):
        st.markdown(inert(line))
    st.subheader(ui_text.t(lang, "shared_transcript"), divider="gray")
    last_summary = max((number for number, turn in enumerate(talk.turns) if turn.kind == "summary"), default=None)
    corrections = talk.corrections()
    for number, turn in enumerate(talk.turns):
        if number == last_summary and talk.summary:
            st.caption(ui_text.t(lang, "summary_above"))  # shown once, at the top
            continue
        chat.render_turn(turn, lang, [], str(number), corrections.get(number))
    with st.sidebar:
        st.subheader(ui_text.t(lang, "share_export"), divider="gray")
        render_downloads(talk, model)
