"""This session's conversation and the callbacks that change it (open, new, delete, switch language)."""

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from coach.lang.detect import Lang
from coach.records.conversation import Conversation
from coach.records.store import Store, StoreUnavailable
from coach.safety import inert
from coach.session.keeper import Keeper
from ui import resources
from ui import text as ui_text

log = logging.getLogger("coach.app")
T = TypeVar("T")


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
    return Keeper(resources.shared_store(), Conversation(lang=lang))


def _stored(conversation_id: str, lang: Lang) -> Keeper | None:
    """The stored conversation with that id, or None with a notice (not stored, or the store unavailable)."""
    ok, opened = with_store(lambda store: Keeper.open(store, conversation_id), lang)
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
    _switch_to(Keeper(resources.shared_store(), Conversation(lang=conversation().lang)))


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
    ok, _ = with_store(lambda store: store.delete(conversation_id), lang)
    if ok:
        if conversation_id == conversation().id:
            new_conversation()
        st.session_state.notice = ("success", ui_text.t(lang, "deleted"))


def switch_language() -> None:
    conversation().lang = st.session_state.ui_lang


def render_notice() -> None:
    """A message left by a callback (deleted, revoked, the store down), shown once."""
    if "notice" in st.session_state:
        kind, text = st.session_state.pop("notice")
        getattr(st, kind)(inert(text))
