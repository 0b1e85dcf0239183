"""Ownership in the store on both backends: who sees, changes, shares and deletes what, and the migration."""

import pytest
import sqlalchemy as sa

from coach.records.access import MACHINE_OWNER, Viewer, in_team, may_open_links, subject_of
from coach.records.schema import SCHEMA_VERSION, conversations, schema_info, shares
from coach.records.store import Conflict, NotAllowed, Store
from coach.records.transcript import conversation_data
from coach.session.keeper import Keeper
from tests.support.store_support import BACKENDS, open_store, sample_conversation, store_url, write_v1_store

ISSUER = "http://127.0.0.1:9400"
ANNA = Viewer("member", subject_of(ISSUER, "anna"), "anna@acme.example", "Anna")
BEN = Viewer("member", subject_of(ISSUER, "ben"), "ben@acme.example", "Ben")
BOSS = Viewer("admin", subject_of(ISSUER, "boss"), "boss@acme.example", "Boss")
ANONYMOUS = Viewer("anonymous")


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    store = open_store(request.param, tmp_path)
    yield store
    store.close()


def stored_by(store: Store, viewer: Viewer, text: str = "Wie fangen wir an?") -> str:
    conversation = sample_conversation(text)
    store.save(conversation, 0, viewer=viewer)
    return conversation.id


def table_rows(store: Store) -> dict[str, list]:
    """Everything in the store, to show that a refused change changed nothing."""
    with store.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(sa.select(table))), key=str)
            for table in (conversations, shares)
        }


def test_a_signed_in_user_owns_what_they_create_and_sees_only_that(store):
    anna_id = stored_by(store, ANNA, "Annas Frage")
    ben_id = stored_by(store, BEN, "Bens Frage")
    assert [info.id for info in store.recent(viewer=ANNA)] == [anna_id]
    assert [info.id for info in store.recent(viewer=BEN)] == [ben_id]
    info = store.info(anna_id, viewer=ANNA)
    assert (info.owner_email, info.owner_name, info.team_shared) == ("anna@acme.example", "Anna", False)
    with store.engine.connect() as connection:
        subject = connection.execute(
            sa.select(conversations.c.owner_subject).where(conversations.c.id == anna_id)
        ).scalar_one()
    assert subject == f"{ISSUER}#anna"


def test_someone_elses_conversation_is_the_same_as_an_unknown_one(store):
    anna_id = stored_by(store, ANNA)
    assert store.load(anna_id, viewer=BEN) is None
    assert store.load("0" * 32, viewer=BEN) is None
    assert store.info(anna_id, viewer=BEN) is None
    assert store.load(anna_id, viewer=ANONYMOUS.holding(anna_id)) is None  # an id is no key to a member's
    assert store.load(anna_id, viewer=ANNA) is not None


def test_the_same_subject_and_email_from_another_issuer_is_another_person(store):
    """An identity is the issuer and the subject: a second provider's "anna" with Anna's email is not Anna."""
    anna_id = stored_by(store, ANNA)
    impostor = Viewer("member", subject_of("http://127.0.0.1:9499", "anna"), ANNA.email, "Anna")
    assert store.recent(viewer=impostor) == []
    assert store.load(anna_id, viewer=impostor) is None
    assert not store.delete(anna_id, viewer=impostor)
    assert store.load(anna_id, viewer=ANNA) is not None


def test_refused_changes_change_nothing_in_the_store(store):
    anna_id = stored_by(store, ANNA)
    store.share(anna_id, {"snapshot": 1}, viewer=ANNA)
    (link,) = store.shares_of(anna_id, viewer=ANNA)
    before = table_rows(store)
    for stranger in (BEN, ANONYMOUS, ANONYMOUS.holding(anna_id)):
        assert not store.delete(anna_id, viewer=stranger)
        assert not store.revoke_share(link.id, viewer=stranger)
        assert not store.share_with_team(anna_id, True, viewer=stranger)
        assert store.shares_of(anna_id, viewer=stranger) == []
        with pytest.raises(KeyError):
            store.share(anna_id, {"stolen": 1}, viewer=stranger)
        loaded, revision = store.load(anna_id, viewer=ANNA)
        with pytest.raises(Conflict):  # a crafted save of an id that is not theirs
            store.save(loaded, revision, viewer=stranger)
    assert table_rows(store) == before


def test_team_sharing_lets_members_read_but_not_change(store):
    anna_id = stored_by(store, ANNA)
    assert store.team(viewer=BEN) == []
    assert store.share_with_team(anna_id, True, viewer=ANNA)
    assert [info.id for info in store.team(viewer=BEN)] == [anna_id]
    assert store.team(viewer=ANNA) == []  # her own are in her list, not under "Team"
    assert store.team(viewer=ANONYMOUS) == []
    loaded, revision = store.load(anna_id, viewer=BEN)
    assert loaded.id == anna_id
    assert not store.may_change(anna_id, viewer=BEN) and store.may_change(anna_id, viewer=ANNA)
    with pytest.raises(NotAllowed):
        store.save(loaded, revision, viewer=BEN)
    assert not store.delete(anna_id, viewer=BEN)
    assert store.share_with_team(anna_id, False, viewer=ANNA)
    assert store.load(anna_id, viewer=BEN) is None


