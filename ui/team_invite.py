"""The page an invitation link (`?team=TOKEN`) opens: who will see the answers, then name, role and language,
then the ordinary guided diagnostic in a fresh conversation of the colleague's own, joined to the round.

The token is checked on every run, so a round closed or a link revoked meanwhile ends the page with a clear
message; the colleague's conversation is theirs, and nothing on this page reads anyone else's.
"""

import logging
from dataclasses import dataclass

import streamlit as st

from coach.config import Settings
from coach.diagnostic.team_render import who
from coach.lang.detect import Lang
from coach.records.rounds import RoundInfo, TeamRoundError, TeamRounds
from coach.records.store import StoreUnavailable
from coach.safety import inert
from ui import chat, resources, state
from ui import text as ui_text

log = logging.getLogger("coach.app")


@dataclass(frozen=True)
class Joining:
    """This session's answer to an invitation: the token it came with and the name and role chosen."""

    token: str
    name: str
    role: str | None
    conversation_id: str | None = None
    """The conversation joined to the round (None until the first save)."""
    purpose: str | None = None
    """The one-sentence answer to "what is our social media strategy for?", once given."""


def _rounds() -> TeamRounds:
    return TeamRounds(resources.shared_store())


def page_lang() -> Lang:
    """The language the colleague chose (the browser's until then)."""
    chosen = st.session_state.get("invite_lang")
    return chosen if chosen in ui_text.LANGS else ui_text.browser_lang(st.context.locale)


def joining(token: str) -> Joining | None:
    current = st.session_state.get("team_joining")
    return current if isinstance(current, Joining) and current.token == token else None


def render_invitation(token: str) -> None:
    """The whole page for `?team=TOKEN`."""
    current = joining(token)
    lang = state.conversation().lang if current else page_lang()
    info = _open(token, lang)
    if info is None:
        return
    if current is None:
        render_join_form(info, token, lang)
    else:
        render_answering(info, current)


def _open(token: str, lang: Lang) -> RoundInfo | None:
    """The round behind the token, or None after a clear message (closed, revoked, forged, truncated)."""
    try:
        return _rounds().open_invitation(token, viewer=state.viewer(), links=Settings().share_links)
    except TeamRoundError as error:
        log.info("An invitation was refused: %s", error.key)
        refuse(error.text(lang), lang)
    except StoreUnavailable as error:
        refuse(ui_text.team(lang, "store_down", reason=str(error)), lang)
    return None


def refuse(reason: str, lang: Lang) -> None:
    st.title(ui_text.team(lang, "refused_title"), anchor=False)
    st.error(inert(reason), icon=":material/block:")


def render_privacy(info: RoundInfo, lang: Lang) -> None:
    """Before anything is asked: who will see the answers, and whether the report shows names or roles."""
    owner = inert(info.owner_email) if info.owner_email else ui_text.team(lang, "owner_unknown")
    st.subheader(ui_text.team(lang, "who_sees"), anchor=False)
    st.info(
        ui_text.team(lang, "who_sees_names" if info.show_names else "who_sees_roles", owner=owner),
        icon=":material/visibility:",
    )


def render_join_form(info: RoundInfo, token: str, lang: Lang) -> None:
    st.segmented_control(
        ui_text.team(lang, "your_lang"),
        ui_text.LANGS,
        format_func=ui_text.LANG_NAMES.get,
        key="invite_lang",
        default=lang,
        required=True,
    )
    st.title(ui_text.team(lang, "invite_title", name=inert(info.name)), anchor=False)
    st.write(ui_text.team(lang, "invite_intro"))
    render_privacy(info, lang)
    with st.form("team-join"):
        name = st.text_input(ui_text.team(lang, "your_name"), key="invite_name")
        if info.roles:
            role = st.selectbox(
                ui_text.team(lang, "your_role"),
                info.roles,
                index=None,
                placeholder=ui_text.team(lang, "role_placeholder"),
                key="invite_role",
            )
        else:
            role = st.text_input(ui_text.team(lang, "any_role"), key="invite_role")
        begun = st.form_submit_button(ui_text.team(lang, "begin"), type="primary", icon=":material/assignment:")
    if begun:
        begin(token, name, role, lang)


