"""The two store backends the tests run against, and conversations to store.

PostgreSQL comes from `COACH_TEST_DATABASE_URL` (scripts/test starts a local server and sets it).
Read at import time: the autouse fixture clears every COACH_ variable before each test.
"""

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from coach.answer.extractive import Source
from coach.diagnostic.dialogue import DialogueState
from coach.readiness.rules import Evidence
from coach.records.conversation import Conversation, Turn
from coach.records.schema import metadata
from coach.records.share_tokens import new_token, token_hash
from coach.records.store import Store
from coach.records.transcript import conversation_data, title_of

POSTGRES_URL = os.environ.get("COACH_TEST_DATABASE_URL") or None
POSTGRES_REQUIRED = os.environ.get("COACH_TEST_REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgres")


def open_store(backend: str, tmp_path: Path, lock_timeout: float = 10.0) -> Store:
    """An empty store of `backend`; PostgreSQL is wiped first (the tests share one database)."""
    if backend == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'store.db'}", lock_timeout=lock_timeout)
    if POSTGRES_URL is None:
        if POSTGRES_REQUIRED:
            pytest.fail("COACH_TEST_REQUIRE_POSTGRES=1 but COACH_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL: set COACH_TEST_DATABASE_URL (scripts/test does)")
    store = Store(POSTGRES_URL, lock_timeout=lock_timeout)
    metadata.drop_all(store.engine)
    return store


def sample_conversation(text: str = "Wir posten dreimal pro Woche – ist das eine Strategie?") -> Conversation:
    source = Source(1, "strategy-vs-action-plan.de", "strategy-vs-action-plan", "Strategie", "de", "Kern", "Satz.", 0.9)
    evidence = Evidence("roles", 1, 0.6, "Niemand ist zuständig.", turn=1)
    return Conversation(
        lang="de",
        turns=[
            Turn("user", text),
            Turn("coach", "Eine Strategie ist eine Entscheidung [1].", kind="answer", sources=[source]),
            Turn("user", "Niemand ist zuständig."),
            Turn("coach", "Wer postet bei Ihnen?", kind="question", quick_replies=["Niemand", "Ein Team"]),
        ],
        dialogue=DialogueState("de", evidence=(evidence,), asked=("roles.1",), current="roles.1", turn=1),
    )


# -- a store of schema version 1 (before owners), as the coach of that version wrote it ------------------

V1_METADATA = sa.MetaData()
V1_CONVERSATIONS = sa.Table(
    "conversations",
    V1_METADATA,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("stage", sa.Integer, nullable=True),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False, index=True),
)
V1_TURNS = sa.Table(
    "turns",
    V1_METADATA,
    sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
)
V1_SHARES = sa.Table(
    "shares",
    V1_METADATA,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), nullable=False, index=True),
    sa.Column("snapshot", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=True),
    sa.Column("revoked_at", sa.String(40), nullable=True),
)
V1_SCHEMA_INFO = sa.Table(
    "schema_info",
    V1_METADATA,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)


