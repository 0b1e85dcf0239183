"""Team rounds in the store: a named round, one invitation link, the colleagues' answers, closing.

A round belongs to whoever started it (a signed-in user, or unowned: the machine's owner and admins, or the
anonymous session holding its id), checked by the same rules as a conversation (`coach.records.access`).
Its invitation link is a capability like a share link: a 256-bit token of which only the hash is stored,
revocable, and opened only where `COACH_SHARE_LINKS` lets the viewer open links. A colleague who opens it
runs the ordinary diagnostic in a conversation of their own and joins it to the round with a name and role;
the owner sees who has joined, never what they said, until the round closes. Closing keeps a snapshot of each
joined conversation's diagnostic: the team report reads those, so later changes leave it as it was. A round
with a closing date closes itself then: every call first closes the rounds whose date has passed, so nobody
joins, and no report reads, a round that should be closed. Each respondent may also give, once and
replaceably until closing, the recall check's one sentence: what the social media strategy is for.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coach.diagnostic.team import Respondent
from coach.errors import BadInput
from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.records.access import Owner, ShareLinks, Viewer, may_change, may_create_links, may_open_links, owns
from coach.records.conversation import now
from coach.records.schema import conversations, team_responses, team_rounds
from coach.records.share_tokens import matches, new_token, token_hash, well_formed
from coach.records.store import Store, _owner_row
from coach.records.transcript import conversation_from_data
from coach.text import strip_controls

log = logging.getLogger(__name__)

TEXT = section("team")
MAX_NAME = 80
"""Characters of a respondent's (or a round's) name, and of a role."""
MAX_ROUND_NAME = 200
MAX_PURPOSE = 500
"""Characters of the recall check's one sentence."""


class TeamRoundError(BadInput):
    """A request about a team round that cannot be granted; `key` names its text in copy.yaml `team`."""

    def __init__(self, key: str, **values: str):
        self.key, self.values = key, values
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return TEXT[lang][self.key].format(**self.values)


@dataclass(frozen=True)
class RoundInfo:
    id: str
    name: str
    roles: list[str]
    created_at: str
    closed_at: str | None
    invitation_active: bool
    responses: int
    owner_email: str | None = None
    closes_at: str | None = None
    show_names: bool = True

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class ResponseInfo:
    """Who joined a round: what the owner sees while it is open (never what they said)."""

    conversation_id: str
    name: str
    role: str | None
    joined_at: str


def closing_time(value: str, *, after: str | None = None) -> str:
    """A closing date as stored: an ISO date (the end of that day, UTC) or date and time (UTC unless it says
    otherwise), later than `after` (default: now). `TeamRoundError` (bad_closing) for anything else."""
    text = (value or "").strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TeamRoundError("bad_closing", value=text[:40]) from None
    if len(text) == 10:  # a date alone: open until that day ends
        moment = datetime.combine(moment.date(), time(23, 59, 59))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    stamp = moment.isoformat(timespec="seconds")
    if stamp <= (after or now()):
        raise TeamRoundError("bad_closing", value=text[:40])
    return stamp


def clean_label(text: str | None, limit: int = MAX_NAME, key: str = "bad_name") -> str:
    """A name, role or sentence as shown: control and invisible characters removed, whitespace collapsed, at
    most `limit`. `TeamRoundError` (`key`) when nothing visible is left or it is longer than the limit.
    """
    cleaned = " ".join(strip_controls(text or "").split())
    if not cleaned or len(cleaned) > limit:
        raise TeamRoundError(key, limit=str(limit))
    return cleaned


