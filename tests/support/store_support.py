"""The two store backends the tests run against, and conversations to store.

PostgreSQL comes from `COACH_TEST_DATABASE_URL` (scripts/test starts a local server and sets it).
Read at import time: the autouse fixture clears every COACH_ variable before each test.
"""

import os
from pathlib import Path

import pytest

from coach.answer.extractive import Source
from coach.diagnostic.dialogue import DialogueState
from coach.readiness.rules import Evidence
from coach.records.conversation import Conversation, Turn
from coach.records.store import Store, metadata

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
