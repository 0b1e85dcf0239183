"""The store's tables and the migrations between their versions (SQLite and PostgreSQL alike).

Version 1: conversations, turns, share links. Version 2 adds each conversation's owner (a signed-in user's
issuer and subject, their email and name) and whether it is shared with the team; the conversations of
version 1 keep everything and become the configured owner's (by email) or stay unowned (admins only).
Version 3 adds team rounds (a named round with its owner, expected roles and one invitation link, stored
as the hash of its token) and their responses (a stored conversation with the respondent's name and role);
it only adds tables, so every conversation stays as it was. Version 4 adds a round's closing date (it closes
itself then) and whether its report shows names or only roles, and each response's one-sentence answer to the
recall check ("what is our social media strategy for?"); rounds of version 3 show names and close by hand.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4

metadata = sa.MetaData()
conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("stage", sa.Integer, nullable=True),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False, index=True),
    sa.Column("owner_subject", sa.String(400), nullable=True, index=True),
    sa.Column("owner_email", sa.String(320), nullable=True, index=True),
    sa.Column("owner_name", sa.String(200), nullable=True),
    sa.Column("team_shared", sa.Boolean, nullable=False, server_default=sa.false()),
)
turns = sa.Table(
    "turns",
    metadata,
    sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
)
shares = sa.Table(
    "shares",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), nullable=False, index=True),
    sa.Column("snapshot", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=True),
    sa.Column("revoked_at", sa.String(40), nullable=True),
)
team_rounds = sa.Table(
    "team_rounds",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("roles", sa.Text, nullable=False),  # the roles to expect, a JSON list (empty: any)
    sa.Column("created_at", sa.String(40), nullable=False, index=True),
    sa.Column("closed_at", sa.String(40), nullable=True),
    sa.Column("invite_hash", sa.String(64), nullable=True, unique=True),
    sa.Column("invite_revoked_at", sa.String(40), nullable=True),
    sa.Column("owner_subject", sa.String(400), nullable=True, index=True),
    sa.Column("owner_email", sa.String(320), nullable=True, index=True),
    sa.Column("owner_name", sa.String(200), nullable=True),
    sa.Column("closes_at", sa.String(40), nullable=True),  # the round closes itself at this time (None: by hand)
    sa.Column("show_names", sa.Boolean, nullable=False, server_default=sa.true()),  # False: roles only
)
team_responses = sa.Table(
    "team_responses",
    metadata,
    sa.Column("round_id", sa.String(64), sa.ForeignKey("team_rounds.id"), primary_key=True),
    sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(100), nullable=True),
    sa.Column("joined_at", sa.String(40), nullable=False),
    sa.Column("snapshot", sa.Text, nullable=True),  # the conversation's state at closing: what the report reads
    sa.Column("purpose", sa.Text, nullable=True),  # the recall check: the strategy's purpose in one sentence
)
schema_info = sa.Table(
    "schema_info",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

_OWNER_COLUMNS = (
    "owner_subject VARCHAR(400)",
    "owner_email VARCHAR(320)",
    "owner_name VARCHAR(200)",
    "team_shared BOOLEAN NOT NULL DEFAULT FALSE",
)
_ROUND_OPTION_COLUMNS = (
    ("team_rounds", "closes_at VARCHAR(40)"),
    ("team_rounds", "show_names BOOLEAN NOT NULL DEFAULT TRUE"),
    ("team_responses", "purpose TEXT"),
)


def stored_version(connection: Connection) -> int | None:
    """The schema version recorded in the database (locked until the transaction ends), None when new."""
    query = sa.select(schema_info.c.value).where(schema_info.c.key == "schema_version").with_for_update()
    value = connection.execute(query).scalar_one_or_none()
    return None if value is None else int(value)


def create(connection: Connection) -> None:
    """A new database: every table of this version."""
    metadata.create_all(connection, checkfirst=True)
    connection.execute(schema_info.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))


def migrate(connection: Connection, version: int, legacy_owner: str | None) -> None:
    """Bring a database of an older `version` to this one, in the caller's transaction."""
    if version < 2:
        _add_owners(connection, legacy_owner)
    if version == 3:  # the team tables exist without version 4's columns; older databases get them whole below
        for table, column in _ROUND_OPTION_COLUMNS:
            connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")
    metadata.create_all(connection, checkfirst=True)  # tables a later version adds
    connection.execute(
        schema_info.update().where(schema_info.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
    )
    log.info("The conversation store was migrated from schema version %s to %s", version, SCHEMA_VERSION)


def _add_owners(connection: Connection, legacy_owner: str | None) -> None:
    for column in _OWNER_COLUMNS:
        connection.exec_driver_sql(f"ALTER TABLE conversations ADD COLUMN {column}")
    for index in conversations.indexes:
        if {column.name for column in index.columns} & {"owner_subject", "owner_email"}:
            index.create(connection, checkfirst=True)
    if legacy_owner:
        connection.execute(conversations.update().values(owner_email=legacy_owner.strip().lower()))
