"""The conversation store on both backends: SQLite (embedded) and a real PostgreSQL server."""

import sqlite3
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coach.records.access import MACHINE_OWNER
from coach.records.conversation import Turn
from coach.records.schema import SCHEMA_VERSION, schema_info, shares
from coach.records.share_tokens import token_hash
from coach.records.store import Conflict, Store, StoreUnavailable
from coach.session.keeper import Keeper
from tests.support.store_support import BACKENDS, open_store, sample_conversation


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    store = open_store(request.param, tmp_path)
    yield store
    store.close()


def test_a_saved_conversation_loads_back_equal(store):
    conversation = sample_conversation()
    assert store.save(conversation, 0, viewer=MACHINE_OWNER) == 1
    loaded, revision = store.load(conversation.id, viewer=MACHINE_OWNER)
    assert loaded == conversation
    assert revision == 1


def test_turns_are_appended_as_they_happen(store):
    conversation = sample_conversation()
    revision = store.save(conversation, 0, viewer=MACHINE_OWNER)
    conversation.turns.append(Turn("user", "Und jetzt? äöü ß 日本"))
    revision = store.save(conversation, revision, viewer=MACHINE_OWNER)
    loaded, _ = store.load(conversation.id, viewer=MACHINE_OWNER)
    assert [turn.text for turn in loaded.turns][-1] == "Und jetzt? äöü ß 日本"
    assert len(loaded.turns) == 5 and revision == 2


def test_unknown_conversation_loads_as_none(store):
    assert store.load("nope", viewer=MACHINE_OWNER) is None


def test_a_stale_writer_gets_a_conflict_instead_of_overwriting(store):
    conversation = sample_conversation()
    store.save(conversation, 0, viewer=MACHINE_OWNER)
    store.save(conversation, 1, viewer=MACHINE_OWNER)
    with pytest.raises(Conflict):
        store.save(conversation, 1, viewer=MACHINE_OWNER)
    with pytest.raises(Conflict):
        store.save(conversation, 0, viewer=MACHINE_OWNER)


def test_recent_lists_newest_first_with_title_and_stage(store):
    first, second = sample_conversation("Erste Frage"), sample_conversation("Zweite Frage")
    first.dialogue = second.dialogue = None  # plain questions: titled by the first message, not "Diagnose · date"
    store.save(first, 0, viewer=MACHINE_OWNER)
    store.save(second, 0, viewer=MACHINE_OWNER)
    store.save(first, 1, viewer=MACHINE_OWNER)  # updated last
    recent = store.recent(viewer=MACHINE_OWNER)
    assert [info.id for info in recent[:2]] == [first.id, second.id]
    assert recent[0].title == "Erste Frage" and recent[0].lang == "de" and recent[0].stage is None


def test_delete_removes_the_conversation_its_turns_and_its_links(store):
    conversation = sample_conversation()
    store.save(conversation, 0, viewer=MACHINE_OWNER)
    token = store.share(conversation.id, {"snapshot": True}, viewer=MACHINE_OWNER)
    assert store.delete(conversation.id, viewer=MACHINE_OWNER)
    assert store.load(conversation.id, viewer=MACHINE_OWNER) is None
    assert store.open_share(token) is None
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(shares)).scalar_one() == 0
    assert not store.delete(conversation.id, viewer=MACHINE_OWNER)


def test_a_share_link_opens_its_snapshot_until_revoked(store):
    conversation = sample_conversation()
    store.save(conversation, 0, viewer=MACHINE_OWNER)
    token = store.share(conversation.id, {"conversation": "snapshot", "umlaut": "ä"}, viewer=MACHINE_OWNER)
    assert store.open_share(token) == {"conversation": "snapshot", "umlaut": "ä"}
    assert [link.active() for link in store.shares_of(conversation.id, viewer=MACHINE_OWNER)] == [True]
    assert store.revoke(token, viewer=MACHINE_OWNER)
    assert store.open_share(token) is None
    assert not store.revoke(token, viewer=MACHINE_OWNER)
    assert [link.revoked for link in store.shares_of(conversation.id, viewer=MACHINE_OWNER)] == [True]


def test_only_the_hash_of_a_token_is_stored(store):
    conversation = sample_conversation()
    store.save(conversation, 0, viewer=MACHINE_OWNER)
    token = store.share(conversation.id, {}, viewer=MACHINE_OWNER)
    with store.engine.connect() as connection:
        stored = connection.execute(sa.select(shares)).mappings().one()
    assert token not in str(dict(stored))
    assert stored["token_hash"] == token_hash(token)


def test_an_expired_link_is_not_valid(store):
    conversation = sample_conversation()
    store.save(conversation, 0, viewer=MACHINE_OWNER)
    live = store.share(conversation.id, {"live": 1}, valid_for=timedelta(days=1), viewer=MACHINE_OWNER)
    dead = store.share(conversation.id, {"dead": 1}, valid_for=timedelta(seconds=-1), viewer=MACHINE_OWNER)
    assert store.open_share(live) == {"live": 1}
    assert store.open_share(dead) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "x" * 44, "ä" * 43, "../../etc/passwd", "' OR 1=1 --"])