class TeamRounds:
    """The team rounds of one store; every method checks the viewer, as the store does for conversations."""

    def __init__(self, store: Store):
        self.store = store

    # -- the owner ---------------------------------------------------------------------------------

    def create(
        self,
        name: str,
        roles: list[str] | None = None,
        *,
        viewer: Viewer,
        links: ShareLinks,
        closes_at: str | None = None,
        show_names: bool = True,
    ) -> tuple[RoundInfo, str]:
        """A new round owned by the viewer and its invitation token (shown once; only its hash is kept).

        `closes_at`: when it closes itself (see `closing_time`); `show_names=False`: its report shows roles only.
        """
        _check_links(viewer, links, create=True)
        name = clean_label(name, MAX_ROUND_NAME)
        expected = list(dict.fromkeys(clean_label(role) for role in roles or []))
        closes_at = closing_time(closes_at) if closes_at else None
        round_id, token = uuid.uuid4().hex, new_token()
        owner = (
            {"owner_subject": viewer.subject, "owner_email": viewer.email, "owner_name": viewer.name}
            if viewer.signed_in
            else {}
        )
        with self.store._transaction() as connection:
            connection.execute(
                team_rounds.insert().values(
                    id=round_id,
                    name=name,
                    roles=json.dumps(expected, ensure_ascii=False),
                    created_at=now(),
                    invite_hash=token_hash(token),
                    closes_at=closes_at,
                    show_names=show_names,
                    **owner,
                )
            )
            # Read back without the owner check: an anonymous creator cannot hold the new round's id before this
            # returns it (the app then holds it), so `_managed_row` would refuse them their own new round.
            info = _info(connection.execute(_info_query().where(team_rounds.c.id == round_id)).one())
        log.info("Team round %s created", round_id)
        return info, token

    def visible(self, *, viewer: Viewer) -> list[RoundInfo]:
        """The viewer's rounds (an admin's: all), newest first."""
        self._close_due()
        with self.store._connection() as connection:
            rows = connection.execute(_info_query().order_by(team_rounds.c.created_at.desc(), team_rounds.c.id))
            return [_info(row) for row in rows if _manages(viewer, row)]

    def info(self, round_id: str, *, viewer: Viewer) -> RoundInfo:
        """The round, for its owner or an admin; `TeamRoundError` (unknown_round) for anyone else alike."""
        self._close_due()
        with self.store._connection() as connection:
            return _info(_managed_row(connection, round_id, viewer))

    def responses(self, round_id: str, *, viewer: Viewer) -> list[ResponseInfo]:
        """Who has joined (name, role, when), in the order they joined: not what they answered."""
        self._close_due()
        with self.store._connection() as connection:
            _managed_row(connection, round_id, viewer)
            return _responses(connection, round_id)

    def close(self, round_id: str, *, viewer: Viewer) -> RoundInfo:
        """Close the round (once): no more answers; each joined diagnostic is kept as it is now for the report."""
        self._close_due()
        with self.store._transaction() as connection:
            row = _managed_row(connection, round_id, viewer, lock=True)
            if row.closed_at is None:
                _close(connection, round_id, now())
            return _info(_managed_row(connection, round_id, viewer))

    def revoke_invitation(self, round_id: str, *, viewer: Viewer) -> bool:
        """Revoke the round's invitation link; whether an active one was revoked."""
        self._close_due()
        with self.store._transaction() as connection:
            _managed_row(connection, round_id, viewer, lock=True)
            result = connection.execute(
                team_rounds.update()
                .where(team_rounds.c.id == round_id, team_rounds.c.invite_revoked_at.is_(None))
                .values(invite_revoked_at=now())
            )
        return result.rowcount > 0

    def remove_response(self, round_id: str, conversation_id: str, *, viewer: Viewer) -> bool:
        """The owner removes one colleague's answers from the round (their conversation stays theirs)."""
        self._close_due()
        with self.store._transaction() as connection:
            _managed_row(connection, round_id, viewer, lock=True)
            result = connection.execute(team_responses.delete().where(_response_key(round_id, conversation_id)))
        return result.rowcount > 0

    def respondents(self, round_id: str, *, viewer: Viewer) -> tuple[RoundInfo, list[Respondent]]:
        """The closed round's answers as they were at closing, for the team report; `TeamRoundError` while open."""
        self._close_due()
        with self.store._connection() as connection:
            row = _managed_row(connection, round_id, viewer)
            if row.closed_at is None:
                raise TeamRoundError("still_open", id=round_id)
            rows = connection.execute(
                sa.select(team_responses.c.conversation_id, team_responses.c.name, team_responses.c.role)
                .add_columns(team_responses.c.snapshot, team_responses.c.purpose)
                .where(team_responses.c.round_id == round_id)
                .order_by(team_responses.c.joined_at, team_responses.c.name)
            ).all()
        return _info(row), [_respondent(response) for response in rows]

    # -- a colleague with the invitation link ------------------------------------------------------

    def open_invitation(self, token: str, *, viewer: Viewer, links: ShareLinks) -> RoundInfo:
        """The round behind an invitation link; `TeamRoundError` for links not allowed here, an invalid,
        revoked or unknown token alike (invite_invalid), and a closed round (closed_round)."""
        self._close_due()
        with self.store._connection() as connection:
            return _info(_invited_row(connection, token, viewer, links))

    def check_join(self, token: str, name: str, role: str | None, *, viewer: Viewer, links: ShareLinks) -> RoundInfo:
        """Everything `join` checks before there is a conversation (the invitation, the name, the role), so a
        colleague hears of a problem before answering the questions, not after."""
        clean_label(name)
        self._close_due()
        with self.store._connection() as connection:
            row = _invited_row(connection, token, viewer, links)
            _role_in(row, role)
            return _info(row)

    def join(
        self, token: str, conversation_id: str, name: str, role: str | None, *, viewer: Viewer, links: ShareLinks
    ) -> RoundInfo:
        """Add the viewer's own conversation to the round behind `token` under the name and role they chose
        (again: a new name or role). Only a conversation the viewer may change joins: nobody joins, or
        reads through the round, someone else's."""
        name = clean_label(name)
        self._close_due()
        with self.store._transaction() as connection:
            row = _invited_row(connection, token, viewer, links, lock=True)
            role = _role_in(row, role)
            _check_own(connection, conversation_id, viewer)
            key = _response_key(row.id, conversation_id)
            if connection.execute(sa.select(team_responses.c.round_id).where(key)).first() is None:
                connection.execute(
                    team_responses.insert().values(
                        round_id=row.id, conversation_id=conversation_id, name=name, role=role, joined_at=now()
                    )
                )
            else:
                connection.execute(team_responses.update().where(key).values(name=name, role=role))
            return _info(_invited_row(connection, token, viewer, links))

    def record_purpose(
        self, token: str, conversation_id: str, sentence: str, *, viewer: Viewer, links: ShareLinks
    ) -> None:
        """Keep the respondent's one sentence on what the strategy is for (the recall check) with their answers
        in the round; a later sentence replaces it until the round closes. Refused as `join` refuses, and
        (invite_invalid) for a conversation that has not joined this round."""
        sentence = clean_label(sentence, MAX_PURPOSE, key="bad_purpose")
        self._close_due()
        with self.store._transaction() as connection:
            row = _invited_row(connection, token, viewer, links, lock=True)
            _check_own(connection, conversation_id, viewer)
            result = connection.execute(
                team_responses.update().where(_response_key(row.id, conversation_id)).values(purpose=sentence)
            )
            if result.rowcount == 0:
                raise TeamRoundError("invite_invalid")

    def _close_due(self) -> None:
        """Close every open round whose closing date has passed, stamped with that date."""
        stamp = now()
        due = (
            team_rounds.c.closed_at.is_(None),
            team_rounds.c.closes_at.is_not(None),
            team_rounds.c.closes_at <= stamp,
        )
        with self.store._connection() as connection:
            if connection.execute(sa.select(team_rounds.c.id).where(*due).limit(1)).first() is None:
                return
        with self.store._transaction() as connection:
            _lock(connection, sa.and_(*due))
            for row in connection.execute(sa.select(team_rounds.c.id, team_rounds.c.closes_at).where(*due)).all():
                _close(connection, row.id, row.closes_at)
                log.info("Team round %s closed itself at its closing date", row.id)