def begin(token: str, name: str, role: str | None, lang: Lang) -> None:
    """Check name, role and link before the first question; then a fresh conversation starts the diagnostic."""
    try:
        _rounds().check_join(token, name, role, viewer=state.viewer(), links=Settings().share_links)
    except TeamRoundError as error:
        st.error(inert(error.text(lang)), icon=":material/error:")
        return
    except StoreUnavailable as error:
        st.error(ui_text.team(lang, "store_down", reason=inert(str(error))))
        return
    st.session_state.team_joining = Joining(token, name, role or None)
    if not _reopened():
        state.fresh_conversation(lang)
        state.queue(ui_text.t(lang, "start"))
    st.rerun()


def _reopened() -> bool:
    """After a reload, the colleague's own diagnostic named in the URL (`c`, written on every save) is continued
    rather than started again: opened by the same rules as anywhere in the app, and only one they may change."""
    if "c" not in st.query_params:
        return False
    opened = state.keeper()  # the conversation in the URL when this viewer may read it, else a new one
    return opened.writable and opened.revision > 0 and opened.conversation.dialogue is not None


def render_answering(info: RoundInfo, current: Joining) -> None:
    """The colleague's own diagnostic, through the app's chat; joined to the round once it is stored."""
    shared = chat.start_coach(state.conversation().lang)
    if shared is None:
        st.stop()
    talk = state.conversation()
    state.render_notice()
    message = st.chat_input(ui_text.t(talk.lang, "placeholder")) or st.session_state.pop("queued", None)
    st.title(ui_text.team(talk.lang, "invite_title", name=inert(info.name)), anchor=False)
    st.caption(inert(ui_text.team(talk.lang, "answering_as", who=who(current.name, current.role))))
    chat.render_history(talk, offer_replies=message is None)
    chat.converse(shared, talk, message, writable=True)
    current = join(current, talk.lang)
    if talk.summary is not None and current is not None:
        render_purpose(current, talk.lang)


def join(current: Joining, lang: Lang) -> Joining | None:
    """Join this session's stored conversation to the round (again after it was saved under a new id)."""
    keeper = state.keeper()
    if not keeper.revision or current.conversation_id == keeper.conversation.id:
        return current
    try:
        _rounds().join(
            current.token,
            keeper.conversation.id,
            current.name,
            current.role,
            viewer=state.viewer(),
            links=Settings().share_links,
        )
    except TeamRoundError as error:
        st.error(ui_text.team(lang, "join_failed", reason=inert(error.text(lang))), icon=":material/error:")
        return None
    except StoreUnavailable as error:
        st.warning(ui_text.team(lang, "join_failed", reason=inert(str(error))), icon=":material/cloud_off:")
        return None
    joined = Joining(current.token, current.name, current.role, keeper.conversation.id, current.purpose)
    st.session_state.team_joining = joined
    st.toast(ui_text.team(lang, "joined"), icon=":material/how_to_reg:")
    return joined


def render_purpose(current: Joining, lang: Lang) -> None:
    """After the summary, once: "In one sentence: what is our social media strategy for?"."""
    if current.purpose is not None:
        st.success(inert(ui_text.team(lang, "purpose_saved", sentence=current.purpose)), icon=":material/check:")
        st.caption(ui_text.team(lang, "done"))
        return
    with st.form("team-purpose"):
        sentence = st.text_input(
            ui_text.team(lang, "purpose_question"), key="invite_purpose", help=ui_text.team(lang, "purpose_help")
        )
        saved = st.form_submit_button(ui_text.team(lang, "purpose_save"), type="primary")
    if saved:
        record_purpose(current, sentence, lang)


def record_purpose(current: Joining, sentence: str, lang: Lang) -> None:
    try:
        _rounds().record_purpose(
            current.token, current.conversation_id, sentence, viewer=state.viewer(), links=Settings().share_links
        )
    except TeamRoundError as error:
        st.error(inert(error.text(lang)), icon=":material/error:")
        return
    except StoreUnavailable as error:
        st.warning(ui_text.team(lang, "store_down", reason=inert(str(error))), icon=":material/cloud_off:")
        return
    st.session_state.team_joining = Joining(
        current.token, current.name, current.role, current.conversation_id, " ".join(sentence.split())
    )
    st.rerun()