def write_v1_store(url: str, conversations: list[Conversation]) -> dict[str, str]:
    """A database of schema version 1 holding `conversations` and one share link each; returns id -> token."""
    engine = sa.create_engine(url)
    tokens = {}
    with engine.begin() as connection:
        V1_METADATA.drop_all(connection)
        V1_METADATA.create_all(connection)
        connection.execute(V1_SCHEMA_INFO.insert().values(key="schema_version", value="1"))
        for number, conversation in enumerate(conversations):
            data = conversation_data(conversation)
            state = {key: value for key, value in data.items() if key not in ("id", "turns")}
            stamp = f"2026-11-0{number + 1}T10:00:00+00:00"
            connection.execute(
                V1_CONVERSATIONS.insert().values(
                    id=conversation.id,
                    title=title_of(conversation),
                    lang=conversation.lang,
                    stage=None,
                    state=json.dumps(state, ensure_ascii=False),
                    revision=1,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            connection.execute(
                V1_TURNS.insert(),
                [
                    {"conversation_id": conversation.id, "position": position, "data": json.dumps(turn)}
                    for position, turn in enumerate(data["turns"])
                ],
            )
            tokens[conversation.id] = token = new_token()
            connection.execute(
                V1_SHARES.insert().values(
                    token_hash=token_hash(token),
                    conversation_id=conversation.id,
                    snapshot=json.dumps({"id": conversation.id}),
                    created_at=stamp,
                )
            )
    engine.dispose()
    return tokens


def wipe(url: str) -> None:
    """Drop every table of either version (the PostgreSQL tests share one database)."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for name in ("team_responses", "team_rounds", "shares", "turns", "conversations", "schema_info"):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    engine.dispose()


def store_url(backend: str, tmp_path: Path) -> str:
    """The URL of an empty database of `backend` (skips without PostgreSQL, as `open_store`)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    if POSTGRES_URL is None:
        if POSTGRES_REQUIRED:
            pytest.fail("COACH_TEST_REQUIRE_POSTGRES=1 but COACH_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL: set COACH_TEST_DATABASE_URL (scripts/test does)")
    wipe(POSTGRES_URL)
    return POSTGRES_URL


# -- a store of schema version 2 (owners, before team rounds), as the coach of that version created it ----

V2_METADATA = sa.MetaData()
V2_CONVERSATIONS = sa.Table(
    "conversations",
    V2_METADATA,
    *(column.copy() for column in V1_CONVERSATIONS.columns),
    sa.Column("owner_subject", sa.String(400), nullable=True, index=True),
    sa.Column("owner_email", sa.String(320), nullable=True, index=True),
    sa.Column("owner_name", sa.String(200), nullable=True),
    sa.Column("team_shared", sa.Boolean, nullable=False, server_default=sa.false()),
)
for _table in (V1_TURNS, V1_SHARES, V1_SCHEMA_INFO):
    _table.to_metadata(V2_METADATA)


def write_v2_store(url: str, owned: list[tuple[Conversation, str | None]]) -> dict[str, str]:
    """A database of schema version 2 holding conversations, each with its owner's email (or unowned) and one
    share link; returns id -> token."""
    engine = sa.create_engine(url)
    tokens = {}
    tables = V2_METADATA.tables
    with engine.begin() as connection:
        V2_METADATA.drop_all(connection)
        V2_METADATA.create_all(connection)
        connection.execute(tables["schema_info"].insert().values(key="schema_version", value="2"))
        for number, (conversation, email) in enumerate(owned):
            data = conversation_data(conversation)
            state = {key: value for key, value in data.items() if key not in ("id", "turns")}
            stamp = f"2026-12-0{number + 1}T10:00:00+00:00"
            subject = f"http://127.0.0.1:9400#{email.split('@')[0]}" if email else None
            connection.execute(
                V2_CONVERSATIONS.insert().values(
                    id=conversation.id,
                    title=title_of(conversation),
                    lang=conversation.lang,
                    stage=None,
                    state=json.dumps(state, ensure_ascii=False),
                    revision=1,
                    created_at=stamp,
                    updated_at=stamp,
                    owner_subject=subject,
                    owner_email=email,
                    owner_name=email.split("@")[0].title() if email else None,
                    team_shared=number == 0,
                )
            )
            connection.execute(
                tables["turns"].insert(),
                [
                    {"conversation_id": conversation.id, "position": position, "data": json.dumps(turn)}
                    for position, turn in enumerate(data["turns"])
                ],
            )
            tokens[conversation.id] = token = new_token()
            connection.execute(
                tables["shares"]
                .insert()
                .values(
                    token_hash=token_hash(token),
                    conversation_id=conversation.id,
                    snapshot=json.dumps({"id": conversation.id}),
                    created_at=stamp,
                )
            )
    engine.dispose()
    return tokens


# -- a store of schema version 3 (team rounds, before closing dates, roles-only reports and the recall check) --

V4_COLUMNS = {"closes_at", "show_names", "purpose"}
V3_METADATA = sa.MetaData()
V2_CONVERSATIONS.to_metadata(V3_METADATA)
V3_ROUNDS, V3_RESPONSES = (
    sa.Table(
        name, V3_METADATA, *(column.copy() for column in metadata.tables[name].columns if column.name not in V4_COLUMNS)
    )
    for name in ("team_rounds", "team_responses")
)


def write_v3_store(url: str, owned: list[tuple[Conversation, str | None]]) -> tuple[str, str]:
    """A database of schema version 3: `write_v2_store`'s conversations and one open round named "Vor Version 4"
    owned by the first conversation's owner, which that conversation has joined as "Anna", marketing; returns the
    round's id and its invitation token."""
    write_v2_store(url, owned)
    engine = sa.create_engine(url)
    round_id, token = "r" * 32, new_token()
    conversation, email = owned[0]
    with engine.begin() as connection:
        V3_METADATA.create_all(connection, tables=[V3_ROUNDS, V3_RESPONSES])
        connection.execute(sa.text("UPDATE schema_info SET value = '3' WHERE key = 'schema_version'"))
        connection.execute(
            V3_ROUNDS.insert().values(
                id=round_id,
                name="Vor Version 4",
                roles="[]",
                created_at="2026-12-05T10:00:00+00:00",
                invite_hash=token_hash(token),
                owner_subject=f"http://127.0.0.1:9400#{email.split('@')[0]}",
                owner_email=email,
            )
        )
        connection.execute(
            V3_RESPONSES.insert().values(
                round_id=round_id,
                conversation_id=conversation.id,
                name="Anna",
                role="Marketing",
                joined_at="2026-12-05T11:00:00+00:00",
            )
        )
    engine.dispose()
    return round_id, token