def test_a_reader_who_types_continues_in_a_copy_of_their_own(store):
    anna_id = stored_by(store, ANNA)
    store.share_with_team(anna_id, True, viewer=ANNA)
    keeper = Keeper.open(store, anna_id, BEN)
    keeper.conversation.turns.append(sample_conversation("Bens Nachfrage").turns[0])
    result = keeper.save()
    assert result.saved and result.forked_from == anna_id and keeper.conversation.id != anna_id
    assert len(store.load(anna_id, viewer=ANNA)[0].turns) == 4  # hers is unchanged
    assert store.info(keeper.conversation.id, viewer=BEN).owner_email == "ben@acme.example"


def test_an_admin_sees_opens_and_deletes_everything(store):
    anna_id, ben_id = stored_by(store, ANNA), stored_by(store, BEN)
    unowned = stored_by(store, MACHINE_OWNER)
    assert {info.id for info in store.recent(viewer=BOSS)} == {anna_id, ben_id, unowned}
    assert store.load(unowned, viewer=BOSS) is not None and store.load(unowned, viewer=ANNA) is None
    assert store.delete(anna_id, viewer=BOSS)
    assert store.load(anna_id, viewer=BOSS) is None


def test_an_anonymous_session_sees_only_the_conversations_it_holds(store):
    first = sample_conversation("erste")
    session = ANONYMOUS.holding(first.id)
    store.save(first, 0, viewer=session)
    other = stored_by(store, ANONYMOUS.holding("f" * 32), "eine andere Sitzung")
    assert [info.id for info in store.recent(viewer=session)] == [first.id]
    assert store.recent(viewer=ANONYMOUS) == []
    # The id is a capability: whoever is given it may open (and so continue) that conversation.
    assert store.load(other, viewer=ANONYMOUS.holding(other)) is not None
    assert not store.delete(first.id, viewer=ANONYMOUS)
    assert store.delete(first.id, viewer=session)


def test_users_and_delete_user_remove_exactly_one_persons_conversations(store):
    anna_ids = [stored_by(store, ANNA, "eins"), stored_by(store, ANNA, "zwei")]
    ben_id = stored_by(store, BEN)
    token = store.share(anna_ids[0], {"snapshot": 1}, viewer=ANNA)
    users = {user.email: user.conversations for user in store.users()}
    assert users == {"anna@acme.example": 2, "ben@acme.example": 1}
    assert store.delete_user(" Anna@ACME.example ") == 2
    assert store.open_share(token) is None
    assert all(store.load(conversation_id, viewer=MACHINE_OWNER) is None for conversation_id in anna_ids)
    assert store.load(ben_id, viewer=MACHINE_OWNER) is not None
    assert store.delete_user("anna@acme.example") == 0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("legacy_owner", [None, "Anna@Acme.example"])
def test_the_migration_keeps_every_conversation_and_link(backend, legacy_owner, tmp_path):
    url = store_url(backend, tmp_path)
    old = [sample_conversation("alte Frage"), sample_conversation("old question"), sample_conversation("drei")]
    tokens = write_v1_store(url, old)
    store = Store(url, legacy_owner=legacy_owner)
    try:
        for conversation in old:
            loaded, revision = store.load(conversation.id, viewer=MACHINE_OWNER)
            assert conversation_data(loaded) == conversation_data(conversation) and revision == 1
            assert store.open_share(tokens[conversation.id]) == {"id": conversation.id}
        with store.engine.connect() as connection:
            version = connection.execute(sa.select(schema_info.c.value)).scalar_one()
        assert version == str(SCHEMA_VERSION)
        assert len(store.recent(viewer=BOSS)) == 3
        if legacy_owner is None:  # unowned: admins only
            assert store.recent(viewer=ANNA) == [] and store.load(old[0].id, viewer=ANNA) is None
        else:  # the configured owner's, by email, until she signs in and her identity is bound
            assert len(store.recent(viewer=ANNA)) == 3 and store.recent(viewer=BEN) == []
            loaded, revision = store.load(old[0].id, viewer=ANNA)
            store.save(loaded, revision, viewer=ANNA)
            assert store.info(old[0].id, viewer=ANNA).owner_name == "Anna"
            loaded, revision = store.load(old[1].id, viewer=BOSS)
            store.save(loaded, revision, viewer=BOSS)  # an admin writing it does not take it over
            assert store.info(old[1].id, viewer=BOSS).owner_email == "anna@acme.example"
        again = Store(url, legacy_owner="someone@else.example")  # migrates once: a second start changes nothing
        assert len(again.recent(viewer=ANNA)) == (0 if legacy_owner is None else 3)
        again.close()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("email", "verified", "allowed"),
    [
        ("anna@acme.example", True, True),
        ("ANNA@Acme.Example", True, True),
        ("guest@partner.example", True, True),  # on the allow-list
        ("boss@elsewhere.example", True, True),  # an admin
        ("eve@evil.example", True, False),
        ("eve@acme.example.evil.example", True, False),
        ("eve@acme.example", False, False),  # an unverified address proves nothing
        (None, True, False),
        ("", True, False),
    ],
)
def test_the_team_is_its_domains_its_allow_list_and_the_admins(email, verified, allowed):
    team = (["acme.example"], ["guest@partner.example"], ["boss@elsewhere.example"])
    assert in_team(email, verified, *team) is allowed


@pytest.mark.parametrize(
    ("viewer", "mode", "allowed"),
    [
        (ANONYMOUS, "public", True),
        (ANONYMOUS, "team", False),
        (ANNA, "team", True),
        (MACHINE_OWNER, "team", True),
        (ANNA, "off", False),
        (BOSS, "off", False),
    ],
)
def test_share_links_follow_the_setting(viewer, mode, allowed):
    assert may_open_links(viewer, mode) is allowed
