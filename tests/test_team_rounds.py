"""Team rounds in the store on both backends: invitations, joining, closing, who sees what, the migration."""

import threading

import pytest
import sqlalchemy as sa

from coach.diagnostic.dialogue import DialogueState
from coach.diagnostic.team import team_report
from coach.readiness.rules import Evidence
from coach.records.access import MACHINE_OWNER, Viewer, subject_of
from coach.records.conversation import now
from coach.records.rounds import TeamRoundError, TeamRounds, clean_label, closing_time
from coach.records.schema import SCHEMA_VERSION, conversations, schema_info, team_responses, team_rounds
from coach.records.share_tokens import TOKEN_BYTES
from coach.records.store import Store
from coach.records.transcript import conversation_data
from tests.support.store_support import (
    BACKENDS,
    open_store,
    sample_conversation,
    store_url,
    write_v2_store,
    write_v3_store,
)

ISSUER = "http://127.0.0.1:9400"
ANNA = Viewer("member", subject_of(ISSUER, "anna"), "anna@acme.example", "Anna")
BEN = Viewer("member", subject_of(ISSUER, "ben"), "ben@acme.example", "Ben")
BOSS = Viewer("admin", subject_of(ISSUER, "boss"), "boss@acme.example", "Boss")


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    store = open_store(request.param, tmp_path)
    yield store
    store.close()


def answered(store: Store, viewer: Viewer, level: int, quote: str = "Jeder Kanal hat eine Verantwortliche.") -> str:
    """A conversation of `viewer` whose diagnostic read roles at `level`; its id."""
    conversation = sample_conversation()
    evidence = (Evidence("roles", level, 0.8, quote, turn=1), Evidence("presence", 2, 0.9, "Wir posten.", turn=2))
    conversation.dialogue = DialogueState("de", evidence=evidence, turn=2)
    store.save(conversation, 0, viewer=viewer)
    return conversation.id


def anonymous_with(conversation_id: str) -> Viewer:
    return Viewer("anonymous", holds=frozenset({conversation_id}))


