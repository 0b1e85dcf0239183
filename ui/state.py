"""This session's viewer and conversation, and the callbacks that change them (open, new, delete, language).

Every store call names the viewer (`ui/identity.py` decides it at the start of each run); the store checks
it, so a crafted callback with someone else's conversation id changes nothing.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from coach.lang.detect import Lang
from coach.records.access import Viewer
from coach.records.conversation import Conversation
from coach.records.store import Store, StoreUnavailable
from coach.safety import inert
from coach.session.keeper import Keeper
from ui import identity, resources
from ui import text as ui_text

log = logging.getLogger("coach.app")
T = TypeVar("T")


def set_viewer(current: Viewer) -> None:
    """Who this run is for; set by the app before anything reads or changes a conversation."""
    st.session_state.viewer = current


def viewer() -> Viewer:
    return st.session_state.viewer


def _keeper(conversation: Conversation) -> Keeper:
    """A new conversation of this session's viewer (an anonymous session holds its id from now on)."""
    return Keeper(resources.shared_store(), conversation, _holding(conversation.id))


def _holding(conversation_id: str) -> Viewer:
    """The viewer; an anonymous one also holding `conversation_id`, which it created or was given."""
    current = viewer()
    if current.role != "anonymous":
        return current
    identity.hold(conversation_id)
    st.session_state.viewer = current.holding(conversation_id)  # the sidebar of this run lists it too
    return st.session_state.viewer


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
    return _keeper(Conversation(lang=lang))


def _stored(conversation_id: str, lang: Lang) -> Keeper | None:
    """The stored conversation with that id, or None with a notice (not stored, not the viewer's, or the store
    unavailable: someone else's conversation gets the same notice as an unknown id)."""
    current = _holding(conversation_id) if viewer().role == "anonymous" else viewer()
    ok, opened = with_store(lambda store: Keeper.open(store, conversation_id, current), lang)
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
    if result.saved:
        _holding(current.conversation.id)  # a copy saved after a conflict is this session's too
    if result.saved and st.query_params.get("c") != current.conversation.id:
        st.query_params["c"] = current.conversation.id


def queue(message: str) -> None:
    """A button stands for a typed message: it is answered in the next run, like one."""
    st.session_state.queued = message


def new_conversation() -> None:
    fresh_conversation(conversation().lang)


def fresh_conversation(lang: Lang) -> None:
    """A new, empty conversation in `lang` becomes this session's (a team round's respondent starts one)."""
    _switch_to(_keeper(Conversation(lang=lang)))


def hold_round(round_id: str) -> None:
    """An anonymous session owns the team rounds it started, as it owns its conversations (for this session)."""
    _holding(round_id)


def _switch_to(opened: Keeper) -> None:
    """Make `opened` this session's conversation, in the URL once it is stored."""
    st.session_state.keeper = opened
    st.session_state.pop("queued", None)
    st.session_state.pop("links", None)
    if opened.revision:
        st.query_params["c"] = opened.conversation.id
    else:
        st.query_params.pop("c", None)


def with_store(action: Callable[[Store], T], lang: Lang) -> tuple[bool, T | None]:
    """(True, what `action` returned), or (False, None) with a notice when the store is unavailable."""
    try:
        return True, action(resources.shared_store())
    except StoreUnavailable as error:
        st.session_state.notice = ("warning", ui_text.t(lang, "store_down_short", reason=str(error)))
        return False, None


def open_conversation(conversation_id: str) -> None:
    opened = _stored(conversation_id, conversation().lang)
    if opened is not None:
        _switch_to(opened)


def delete_conversation(conversation_id: str) -> None:
    lang = conversation().lang
    ok, deleted = with_store(lambda store: store.delete(conversation_id, viewer=viewer()), lang)
    if ok and not deleted:
        st.session_state.notice = ("warning", ui_text.t(lang, "not_deleted"))
    elif ok:
        if conversation_id == conversation().id:
            new_conversation()
        st.session_state.notice = ("success", ui_text.t(lang, "deleted"))


def share_with_team() -> None:
    """The "Share with my team" toggle: the store refuses it for anyone but the owner or an admin."""
    talk, shared = conversation(), bool(st.session_state.get("team_share"))
    ok, done = with_store(lambda store: store.share_with_team(talk.id, shared, viewer=viewer()), talk.lang)
    if ok and done:
        st.session_state.notice = ("success", ui_text.t(talk.lang, "team_shared" if shared else "team_unshared"))


def switch_language() -> None:
    conversation().lang = st.session_state.ui_lang


def render_notice() -> None:
    """A message left by a callback (deleted, revoked, the store down), shown once."""
    if "notice" in st.session_state:
        kind, text = st.session_state.pop("notice")
        getattr(st, kind)(inert(text))