def test_malformed_and_unknown_tokens_are_simply_not_valid(store, token):
    assert store.open_share(token) is None
    assert not store.revoke(token, viewer=MACHINE_OWNER)


def test_sharing_an_unknown_conversation_is_refused(store):
    with pytest.raises(KeyError):
        store.share("nope", {}, viewer=MACHINE_OWNER)


def test_twenty_threads_writing_lose_nothing_and_mix_nothing(store):
    """Each thread writes its own conversation turn by turn; all writes land, none in another's."""
    threads, turns_each, failures = 20, 8, []

    def write(number: int) -> None:
        try:
            conversation = sample_conversation(f"thread {number}")
            conversation.turns = conversation.turns[:1]
            revision = store.save(conversation, 0, viewer=MACHINE_OWNER)
            for turn in range(1, turns_each):
                conversation.turns.append(Turn("user" if turn % 2 == 0 else "coach", f"thread {number} turn {turn}"))
                revision = store.save(conversation, revision, viewer=MACHINE_OWNER)
            ids[number] = conversation.id
        except Exception as error:  # collected: an exception in a thread would otherwise vanish
            failures.append(error)

    ids: dict[int, str] = {}
    workers = [threading.Thread(target=write, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    for number, conversation_id in ids.items():
        loaded, revision = store.load(conversation_id, viewer=MACHINE_OWNER)
        assert [turn.text for turn in loaded.turns] == [f"thread {number}"] + [
            f"thread {number} turn {turn}" for turn in range(1, turns_each)
        ]
        assert revision == turns_each
    assert len(ids) == threads and len(store.recent(limit=100, viewer=MACHINE_OWNER)) == threads


def test_a_schema_newer_than_the_code_is_refused(store):
    store.recent(viewer=MACHINE_OWNER)  # creates the schema
    with store.engine.begin() as connection:
        connection.execute(
            schema_info.update().where(schema_info.c.key == "schema_version").values(value=str(SCHEMA_VERSION + 1))
        )
    fresh = Store(store.engine.url.render_as_string(hide_password=False))
    with pytest.raises(StoreUnavailable, match="newer than this coach"):
        fresh.recent(viewer=MACHINE_OWNER)
    fresh.close()


# -- SQLite faults: locked and read-only files -----------------------------------------------------


def test_a_locked_database_keeps_the_conversation_in_memory_and_saves_it_later(tmp_path):
    path = tmp_path / "store.db"
    store = Store(f"sqlite:///{path}", lock_timeout=0.2)
    keeper = Keeper(store, sample_conversation(), MACHINE_OWNER)
    assert keeper.save().saved
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    keeper.conversation.turns.append(Turn("user", "während die Datei gesperrt ist"))
    result = keeper.save()
    assert not result.saved and "locked" in result.error and keeper.pending
    assert len(keeper.conversation.turns) == 5  # nothing lost in memory
    blocker.execute("ROLLBACK")
    blocker.close()
    keeper.conversation.turns.append(Turn("coach", "und danach"))
    assert keeper.save().saved and not keeper.pending
    loaded, _ = store.load(keeper.conversation.id, viewer=MACHINE_OWNER)
    assert [turn.text for turn in loaded.turns][-2:] == ["während die Datei gesperrt ist", "und danach"]


def test_a_read_only_database_is_a_clear_message_not_a_crash(tmp_path):
    path = tmp_path / "store.db"
    conversation = sample_conversation()
    Store(f"sqlite:///{path}").save(conversation, 0, viewer=MACHINE_OWNER)
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    loaded, revision = read_only.load(conversation.id, viewer=MACHINE_OWNER)
    assert loaded == conversation
    keeper = Keeper(read_only, loaded, MACHINE_OWNER, revision)
    keeper.conversation.turns.append(Turn("user", "noch eine Frage"))
    result = keeper.save()
    assert not result.saved and "readonly" in result.error.replace("-", "").replace(" ", "")
    assert str(path) in result.error


def test_an_unreachable_server_is_unavailable_with_the_password_hidden():
    store = Store("postgresql+psycopg://someone:s3cret-pw@127.0.0.1:9/none", lock_timeout=0.5)
    with pytest.raises(StoreUnavailable) as caught:
        store.recent(viewer=MACHINE_OWNER)
    assert "s3cret-pw" not in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_a_conflict_saves_this_tab_as_a_new_conversation(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    first = Keeper(store, sample_conversation(), MACHINE_OWNER)
    first.save()
    second = Keeper.open(store, first.conversation.id, MACHINE_OWNER)
    second.conversation.turns.append(Turn("user", "from the second tab"))
    assert second.save().saved
    first.conversation.turns.append(Turn("user", "from the first tab"))
    result = first.save()
    assert result.saved and result.forked_from == second.conversation.id
    assert first.conversation.id != second.conversation.id
    assert store.load(second.conversation.id, viewer=MACHINE_OWNER)[0].turns[-1].text == "from the second tab"
    assert store.load(first.conversation.id, viewer=MACHINE_OWNER)[0].turns[-1].text == "from the first tab"