def test_a_round_has_one_invitation_whose_token_is_only_stored_as_a_hash(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Social Media Q1 – Stadtwerke", ["Marketing", "Service"], viewer=ANNA, links="team")
    assert len(token) * 6 >= TOKEN_BYTES * 8 >= 128
    assert info.name == "Social Media Q1 – Stadtwerke" and info.roles == ["Marketing", "Service"]
    assert info.invitation_active and not info.closed and info.responses == 0
    with store.engine.connect() as connection:
        rows = [tuple(map(str, row)) for row in connection.execute(sa.select(team_rounds))]
    assert token not in str(rows) and len(rows) == 1
    assert rounds.open_invitation(token, viewer=BEN, links="team").id == info.id
    assert [r.id for r in rounds.visible(viewer=ANNA)] == [info.id]
    assert rounds.visible(viewer=BEN) == []  # someone else's round does not exist for them
    assert (
        [r.id for r in rounds.visible(viewer=BOSS)] == [info.id] == [r.id for r in rounds.visible(viewer=MACHINE_OWNER)]
    )
    with pytest.raises(TeamRoundError) as refused:
        rounds.info(info.id, viewer=BEN)
    assert refused.value.key == "unknown_round"


def test_colleagues_join_the_owner_sees_who_but_not_what_until_the_round_closes(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", ["Marketing", "Service"], viewer=ANNA, links="public")
    ben_conversation = answered(store, BEN, 3, "Jeder Kanal hat eine benannte Verantwortliche.")
    guest_conversation = answered(store, MACHINE_OWNER, 1, "Wer Beschwerden beantwortet, weiß keiner.")
    guest = anonymous_with(guest_conversation)
    rounds.join(token, ben_conversation, "Ben", "marketing", viewer=BEN, links="public")
    rounds.join(token, guest_conversation, "Gül", "Service", viewer=guest, links="public")
    seen = rounds.responses(info.id, viewer=ANNA)
    assert [(r.name, r.role) for r in seen] == [("Ben", "Marketing"), ("Gül", "Service")]  # the round's spelling
    assert store.load(ben_conversation, viewer=ANNA) is None  # joining shares nothing with the owner
    with pytest.raises(TeamRoundError) as still_open:
        rounds.respondents(info.id, viewer=ANNA)
    assert still_open.value.key == "still_open"

    closed = rounds.close(info.id, viewer=ANNA)
    assert closed.closed and closed.responses == 2
    _, respondents = rounds.respondents(info.id, viewer=ANNA)
    report = team_report(respondents)
    roles = next(spread for spread in report.dimensions if spread.dimension == "roles")
    assert [(p.name, p.level, p.quote) for p in roles.positions] == [
        ("Ben", 3, "Jeder Kanal hat eine benannte Verantwortliche."),
        ("Gül", 1, "Wer Beschwerden beantwortet, weiß keiner."),
    ]

    # After closing, a respondent's later answers change their conversation, not the report.
    loaded, revision = store.load(ben_conversation, viewer=BEN)
    loaded.dialogue = DialogueState("de", evidence=(Evidence("roles", 0, 0.9, "Doch niemand.", turn=3),), turn=3)
    store.save(loaded, revision, viewer=BEN)
    _, again = rounds.respondents(info.id, viewer=ANNA)
    assert [r.evidence for r in again] == [r.evidence for r in respondents]

    # A closed round refuses late colleagues, and its invitation no longer opens.
    late = answered(store, BOSS, 2)
    for attempt in (
        lambda: rounds.join(token, late, "Boss", None, viewer=BOSS, links="public"),
        lambda: rounds.open_invitation(token, viewer=BOSS, links="public"),
    ):
        with pytest.raises(TeamRoundError) as refused:
            attempt()
        assert refused.value.key == "closed_round"
    assert rounds.info(info.id, viewer=ANNA).responses == 2


def test_a_colleague_fixes_their_answers_and_name_until_the_round_closes(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", [], viewer=ANNA, links="team")
    mine = answered(store, BEN, 1)
    rounds.join(token, mine, "Ben", "Vertrieb", viewer=BEN, links="team")
    rounds.join(token, mine, "Ben K.", "Sales", viewer=BEN, links="team")  # again: one response, renamed
    loaded, revision = store.load(mine, viewer=BEN)
    loaded.dialogue = DialogueState("de", evidence=(Evidence("roles", 2, 0.9, "Doch: Lea ist zuständig.", turn=3),))
    store.save(loaded, revision, viewer=BEN)
    assert [(r.name, r.role) for r in rounds.responses(info.id, viewer=ANNA)] == [("Ben K.", "Sales")]
    rounds.close(info.id, viewer=ANNA)
    _, respondents = rounds.respondents(info.id, viewer=ANNA)
    assert [item.quote for item in respondents[0].evidence] == ["Doch: Lea ist zuständig."]


@pytest.mark.parametrize(
    "token",
    ["", "x", "A" * 42, "A" * 44, "A" * 43, "../" * 15, "<script>" * 6],
)
def test_forged_truncated_and_unknown_invitations_are_refused_alike(store, token):
    rounds = TeamRounds(store)
    _, real = rounds.create("Q1", None, viewer=ANNA, links="public")
    for candidate in (token, real[:-1], real + "A"):
        with pytest.raises(TeamRoundError) as refused:
            rounds.open_invitation(candidate, viewer=BEN, links="public")
        assert refused.value.key == "invite_invalid"


def test_a_revoked_invitation_takes_no_more_answers_and_keeps_those_it_has(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="team")
    rounds.join(token, answered(store, BEN, 2), "Ben", None, viewer=BEN, links="team")
    with pytest.raises(TeamRoundError):  # only the owner (or an admin)
        rounds.revoke_invitation(info.id, viewer=BEN)
    assert rounds.info(info.id, viewer=ANNA).invitation_active
    assert rounds.revoke_invitation(info.id, viewer=ANNA)
    assert not rounds.revoke_invitation(info.id, viewer=ANNA)  # once
    with pytest.raises(TeamRoundError) as refused:
        rounds.join(token, answered(store, BOSS, 2), "Boss", None, viewer=BOSS, links="team")
    assert refused.value.key == "invite_invalid"
    assert not rounds.info(info.id, viewer=ANNA).invitation_active
    assert [r.name for r in rounds.responses(info.id, viewer=ANNA)] == ["Ben"]


def test_nobody_joins_someone_elses_conversation_or_manages_someone_elses_round(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="team")
    bens = answered(store, BEN, 1)
    for attempt in (
        lambda: rounds.join(token, bens, "Ben", None, viewer=ANNA, links="team"),  # Ben's conversation
        lambda: rounds.join(token, "0" * 32, "Niemand", None, viewer=ANNA, links="team"),  # no conversation
        lambda: rounds.join(token, bens, "Ben", None, viewer=anonymous_with(bens), links="public"),  # owned: not theirs
    ):
        with pytest.raises(TeamRoundError) as refused:
            attempt()
        assert refused.value.key == "invite_invalid"
    for attempt in (
        lambda: rounds.close(info.id, viewer=BEN),
        lambda: rounds.responses(info.id, viewer=BEN),
        lambda: rounds.respondents(info.id, viewer=BEN),
        lambda: rounds.remove_response(info.id, bens, viewer=BEN),
        lambda: rounds.close("not-a-round", viewer=MACHINE_OWNER),
    ):
        with pytest.raises(TeamRoundError) as refused:
            attempt()
        assert refused.value.key == "unknown_round"
    assert rounds.info(info.id, viewer=ANNA).responses == 0 and not rounds.info(info.id, viewer=ANNA).closed


@pytest.mark.parametrize(
    ("links", "viewer", "refusal"),
    [
        ("off", BEN, "links_off"),
        ("off", MACHINE_OWNER, "links_off"),
        ("team", Viewer("anonymous"), "links_team_only"),
    ],
)
def test_invitations_follow_the_share_link_setting(store, links, viewer, refusal):
    rounds = TeamRounds(store)
    _, token = rounds.create("Q1", None, viewer=ANNA, links="public")
    for attempt in (
        lambda: rounds.open_invitation(token, viewer=viewer, links=links),
        lambda: rounds.join(token, "0" * 32, "X", None, viewer=viewer, links=links),
        lambda: rounds.create("Q2", None, viewer=viewer, links=links),
    ):
        with pytest.raises(TeamRoundError) as refused:
            attempt()
        assert refused.value.key == refusal
    assert rounds.open_invitation(token, viewer=BEN, links="team").name == "Q1"


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [("Anna", "Anna"), ("  Anna \n Berg\t", "Anna Berg"), ("An\u202ena\x07", "Anna"), ("Gül\x1b", "Gül")],
)
def test_names_lose_control_characters(name, cleaned):
    assert clean_label(name) == cleaned


@pytest.mark.parametrize("name", ["", "   ", "\x00\x07\x1b", "\u200b\u202e", "x" * 81, None])
def test_a_name_with_nothing_visible_or_too_long_is_refused_with_a_clear_message(store, name):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", ["Marketing"], viewer=ANNA, links="team")
    with pytest.raises(TeamRoundError) as refused:
        rounds.join(token, answered(store, BEN, 2), name, None, viewer=BEN, links="team")
    assert refused.value.key == "bad_name" and "visible character" in str(refused.value)
    assert "sichtbares Zeichen" in refused.value.text("de")
    with pytest.raises(TeamRoundError) as wrong_role:
        rounds.join(token, answered(store, BEN, 2), "Ben", "Vertrieb", viewer=BEN, links="team")
    assert wrong_role.value.key == "bad_role" and "Marketing" in wrong_role.value.text("de")
    assert rounds.responses(info.id, viewer=ANNA) == []


def test_ten_colleagues_joining_at_once_lose_nothing(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="public")
    people = [Viewer("member", subject_of(ISSUER, f"p{n}"), f"p{n}@acme.example", f"P{n}") for n in range(10)]
    conversations_of = [answered(store, person, n % 4) for n, person in enumerate(people)]
    barrier, failures = threading.Barrier(10), []

    def join(n: int) -> None:
        barrier.wait()
        try:
            rounds.join(token, conversations_of[n], f"Person {n}", None, viewer=people[n], links="public")
        except Exception as error:  # collected: a thread's exception would otherwise vanish
            failures.append(error)

    threads = [threading.Thread(target=join, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(r.name for r in rounds.responses(info.id, viewer=ANNA)) == sorted(f"Person {n}" for n in range(10))
    rounds.close(info.id, viewer=ANNA)
    _, respondents = rounds.respondents(info.id, viewer=ANNA)
    assert sorted(r.evidence[0].level for r in respondents) == sorted(n % 4 for n in range(10))


def test_removing_an_answer_or_deleting_a_conversation_takes_it_out_of_the_round(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="team")
    bens, boss = answered(store, BEN, 1), answered(store, BOSS, 2)
    rounds.join(token, bens, "Ben", None, viewer=BEN, links="team")
    rounds.join(token, boss, "Boss", None, viewer=BOSS, links="team")
    assert rounds.remove_response(info.id, boss, viewer=ANNA)
    assert store.load(boss, viewer=BOSS) is not None  # the conversation stays its owner's
    assert store.delete_user("ben@acme.example") == 1
    assert rounds.info(info.id, viewer=ANNA).responses == 0
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(team_responses)).scalar_one() == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migration_from_todays_schema_keeps_every_conversation_owner_and_link(backend, tmp_path):
    url = store_url(backend, tmp_path)
    old = [(sample_conversation("Annas Frage"), "anna@acme.example"), (sample_conversation("ohne Besitzer"), None)]
    tokens = write_v2_store(url, old)
    store = Store(url)
    try:
        for conversation, email in old:
            loaded, revision = store.load(conversation.id, viewer=MACHINE_OWNER)
            assert conversation_data(loaded) == conversation_data(conversation) and revision == 1
            assert store.open_share(tokens[conversation.id]) == {"id": conversation.id}
            assert store.info(conversation.id, viewer=MACHINE_OWNER).owner_email == email
        assert [info.id for info in store.recent(viewer=ANNA)] == [old[0][0].id]
        assert store.info(old[0][0].id, viewer=BEN).team_shared  # shared with the team before: still
        with store.engine.connect() as connection:
            assert connection.execute(sa.select(schema_info.c.value)).scalar_one() == str(SCHEMA_VERSION) == "4"
            assert connection.execute(sa.select(sa.func.count()).select_from(conversations)).scalar_one() == 2
        rounds = TeamRounds(store)
        info, token = rounds.create("Nach der Migration", None, viewer=ANNA, links="team")
        rounds.join(token, old[0][0].id, "Anna", None, viewer=ANNA, links="team")
        assert rounds.info(info.id, viewer=ANNA).responses == 1
        again = Store(url)  # migrates once: a second start changes nothing
        assert [r.id for r in TeamRounds(again).visible(viewer=ANNA)] == [info.id]
        again.close()
    finally:
        store.close()


def _pass_closing_date(store: Store, round_id: str, stamp: str = "2026-01-31T23:59:59+00:00") -> None:
    """Move a round's closing date into the past, as time passing would."""
    with store.engine.begin() as connection:
        connection.execute(team_rounds.update().where(team_rounds.c.id == round_id).values(closes_at=stamp))


def test_a_round_closes_itself_at_its_closing_date_keeping_the_answers_as_they_were(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="team", closes_at="2099-03-31")
    assert info.closes_at == "2099-03-31T23:59:59+00:00" and not info.closed  # a date alone: until it ends
    mine = answered(store, BEN, 3, "Lea ist für jeden Kanal zuständig.")
    rounds.join(token, mine, "Ben", None, viewer=BEN, links="team")
    assert rounds.open_invitation(token, viewer=BEN, links="team").id == info.id
    _pass_closing_date(store, info.id)

    with pytest.raises(TeamRoundError) as refused:  # the first call after the date finds it closed
        rounds.join(token, answered(store, BOSS, 2), "Boss", None, viewer=BOSS, links="team")
    assert refused.value.key == "closed_round"
    closed = rounds.info(info.id, viewer=ANNA)
    assert closed.closed and closed.closed_at == "2026-01-31T23:59:59+00:00" and closed.responses == 1
    loaded, revision = store.load(mine, viewer=BEN)  # later answers do not reach the report
    loaded.dialogue = DialogueState("de", evidence=(Evidence("roles", 0, 0.9, "Doch niemand.", turn=3),), turn=3)
    store.save(loaded, revision, viewer=BEN)
    _, respondents = rounds.respondents(info.id, viewer=ANNA)
    assert [item.quote for item in respondents[0].evidence if item.dimension == "roles"] == [
        "Lea ist für jeden Kanal zuständig."
    ]


def test_every_kind_of_call_closes_a_round_whose_date_has_passed(store):
    rounds = TeamRounds(store)
    calls = {
        "visible": lambda info, token: [r.closed for r in rounds.visible(viewer=ANNA) if r.id == info.id] == [True],
        "info": lambda info, token: rounds.info(info.id, viewer=ANNA).closed,
        "responses": lambda info, token: (
            rounds.responses(info.id, viewer=ANNA) == []
            and rounds.info(info.id, viewer=ANNA).closed_at == "2026-01-31T23:59:59+00:00"
        ),
        "respondents": lambda info, token: rounds.respondents(info.id, viewer=ANNA)[0].closed,
    }
    for name, call in calls.items():
        info, token = rounds.create(f"Q1 {name}", None, viewer=ANNA, links="team", closes_at="2099-01-01T09:00")
        _pass_closing_date(store, info.id)
        assert call(info, token), name


@pytest.mark.parametrize("value", ["2020-01-01", "gestern", "31.03.2027", "2027-02-30", "", now()])
def test_a_closing_date_that_is_not_a_future_date_is_refused_with_a_clear_message(store, value):
    with pytest.raises(TeamRoundError) as refused:
        TeamRounds(store).create("Q1", None, viewer=ANNA, links="team", closes_at=value or " ")
    assert refused.value.key == "bad_closing"
    assert "future" in refused.value.text("en") and "Zukunft" in refused.value.text("de")
    assert TeamRounds(store).visible(viewer=ANNA) == []  # nothing half-created


def test_closing_times_are_kept_in_utc():
    assert closing_time("2099-03-31T17:00") == "2099-03-31T17:00:00+00:00"
    assert closing_time("2099-03-31T17:00+02:00") == "2099-03-31T15:00:00+00:00"
    assert closing_time("2099-03-31") == "2099-03-31T23:59:59+00:00"


def test_a_round_can_show_roles_instead_of_names(store):
    rounds = TeamRounds(store)
    hidden, _ = rounds.create("Anonym", None, viewer=ANNA, links="team", show_names=False)
    named, _ = rounds.create("Mit Namen", None, viewer=ANNA, links="team")
    assert not hidden.show_names and named.show_names
    assert {r.name: r.show_names for r in rounds.visible(viewer=ANNA)} == {"Anonym": False, "Mit Namen": True}


def test_each_respondent_gives_the_strategys_purpose_in_one_sentence_replaceable_until_closing(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="team")
    ben, boss = answered(store, BEN, 2), answered(store, BOSS, 3)
    rounds.join(token, ben, "Ben", None, viewer=BEN, links="team")
    rounds.join(token, boss, "Boss", None, viewer=BOSS, links="team")
    rounds.record_purpose(token, ben, "Mehr Reichweite.", viewer=BEN, links="team")
    rounds.record_purpose(token, ben, "  Neue Auszubildende\u200b  gewinnen. ", viewer=BEN, links="team")  # replaced
    rounds.close(info.id, viewer=ANNA)
    _, respondents = rounds.respondents(info.id, viewer=ANNA)
    assert [(r.name, r.purpose) for r in respondents] == [("Ben", "Neue Auszubildende gewinnen."), ("Boss", None)]
    with pytest.raises(TeamRoundError) as refused:
        rounds.record_purpose(token, boss, "Zu spät.", viewer=BOSS, links="team")
    assert refused.value.key == "closed_round"


def test_a_purpose_is_refused_for_a_conversation_that_is_not_ones_own_or_has_not_joined(store):
    rounds = TeamRounds(store)
    info, token = rounds.create("Q1", None, viewer=ANNA, links="team")
    ben, not_joined = answered(store, BEN, 2), answered(store, ANNA, 3)
    rounds.join(token, ben, "Ben", None, viewer=BEN, links="team")
    for conversation, viewer in ((ben, ANNA), (not_joined, ANNA), ("no-such-conversation", BEN)):
        with pytest.raises(TeamRoundError) as refused:
            rounds.record_purpose(token, conversation, "Fremder Satz.", viewer=viewer, links="team")
        assert refused.value.key == "invite_invalid"
    for sentence in ("", " \u200b ", "x" * 501):
        with pytest.raises(TeamRoundError) as refused:
            rounds.record_purpose(token, ben, sentence, viewer=BEN, links="team")
        assert refused.value.key == "bad_purpose" and "500" in refused.value.text("de")
    rounds.close(info.id, viewer=ANNA)
    assert [r.purpose for r in rounds.respondents(info.id, viewer=ANNA)[1]] == [None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migration_from_schema_3_keeps_rounds_and_answers_and_adds_the_new_options(backend, tmp_path):
    url = store_url(backend, tmp_path)
    conversation = sample_conversation("Annas Antworten")
    round_id, token = write_v3_store(url, [(conversation, "anna@acme.example")])
    store = Store(url)
    try:
        rounds = TeamRounds(store)
        info = rounds.info(round_id, viewer=ANNA)
        assert (info.name, info.responses, info.closes_at, info.show_names, info.closed) == (
            "Vor Version 4",
            1,
            None,
            True,
            False,
        )
        rounds.record_purpose(token, conversation.id, "Fachkräfte finden.", viewer=ANNA, links="team")
        rounds.close(round_id, viewer=ANNA)
        _, respondents = rounds.respondents(round_id, viewer=ANNA)
        assert [(r.name, r.role, r.purpose) for r in respondents] == [("Anna", "Marketing", "Fachkräfte finden.")]
        assert [item.quote for item in respondents[0].evidence] == ["Niemand ist zuständig."]
        with store.engine.connect() as connection:
            assert connection.execute(sa.select(schema_info.c.value)).scalar_one() == "4"
    finally:
        store.close()
