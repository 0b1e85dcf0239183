"""Keeping one session's conversation saved, whatever the store does.

The conversation lives in memory first; `Keeper.save` writes it after every turn. When the store is
unavailable (locked, read-only, down) the conversation goes on in memory and the next save writes
everything that is missing. When another tab saved the same conversation in the meantime, this
session's copy is saved as a new conversation instead of overwriting the other one; so is a conversation
the viewer may read but not change (someone else's, shared with the team).
"""

import logging
import re
import uuid
from dataclasses import dataclass

from coach.records.access import Viewer
from coach.records.conversation import Conversation
from coach.records.store import Conflict, NotAllowed, Store, StoreUnavailable

log = logging.getLogger(__name__)
_CONVERSATION_ID = re.compile(r"[0-9a-f]{32}")


def is_conversation_id(text: str) -> bool:
    """Whether `text` has the shape of a conversation id (from a URL: anything else is not looked up)."""
    return isinstance(text, str) and _CONVERSATION_ID.fullmatch(text) is not None


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    error: str | None = None
    """Why the store could not be written (the conversation is kept in memory)."""
    forked_from: str | None = None
    """The id this conversation had before it was saved as a new one after a conflict."""


class Keeper:
    """One session's conversation, the store revision it was last saved at, and who is writing it."""

    def __init__(self, store: Store, conversation: Conversation, viewer: Viewer, revision: int = 0):
        self.store = store
        self.conversation = conversation
        self.viewer = viewer
        self.revision = revision
        self.writable = True
        """The viewer may change this conversation (False: someone else's, shared with the team)."""
        self.pending = False
        """Turns are waiting to be saved (the last save failed)."""

    @classmethod
    def open(cls, store: Store, conversation_id: str, viewer: Viewer) -> "Keeper | None":
        """The stored conversation with that id the viewer may read, or None; `StoreUnavailable` when unreadable."""
        if not is_conversation_id(conversation_id):
            return None  # from a URL or a click: what cannot be an id is never looked up
        loaded = store.load(conversation_id, viewer=viewer)
        if loaded is None:
            return None
        conversation, revision = loaded
        opened = cls(store, conversation, viewer, revision)
        opened.writable = store.may_change(conversation_id, viewer=viewer)
        return opened

    def save(self) -> SaveResult:
        if not self.conversation.turns:
            return SaveResult(saved=False)
        forked_from = None
        try:
            try:
                self.revision = self.store.save(self.conversation, self.revision, viewer=self.viewer)
            except (Conflict, NotAllowed):
                forked_from = self.conversation.id
                self.conversation.id = uuid.uuid4().hex
                self.viewer = self.viewer.holding(self.conversation.id)  # an anonymous session owns its copy
                self.writable = True
                log.info("Conversation %s changed elsewhere; this copy is %s", forked_from, self.conversation.id)
                self.revision = self.store.save(self.conversation, 0, viewer=self.viewer)
        except StoreUnavailable as error:
            log.warning("Conversation %s is kept in memory: %s", self.conversation.id, error)
            self.pending = True
            return SaveResult(saved=False, error=str(error), forked_from=forked_from)
        if self.pending:
            log.info("The store is back: conversation %s is saved", self.conversation.id)
        self.pending = False
        return SaveResult(saved=True, forked_from=forked_from)
