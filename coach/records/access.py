"""Who may read and change a stored conversation: pure decisions, checked by the store on every call.

A viewer is the machine's owner (the command line, or the app on loopback without sign-in: everything),
an anonymous visitor (the app with `COACH_ALLOW_ANONYMOUS=1`: only conversations whose ids it holds, and
never one a signed-in user owns), or a signed-in member of the team (their own conversations, and those
shared with the team, read-only) or an admin (everything).
"""

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["owner", "anonymous", "member", "admin"]
ShareLinks = Literal["team", "public", "off"]


@dataclass(frozen=True)
class Viewer:
    """Who is asking; every read and change of the store is checked against it."""

    role: Role
    subject: str | None = None
    """A signed-in user's stable identity: the issuer and the subject of their ID token."""
    email: str | None = None
    """For display, the team's domains and `delete-user`; lower case."""
    name: str | None = None
    """For display only."""
    holds: frozenset[str] = field(default_factory=frozenset)
    """An anonymous session's conversations: those it created or was given the id of (a capability)."""

    @property
    def admin(self) -> bool:
        return self.role in ("owner", "admin")

    @property
    def signed_in(self) -> bool:
        return self.role in ("member", "admin") and self.subject is not None

    def holding(self, conversation_id: str) -> "Viewer":
        """The same viewer, also holding `conversation_id` (an anonymous session's new or opened one)."""
        return Viewer(self.role, self.subject, self.email, self.name, self.holds | {conversation_id})


MACHINE_OWNER = Viewer("owner", name="machine owner")
"""The command line and the app on loopback without sign-in: whoever owns the machine owns the store."""


def subject_of(issuer: str, subject: str) -> str:
    """The stored identity of a signed-in user: unique across providers, stable across email changes."""
    return f"{issuer.rstrip('/')}#{subject}"


@dataclass(frozen=True)
class Owner:
    """A stored conversation's owner and whether it is shared with the team."""

    subject: str | None
    email: str | None
    team_shared: bool = False

    @property
    def unowned(self) -> bool:
        return self.subject is None and self.email is None


def owns(viewer: Viewer, owner: Owner, conversation_id: str) -> bool:
    """Whether `viewer` is the conversation's owner (an anonymous session: it holds an unowned one's id)."""
    if viewer.role == "anonymous":
        return owner.unowned and conversation_id in viewer.holds
    if not viewer.signed_in:
        return False
    if owner.subject is not None:
        return owner.subject == viewer.subject
    # Owned by email only: a conversation given to an owner by the migration, before they signed in.
    return owner.email is not None and owner.email == viewer.email


def may_read(viewer: Viewer, owner: Owner, conversation_id: str) -> bool:
    return viewer.admin or owns(viewer, owner, conversation_id) or (owner.team_shared and viewer.signed_in)


def may_change(viewer: Viewer, owner: Owner, conversation_id: str) -> bool:
    """Write turns, delete, create or revoke links, share with the team: the owner or an admin."""
    return viewer.admin or owns(viewer, owner, conversation_id)


def may_open_links(viewer: Viewer, mode: ShareLinks) -> bool:
    """Whether `viewer` may open a read-only share link under `COACH_SHARE_LINKS`."""
    if mode == "off":
        return False
    return mode == "public" or viewer.signed_in or viewer.role == "owner"


def may_create_links(viewer: Viewer, mode: ShareLinks) -> bool:
    return may_open_links(viewer, mode)


def in_team(email: str | None, verified: bool, domains: list[str], members: list[str], admins: list[str]) -> bool:
    """Whether a signed-in user belongs here: an admin, on the allow-list, or at one of the team's domains.

    An address the provider says is unverified never counts: anyone could claim one at the team's domain.
    """
    if not email or not verified:
        return False
    address = email.strip().lower()
    if address in admins or address in members:
        return True
    return address.rpartition("@")[2] in domains