def _close(connection: Connection, round_id: str, stamp: str) -> None:
    """Close the round at `stamp`, keeping each joined conversation's state as the report's snapshot."""
    for response in _responses(connection, round_id):
        state = connection.execute(
            sa.select(conversations.c.state).where(conversations.c.id == response.conversation_id)
        ).scalar_one()
        connection.execute(
            team_responses.update().where(_response_key(round_id, response.conversation_id)).values(snapshot=state)
        )
    connection.execute(team_rounds.update().where(team_rounds.c.id == round_id).values(closed_at=stamp))


def _check_own(connection: Connection, conversation_id: str, viewer: Viewer) -> None:
    """Only a conversation the viewer may change takes part: nobody joins, or reads through a round, another's."""
    stored = _owner_row(connection, conversation_id)
    if stored is None or not may_change(viewer, stored.owner, conversation_id):
        raise TeamRoundError("invite_invalid")


def _role_in(row, role: str | None) -> str | None:
    """The role as the round spells it (any role when it expects none); None when none was given."""
    if not role or not role.strip():
        return None
    role = clean_label(role)
    expected = json.loads(row.roles)
    if not expected:
        return role
    canonical = {known.casefold(): known for known in expected}
    if role.casefold() not in canonical:
        raise TeamRoundError("bad_role", role=role, roles=", ".join(expected))
    return canonical[role.casefold()]


def _check_links(viewer: Viewer, links: ShareLinks, create: bool = False) -> None:
    allowed = may_create_links(viewer, links) if create else may_open_links(viewer, links)
    if not allowed:
        raise TeamRoundError("links_off" if links == "off" else "links_team_only")


def _info_query():
    count = (
        sa.select(sa.func.count())
        .select_from(team_responses)
        .where(team_responses.c.round_id == team_rounds.c.id)
        .scalar_subquery()
    )
    return sa.select(team_rounds, count.label("responses"))


def _info(row) -> RoundInfo:
    return RoundInfo(
        row.id,
        row.name,
        json.loads(row.roles),
        row.created_at,
        row.closed_at,
        row.invite_hash is not None and row.invite_revoked_at is None,
        row.responses,
        row.owner_email,
        row.closes_at,
        bool(row.show_names),
    )


def _manages(viewer: Viewer, row) -> bool:
    return viewer.admin or owns(viewer, Owner(row.owner_subject, row.owner_email), row.id)


def _managed_row(connection: Connection, round_id: str, viewer: Viewer, lock: bool = False):
    query = _info_query().where(team_rounds.c.id == round_id)
    if lock:
        _lock(connection, team_rounds.c.id == round_id)
    row = connection.execute(query).one_or_none()
    if row is None or not _manages(viewer, row):
        raise TeamRoundError("unknown_round", id=round_id)
    return row


def _invited_row(connection: Connection, token: str, viewer: Viewer, links: ShareLinks, lock: bool = False):
    _check_links(viewer, links)
    if not well_formed(token):
        raise TeamRoundError("invite_invalid")
    where = team_rounds.c.invite_hash == token_hash(token)
    if lock:
        _lock(connection, where)
    row = connection.execute(_info_query().where(where)).one_or_none()
    # Looked up by hash, then compared in constant time, as share links are.
    if row is None or not matches(token, row.invite_hash) or row.invite_revoked_at is not None:
        raise TeamRoundError("invite_invalid")
    if row.closed_at is not None:
        raise TeamRoundError("closed_round")
    return row


def _lock(connection: Connection, where) -> None:
    """Lock the round's row until the transaction ends (PostgreSQL; SQLite's writers queue up anyway)."""
    connection.execute(sa.select(team_rounds.c.id).where(where).with_for_update()).all()


def _responses(connection: Connection, round_id: str) -> list[ResponseInfo]:
    rows = connection.execute(
        sa.select(team_responses.c.conversation_id, team_responses.c.name, team_responses.c.role)
        .add_columns(team_responses.c.joined_at)
        .where(team_responses.c.round_id == round_id)
        .order_by(team_responses.c.joined_at, team_responses.c.name)
    )
    return [ResponseInfo(*row) for row in rows]


def _response_key(round_id: str, conversation_id: str):
    return sa.and_(team_responses.c.round_id == round_id, team_responses.c.conversation_id == conversation_id)


def _respondent(row) -> Respondent:
    state = json.loads(row.snapshot) if row.snapshot else {}
    conversation = conversation_from_data({**state, "id": row.conversation_id, "turns": []}) if state else None
    return Respondent(row.name, row.role, conversation.dialogue if conversation else None, row.purpose)
