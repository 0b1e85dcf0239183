"""Persisted conversations and share links (SQLAlchemy Core): SQLite by default, PostgreSQL by URL.

Every save writes one conversation in one transaction: its row (language, title, stage, the
diagnostic state and summary) and the turns not stored yet. A revision number guards against two
writers of the same conversation (two tabs): the second gets `Conflict` instead of overwriting.
The schema is created (or migrated, `coach/records/schema.py`) on first use; a newer schema than this
code knows is refused. Share links keep a snapshot of the conversation and only the hash of their token.
Who may read and change what is decided by `coach/records/access.py` and checked here, on every call.
"""

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coach.errors import CoachError
from coach.records import schema
from coach.records.access import Owner, Viewer, may_change, may_read
from coach.records.conversation import Conversation, now
from coach.records.schema import SCHEMA_VERSION, conversations, shares, team_responses, turns
from coach.records.share_tokens import matches, new_token, token_hash, well_formed
from coach.records.transcript import conversation_data, conversation_from_data, title_of

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 10.0
"""Seconds a SQLite writer waits for another one before the store counts as unavailable."""


class StoreUnavailable(CoachError):
    """The store cannot be read or written now (locked, read-only, unreachable, too new)."""


class Conflict(CoachError):
    """Someone else saved this conversation since it was loaded (another tab)."""


class NotAllowed(CoachError):
    """The viewer may read this conversation but not change it (it is someone else's, shared read-only)."""


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    lang: str
    stage: int | None
    updated_at: str
    owner_email: str | None = None
    owner_name: str | None = None
    team_shared: bool = False


@dataclass(frozen=True)
class UserInfo:
    """Someone who has conversations in the store (for `python -m coach users`)."""

    email: str | None
    name: str | None
    subject: str | None
    conversations: int
    last_update: str


@dataclass(frozen=True)
class ShareInfo:
    id: str
    """The token's hash: names the link without revealing it."""
    created_at: str
    expires_at: str | None
    revoked: bool

    def active(self, at: str | None = None) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > (at or now()))


_INFO_COLUMNS = (
    conversations.c.id,
    conversations.c.title,
    conversations.c.lang,
    conversations.c.stage,
    conversations.c.updated_at,
    conversations.c.owner_email,
    conversations.c.owner_name,
    conversations.c.team_shared,
)


class Store:
    """The conversation store behind one database URL; thread-safe, connects on first use.

    Every method that reads or changes a conversation takes the `Viewer` who asks and checks it here:
    a conversation the viewer may not read does not exist for them (the same answer as an unknown id),
    and a change they may not make changes nothing.
    """

    def __init__(self, url: str, lock_timeout: float | None = None, legacy_owner: str | None = None):
        self.legacy_owner = legacy_owner
        """Who owns the conversations of a store older than ownership, by email (None: admins only)."""
        self._ready = False
        self._setup_lock = threading.Lock()
        self._problem: StoreUnavailable | None = None
        try:
            parsed = parse_url(url)
        except StoreUnavailable as problem:  # raised on first use, where callers expect it
            self._problem, self.where, self._password = problem, "COACH_DATABASE_URL", None
            return
        self.engine = _engine(parsed, LOCK_TIMEOUT if lock_timeout is None else lock_timeout)
        self._writer = self.engine.execution_options(coach_writes=True)
        self.where = parsed.render_as_string(hide_password=True)
        self._password = parsed.password

    # -- conversations ---------------------------------------------------------------------------

    def save(self, conversation: Conversation, revision: int, *, viewer: Viewer) -> int:
        """Write the conversation, which was at `revision` when loaded (0: new); returns the new revision.

        A new conversation becomes the viewer's; an existing one only the owner (or an admin) may write:
        `NotAllowed` for a reader, `Conflict` when it changed since or is hidden from the viewer.
        """
        data = conversation_data(conversation)
        state = {key: value for key, value in data.items() if key not in ("id", "turns")}
        row = {
            "title": title_of(conversation),
            "lang": conversation.lang,
            "stage": conversation.summary.assessment.stage if conversation.summary else None,
            "state": json.dumps(state, ensure_ascii=False),
            "revision": revision + 1,
            "updated_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        }
        with self._transaction() as connection:
            stored = _owner_row(connection, conversation.id, lock=True)
            if stored is not None and not may_read(viewer, stored.owner, conversation.id):
                raise Conflict(f"conversation {conversation.id} is not this viewer's")  # saved as a new one
            if stored is not None and not may_change(viewer, stored.owner, conversation.id):
                raise NotAllowed(f"conversation {conversation.id} is read-only for this viewer")
            if (stored.revision if stored else 0) != revision:
                raise Conflict(f"conversation {conversation.id} changed elsewhere (not at revision {revision})")
            if stored is None:
                created = conversation.turns[0].created_at if conversation.turns else now()
                try:
                    connection.execute(
                        conversations.insert().values(
                            id=conversation.id, created_at=created, **row, **_owner_values(viewer)
                        )
                    )
                except sa.exc.IntegrityError:
                    raise Conflict(f"conversation {conversation.id} was created elsewhere") from None
            else:
                if viewer.signed_in and stored.owner.subject is None and stored.owner.email == viewer.email:
                    row.update(_owner_values(viewer))  # the migration's owner signed in: bind their identity
                connection.execute(conversations.update().where(conversations.c.id == conversation.id).values(**row))
            _write_turns(connection, conversation.id, data["turns"])
        return revision + 1

    def load(self, conversation_id: str, *, viewer: Viewer) -> tuple[Conversation, int] | None:
        """The stored conversation and its revision, or None when there is none with that id the viewer may read."""
        with self._connection() as connection:
            stored = _owner_row(connection, conversation_id)
            if stored is None or not may_read(viewer, stored.owner, conversation_id):
                return None
            row = connection.execute(
                sa.select(conversations.c.state).where(conversations.c.id == conversation_id)
            ).one()
            stored_turns = connection.execute(
                sa.select(turns.c.data).where(turns.c.conversation_id == conversation_id).order_by(turns.c.position)
            ).scalars()
            data = {**json.loads(row.state), "id": conversation_id, "turns": [json.loads(t) for t in stored_turns]}
        return conversation_from_data(data), stored.revision

    def info(self, conversation_id: str, *, viewer: Viewer) -> ConversationInfo | None:
        """Title, owner and sharing of a conversation the viewer may read; None otherwise."""
        with self._connection() as connection:
            stored = _owner_row(connection, conversation_id)
            if stored is None or not may_read(viewer, stored.owner, conversation_id):
                return None
            row = connection.execute(sa.select(*_INFO_COLUMNS).where(conversations.c.id == conversation_id)).one()
        return ConversationInfo(*row)

    def may_change(self, conversation_id: str, *, viewer: Viewer) -> bool:
        """Whether the viewer may write, delete and share this conversation (True for one not stored yet)."""
        with self._connection() as connection:
            stored = _owner_row(connection, conversation_id)
        return stored is None or may_change(viewer, stored.owner, conversation_id)

    def recent(self, limit: int = 20, *, viewer: Viewer) -> list[ConversationInfo]:
        """The viewer's own conversations (an admin's: all), most recently updated first."""
        query = sa.select(*_INFO_COLUMNS).order_by(conversations.c.updated_at.desc(), conversations.c.id).limit(limit)
        if viewer.role == "anonymous":
            query = query.where(
                conversations.c.id.in_(sorted(viewer.holds)),
                conversations.c.owner_subject.is_(None),
                conversations.c.owner_email.is_(None),
            )
        elif not viewer.admin:
            query = query.where(_owned_by(viewer))
        with self._connection() as connection:
            return [ConversationInfo(*row) for row in connection.execute(query)]

    def team(self, limit: int = 20, *, viewer: Viewer) -> list[ConversationInfo]:
        """Conversations others shared with the team, for a signed-in member; newest first."""
        if not viewer.signed_in:
            return []
        query = (
            sa.select(*_INFO_COLUMNS)
            .where(conversations.c.team_shared.is_(True), sa.not_(_owned_by(viewer)))
            .order_by(conversations.c.updated_at.desc(), conversations.c.id)
            .limit(limit)
        )
        with self._connection() as connection:
            return [ConversationInfo(*row) for row in connection.execute(query)]

    def share_with_team(self, conversation_id: str, shared: bool, *, viewer: Viewer) -> bool:
        """Make a conversation readable by the team (or private again); whether the viewer could."""
        with self._transaction() as connection:
            stored = _owner_row(connection, conversation_id, lock=True)
            if stored is None or not may_change(viewer, stored.owner, conversation_id):
                return False
            connection.execute(
                conversations.update().where(conversations.c.id == conversation_id).values(team_shared=shared)
            )
        return True

    def delete(self, conversation_id: str, *, viewer: Viewer) -> bool:
        """Delete a conversation with its turns and share links; whether the viewer could (and there was one)."""
        with self._transaction() as connection:
            stored = _owner_row(connection, conversation_id, lock=True)
            if stored is None or not may_change(viewer, stored.owner, conversation_id):
                return False
            _delete_conversations(connection, [conversation_id])
        return True

    # -- people (the command line: the machine's owner) ------------------------------------------

    def users(self) -> list[UserInfo]:
        """Everyone who owns conversations, by email, with how many and the last update."""
        query = (
            sa.select(
                conversations.c.owner_email,
                sa.func.max(conversations.c.owner_name),
                sa.func.max(conversations.c.owner_subject),
                sa.func.count(),
                sa.func.max(conversations.c.updated_at),
            )
            .group_by(conversations.c.owner_email)
            .order_by(conversations.c.owner_email)
        )
        with self._connection() as connection:
            return [UserInfo(*row) for row in connection.execute(query)]

    def delete_user(self, email: str) -> int:
        """Delete every conversation (with its turns and links) owned by `email`; how many."""
        address = email.strip().lower()
        with self._transaction() as connection:
            ids = list(
                connection.execute(
                    sa.select(conversations.c.id).where(conversations.c.owner_email == address)
                ).scalars()
            )
            _delete_conversations(connection, ids)
        return len(ids)

    # -- share links -----------------------------------------------------------------------------

    def share(
        self, conversation_id: str, snapshot: dict[str, Any], valid_for: timedelta | None = None, *, viewer: Viewer
    ) -> str:
        """A new read-only link's token for `snapshot` (the conversation's record now); only its hash is kept.

        `KeyError` when the viewer may not change the conversation (or there is none).
        """
        token = new_token()
        created = datetime.now(UTC)
        expires = (created + valid_for).isoformat(timespec="seconds") if valid_for else None
        with self._transaction() as connection:
            stored = _owner_row(connection, conversation_id)
            if stored is None or not may_change(viewer, stored.owner, conversation_id):
                raise KeyError(conversation_id)
            connection.execute(
                shares.insert().values(
                    token_hash=token_hash(token),
                    conversation_id=conversation_id,
                    snapshot=json.dumps(snapshot, ensure_ascii=False),
                    created_at=created.isoformat(timespec="seconds"),
                    expires_at=expires,
                )
            )
        return token

    def open_share(self, token: str) -> dict[str, Any] | None:
        """The snapshot behind a valid link; None for a malformed, unknown, revoked or expired token alike."""
        if not well_formed(token):
            return None
        with self._connection() as connection:
            row = connection.execute(
                sa.select(shares.c.token_hash, shares.c.snapshot, shares.c.expires_at, shares.c.revoked_at).where(
                    shares.c.token_hash == token_hash(token)
                )
            ).one_or_none()
        # Looked up by hash (timing can tell nothing about the token), then compared in constant time.
        if (
            row is None
            or not matches(token, row.token_hash)
            or row.revoked_at is not None
            or (row.expires_at is not None and row.expires_at <= now())
        ):
            return None
        return json.loads(row.snapshot)

    def revoke(self, token: str, *, viewer: Viewer) -> bool:
        """Revoke the link of `token`; whether an active link was revoked."""
        return well_formed(token) and self.revoke_share(token_hash(token), viewer=viewer)

    def revoke_share(self, share_id: str, *, viewer: Viewer) -> bool:
        """Revoke a link by its id (`ShareInfo.id`); whether the viewer revoked an active link."""
        with self._transaction() as connection:
            conversation_id = connection.execute(
                sa.select(shares.c.conversation_id).where(shares.c.token_hash == share_id)
            ).scalar_one_or_none()
            stored = _owner_row(connection, conversation_id) if conversation_id else None
            if stored is None or not may_change(viewer, stored.owner, conversation_id):
                return False
            result = connection.execute(
                shares.update()
                .where(shares.c.token_hash == share_id, shares.c.revoked_at.is_(None))
                .values(revoked_at=now())
            )
        return result.rowcount > 0

    def shares_of(self, conversation_id: str, *, viewer: Viewer) -> list[ShareInfo]:
        """The links of a conversation the viewer may change (nobody else sees them)."""
        query = (
            sa.select(shares.c.token_hash, shares.c.created_at, shares.c.expires_at, shares.c.revoked_at)
            .where(shares.c.conversation_id == conversation_id)
            .order_by(shares.c.created_at.desc())
        )
        with self._connection() as connection:
            stored = _owner_row(connection, conversation_id)
            if stored is None or not may_change(viewer, stored.owner, conversation_id):
                return []
            return [ShareInfo(row[0], row[1], row[2], row[3] is not None) for row in connection.execute(query)]

    # -- plumbing --------------------------------------------------------------------------------

    def _connection(self):
        self._setup()
        return _Guarded(self, self.engine.connect)

    def _transaction(self):
        self._setup()
        return _Guarded(self, self._writer.begin)

    def _setup(self) -> None:
        """Create, migrate or check the schema once; retried on the next call when the store was unavailable."""
        if self._ready:
            return
        if self._problem is not None:
            raise self._problem
        with self._setup_lock:
            if self._ready:
                return
            _make_parent_dir(self.engine)
            with _Guarded(self, self._writer.begin) as connection:
                if not sa.inspect(connection).has_table("schema_info"):
                    schema.create(connection)
                else:
                    version = schema.stored_version(connection)
                    if version is None:
                        schema.create(connection)
                    elif version > SCHEMA_VERSION:
                        raise StoreUnavailable(
                            f"the conversation store at {self.where} has schema version {version}, "
                            f"newer than this coach ({SCHEMA_VERSION}): update the coach"
                        )
                    elif version < SCHEMA_VERSION:
                        schema.migrate(connection, version, self.legacy_owner)
            self._ready = True

    def close(self) -> None:
        if self._problem is None:
            self.engine.dispose()


@dataclass(frozen=True)
class _Stored:
    owner: Owner
    revision: int


def _owner_row(connection: Connection, conversation_id: str, lock: bool = False) -> _Stored | None:
    columns = conversations.c
    query = sa.select(columns.owner_subject, columns.owner_email, columns.team_shared, columns.revision).where(
        columns.id == conversation_id
    )
    row = connection.execute(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        return None
    return _Stored(Owner(row.owner_subject, row.owner_email, bool(row.team_shared)), row.revision)


def _owner_values(viewer: Viewer) -> dict[str, str | None]:
    """A new conversation's owner: the signed-in viewer; unowned for the machine's owner and anonymous visitors."""
    if not viewer.signed_in:
        return {}
    return {"owner_subject": viewer.subject, "owner_email": viewer.email, "owner_name": viewer.name}


def _owned_by(viewer: Viewer):
    """SQL: the conversations `viewer` (signed in) owns, by identity or, before they signed in, by email."""
    by_subject = conversations.c.owner_subject == viewer.subject
    if viewer.email is None:
        return by_subject
    by_email = sa.and_(conversations.c.owner_subject.is_(None), conversations.c.owner_email == viewer.email)
    return sa.or_(by_subject, by_email)


def _delete_conversations(connection: Connection, ids: list[str]) -> None:
    """Delete conversations with their turns, share links and answers to team rounds."""
    if ids:
        connection.execute(team_responses.delete().where(team_responses.c.conversation_id.in_(ids)))
        connection.execute(shares.delete().where(shares.c.conversation_id.in_(ids)))
        connection.execute(turns.delete().where(turns.c.conversation_id.in_(ids)))
        connection.execute(conversations.delete().where(conversations.c.id.in_(ids)))


class _Guarded:
    """A connection or transaction whose database errors become `StoreUnavailable` with a clear reason."""

    def __init__(self, store: Store, open_):
        self.store, self.open = store, open_

    def __enter__(self) -> Connection:
        try:
            self.context = self.open()
            return self.context.__enter__()
        except sa.exc.DBAPIError as error:
            raise _unavailable(self.store, error) from None

    def __exit__(self, kind, error, trace) -> bool:
        try:
            self.context.__exit__(kind, error, trace)
        except sa.exc.DBAPIError as failure:
            raise _unavailable(self.store, failure) from None
        if isinstance(error, sa.exc.DBAPIError):
            raise _unavailable(self.store, error) from None
        return False


def parse_url(url: str) -> sa.URL:
    """The store's URL parsed by SQLAlchemy, or StoreUnavailable saying what is wrong without repeating it.

    The URL may hold a password, so it is only ever shown through `render_as_string(hide_password=True)`;
    an unescaped `@` in the password would leave part of it in the host, where hiding cannot reach it.
    """
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreUnavailable(
            "COACH_DATABASE_URL is not a database URL (dialect+driver://user:password@host/database); "
            "it is not shown because it may hold a password"
        ) from None
    if "@" in (parsed.host or "") or "@" in (parsed.username or ""):
        raise StoreUnavailable(
            "COACH_DATABASE_URL has more than one '@': write an '@' in the user name or password as %40 "
            "(the URL is not shown because it holds a password)"
        )
    return parsed


def _unavailable(store: Store, error: sa.exc.DBAPIError) -> StoreUnavailable:
    reason = str(error.orig).splitlines()[0] if error.orig is not None else type(error).__name__
    if store._password:  # a driver may quote what it was given; the password never leaves
        reason = reason.replace(store._password, "***")
    log.debug("The conversation store at %s is unavailable: %s", store.where, reason)
    return StoreUnavailable(f"the conversation store at {store.where} is unavailable: {reason}")


def _make_parent_dir(engine: Engine) -> None:
    """SQLite creates its file but not the folder it goes in (the data directory on first start)."""
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not database.startswith(("file:", ":memory:")):
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(f"cannot create the folder of {database}: {error.strerror or error}") from None


def _write_turns(connection: Connection, conversation_id: str, data: list[dict[str, Any]]) -> None:
    """Insert the turns (as JSON data) not stored yet; turns are only ever appended."""
    stored = connection.execute(
        sa.select(sa.func.count()).select_from(turns).where(turns.c.conversation_id == conversation_id)
    ).scalar_one()
    if stored > len(data):
        connection.execute(
            turns.delete().where(turns.c.conversation_id == conversation_id, turns.c.position >= len(data))
        )
    new = [
        {"conversation_id": conversation_id, "position": position, "data": json.dumps(turn, ensure_ascii=False)}
        for position, turn in enumerate(data)
        if position >= stored
    ]
    if new:
        connection.execute(turns.insert(), new)


def _engine(url: sa.URL, lock_timeout: float) -> Engine:
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": lock_timeout, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # SQLAlchemy emits BEGIN itself (below): a writer takes the lock at the start of its transaction,
        # so two writers queue up instead of failing to upgrade a read lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except Exception:  # a read-only file keeps its journal mode; reads still work
            log.debug("WAL mode unavailable", exc_info=True)
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        writes = connection.get_execution_options().get("coach_writes", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine
