"""Team rounds in the app (AppTest, the real coach): the owner's sidebar section, the invitation page
(`?team=TOKEN`) and the report page (`?round=ID`), and the bad input each of them refuses."""

import json
from datetime import UTC, datetime, timedelta

import pyarrow.ipc
import pytest
from streamlit.testing.v1 import AppTest

from coach.diagnostic.dialogue import DialogueState
from coach.readiness.rules import Evidence
from coach.records.access import MACHINE_OWNER, Viewer
from coach.records.conversation import Conversation, Turn
from coach.records.rounds import TeamRounds
from coach.records.schema import team_rounds
from coach.records.store import Store
from tests.test_app import APP, TIMEOUT, assert_no_exception, reply_keys, run_diagnostic, talk

ROLES = ["Marketing", "Service", "Management"]
ROUND = "Social Media Q1 – Stadtwerke"


@pytest.fixture
def anonymous(env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Visitors without sign-in: each session holds only the conversations and rounds it created."""
    monkeypatch.setenv("COACH_ALLOW_ANONYMOUS", "1")


@pytest.fixture
def rounds(store_url: str) -> TeamRounds:
    return TeamRounds(Store(store_url))


@pytest.fixture
def invitation(rounds: TeamRounds) -> tuple[str, str]:
    """A round of the machine's owner expecting three roles: (its id, its invitation token)."""
    info, token = rounds.create(ROUND, ROLES, viewer=MACHINE_OWNER, links="public")
    return info.id, token


# -- helpers --------------------------------------------------------------------------------------------


def new_app(**query: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def texts(app) -> str:
    """Everything a page (or its sidebar) shows as text."""
    parts = [*app.markdown, *app.caption, *app.title, *app.subheader, *app.warning, *app.info, *app.error]
    return "\n".join(str(part.value) for part in [*parts, *app.success, *app.code])


def submit(app: AppTest, form: str) -> AppTest:
    button = next(button for button in app.button if button.key and button.key.startswith(f"FormSubmitter:{form}-"))
    return button.click().run()


def fill_and_join(app: AppTest, name: str, role: str | None = None, lang: str | None = None) -> AppTest:
    """The invitation's form: language first (it redraws the page), then name and role, then start."""
    if lang is not None:
        app = app.button_group(key="invite_lang").set_value(lang).run()
    app.text_input(key="invite_name").set_value(name)
    if role is not None:
        widget = app.selectbox(key="invite_role") if app.selectbox else app.text_input(key="invite_role")
        widget.set_value(role)
    return submit(app, "team-join")


def refused(app: AppTest) -> bool:
    """The invitation page's refusal and nothing else: no form, no chat, no conversation."""
    return (
        any(title.value == "This invitation cannot be used" for title in app.title)
        and not app.text_input
        and not app.chat_input
        and "keeper" not in app.session_state
    )


def answered(rounds: TeamRounds, token: str, name: str, role: str | None, readings: dict[str, tuple[int, str]]) -> str:
    """A colleague's stored diagnostic with these readings ({dimension: (level, quote)}), joined; its id."""
    conversation = Conversation(lang="en", turns=[Turn("user", "(answered in the test)")])
    evidence = tuple(
        Evidence(key, level, 0.9, quote, turn=number) for number, (key, (level, quote)) in enumerate(readings.items())
    )
    conversation.dialogue = DialogueState("en", evidence=evidence, turn=len(evidence))
    rounds.store.save(conversation, 0, viewer=MACHINE_OWNER)
    rounds.join(token, conversation.id, name, role, viewer=MACHINE_OWNER, links="public")
    return conversation.id


MARKETING = {"roles": (3, "Every channel has a named owner."), "presence": (2, "We post on three channels.")}
SERVICE = {"roles": (0, "Nobody tells us who answers complaints."), "presence": (2, "We post regularly.")}


def chart(app: AppTest) -> tuple[dict, list[dict]]:
    """The page's one chart: its Vega-Lite specification and its rows (sent as Arrow)."""
    [element] = app.get("vega_lite_chart")
    rows = pyarrow.ipc.open_stream(element.proto.data.data).read_all().to_pylist()
    return json.loads(element.proto.spec), rows


def dots(app: AppTest) -> set[tuple[str, str, int]]:
    """The dot chart's dots: (colleague, dimension, level)."""
    spec, rows = chart(app)
    assert spec["mark"]["type"] == "circle" and spec["encoding"]["yOffset"]["field"] == "who"
    return {(row["who"], row["dimension"], row["level"]) for row in rows}


# -- the invitation page ------------------------------------------------------------------------------------


def test_an_invitation_says_who_sees_the_answers_before_it_asks_anything(env, invitation) -> None:
    app = new_app(team=invitation[1])
    assert_no_exception(app)
    shown = texts(app)
    assert f"Team diagnostic: {ROUND}" in shown
    assert "started this round" in shown and "everyone they share the report with" in shown
    assert "with your name and role" in shown
    assert app.selectbox(key="invite_role").options == ROLES  # only the round's roles can be chosen
    assert not app.chat_input and "keeper" not in app.session_state  # nothing starts before the form
    assert not app.sidebar.button  # no conversation list, no rounds: nothing of anyone else's


def test_a_round_that_shows_roles_says_so_in_german_and_takes_any_role(env, rounds) -> None:
    info, token = rounds.create(ROUND, viewer=MACHINE_OWNER, links="public", show_names=False)
    app = new_app(team=token).button_group(key="invite_lang").set_value("de").run()
    shown = texts(app)
    assert f"Team-Diagnose: {ROUND}" in shown and "zeigt Ihre Rolle, nicht Ihren Namen" in shown
    app = fill_and_join(app, "Bernd", "Einkauf")
    assert_no_exception(app)
    assert talk(app).lang == "de" and talk(app).in_diagnostic
    [response] = rounds.responses(info.id, viewer=MACHINE_OWNER)
    assert (response.name, response.role) == ("Bernd", "Einkauf")


def test_a_colleague_answers_in_a_conversation_of_their_own_joined_to_the_round(env, invitation, rounds) -> None:
    round_id, token = invitation
    app = fill_and_join(new_app(team=token), "Anna", "Service")
    assert_no_exception(app)
    assert talk(app).in_diagnostic and talk(app).lang == "en" and reply_keys(app)
    assert "You answer as Anna (Service)" in texts(app)
    [response] = rounds.responses(round_id, viewer=MACHINE_OWNER)
    assert (response.name, response.role, response.conversation_id) == ("Anna", "Service", talk(app).id)
    assert not [field for field in app.text_input if field.key == "invite_purpose"]  # asked only after the summary
    run_diagnostic(app)
    assert talk(app).summary is not None
    assert app.text_input(key="invite_purpose").label == "In one sentence: what is our social media strategy for?"
    app.text_input(key="invite_purpose").set_value("   ")
    app = submit(app, "team-purpose")
    assert "needs at least one visible character" in texts(app)  # refused, the question stays
    app.text_input(key="invite_purpose").set_value("To be the town's first address for energy questions.")
    app = submit(app, "team-purpose")
    assert "Your sentence is saved" in texts(app) and not [f for f in app.text_input if f.key == "invite_purpose"]
    # Back in the same session: a correction after the summary still counts, until the round closes.
    app = app.chat_input[0].set_value("Actually, we do have a budget of 2,000 euros a month for social media.").run()
    assert_no_exception(app)
    corrected = [item for item in talk(app).dialogue.evidence if item.quote.startswith("Actually, we do have")]
    assert [item.dimension for item in corrected] == ["resources"]
    rounds.close(round_id, viewer=MACHINE_OWNER)
    _, [respondent] = rounds.respondents(round_id, viewer=MACHINE_OWNER)
    assert respondent.evidence == talk(app).dialogue.evidence
    assert respondent.purpose == "To be the town's first address for energy questions."


def test_a_colleague_who_reloads_the_page_continues_their_own_diagnostic(env, invitation, rounds) -> None:
    round_id, token = invitation
    first = fill_and_join(new_app(team=token), "Anna", "Service")
    first = first.button(key=reply_keys(first)[0]).click().run()
    conversation_id, asked = talk(first).id, talk(first).dialogue.asked
    assert first.query_params["c"] in (conversation_id, [conversation_id])  # what a reload brings back
    again = fill_and_join(new_app(team=token, c=conversation_id), "Anna S.", "Service")
    assert_no_exception(again)
    assert talk(again).id == conversation_id and talk(again).dialogue.asked == asked and reply_keys(again)
    [response] = rounds.responses(round_id, viewer=MACHINE_OWNER)  # the same answer, under the new name
    assert (response.conversation_id, response.name) == (conversation_id, "Anna S.")


def test_a_conversation_in_the_url_that_is_no_diagnostic_is_not_joined(env, invitation, rounds) -> None:
    question = Conversation(lang="en", turns=[Turn("user", "Is posting three times a week a strategy?")])
    rounds.store.save(question, 0, viewer=MACHINE_OWNER)
    app = fill_and_join(new_app(team=invitation[1], c=question.id), "Anna", "Service")
    assert_no_exception(app)
    assert talk(app).id != question.id and talk(app).in_diagnostic
    [response] = rounds.responses(invitation[0], viewer=MACHINE_OWNER)
    assert response.conversation_id == talk(app).id


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200b", "x" * 81])
def test_a_name_that_is_empty_or_too_long_is_refused_and_the_form_keeps_its_values(
    env, invitation, rounds, name
) -> None:
    app = fill_and_join(new_app(team=invitation[1]), name, "Marketing")
    assert_no_exception(app)
    assert "A name needs at least one visible character (at most 80)." in texts(app)
    assert app.text_input(key="invite_name").value == name and app.selectbox(key="invite_role").value == "Marketing"
    assert "keeper" not in app.session_state and not app.chat_input
    assert rounds.responses(invitation[0], viewer=MACHINE_OWNER) == []


def test_a_role_the_round_does_not_expect_is_refused_before_the_first_question(env, invitation, rounds) -> None:
    """The form offers only the round's roles; a role that arrives anyway (a crafted request) is refused."""

    def page(token: str) -> None:
        from coach.records.access import MACHINE_OWNER
        from ui import state, team_invite

        state.set_viewer(MACHINE_OWNER)
        team_invite.begin(token, "Anna", "Finance", "en")

    app = AppTest.from_function(page, args=(invitation[1],), default_timeout=TIMEOUT).run()
    assert_no_exception(app)
    assert [error.value for error in app.error] == [
        "Unknown role Finance: this round expects Marketing, Service, Management."
    ]
    assert "keeper" not in app.session_state and rounds.responses(invitation[0], viewer=MACHINE_OWNER) == []


def _truncated(token: str) -> str:
    return token[:-6]


def _forged(token: str) -> str:
    return ("A" if token[0] != "A" else "B") + token[1:]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("closed", "This team round is closed: it takes no more answers."),
        ("revoked", "This invitation link is not valid"),
        ("forged", "This invitation link is not valid"),
        ("truncated", "This invitation link is not valid"),
        ("empty", "This invitation link is not valid"),
        ("past closing date", "This team round is closed: it takes no more answers."),
    ],
)
def test_a_bad_invitation_gets_a_clear_message_and_nothing_else(env, invitation, rounds, case, message) -> None:
    round_id, token = invitation
    if case == "closed":
        rounds.close(round_id, viewer=MACHINE_OWNER)
    elif case == "revoked":
        rounds.revoke_invitation(round_id, viewer=MACHINE_OWNER)
    elif case == "past closing date":
        soon = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
        info, token = rounds.create(ROUND, viewer=MACHINE_OWNER, links="public", closes_at=soon)
        with rounds.store.engine.begin() as connection:  # the day has passed
            connection.execute(
                team_rounds.update().where(team_rounds.c.id == info.id).values(closes_at="2020-01-01T00:00:00+00:00")
            )
    token = {"forged": _forged, "truncated": _truncated, "empty": lambda _: ""}.get(case, lambda same: same)(token)
    app = new_app(team=token)
    assert_no_exception(app)
    assert refused(app)
    assert message in texts(app)


def test_a_round_closed_while_a_colleague_answers_ends_their_page_in_their_language(env, invitation, rounds) -> None:
    round_id, token = invitation
    app = fill_and_join(new_app(team=token), "Carla", "Management", lang="de")
    app = app.button(key=reply_keys(app)[0]).click().run()
    answers = len(talk(app).turns)
    rounds.close(round_id, viewer=MACHINE_OWNER)
    app = app.run()
    assert_no_exception(app)
    assert "Diese Teamrunde ist abgeschlossen: Sie nimmt keine Antworten mehr an." in texts(app)
    assert not app.chat_input and not reply_keys(app)
    stored, _ = rounds.store.load(talk(app).id, viewer=MACHINE_OWNER)
    assert len(stored.turns) == answers  # nothing lost


# -- the report page --------------------------------------------------------------------------------------


def test_the_owner_reads_the_report_with_the_dot_chart_quotes_side_by_side_and_downloads(
    env, invitation, rounds
) -> None:
    round_id, token = invitation
    answered(rounds, token, "Anna", "Marketing", MARKETING)
    answered(rounds, token, "Ben", "Service", SERVICE)
    rounds.close(round_id, viewer=MACHINE_OWNER)
    app = new_app(round=round_id)
    assert_no_exception(app)
    shown = texts(app)
    assert f"Team report: {ROUND}" in shown
    assert dots(app) == {
        ("Anna (Marketing)", "Roles", 3),
        ("Ben (Service)", "Roles", 0),
        ("Anna (Marketing)", "Presence", 2),
        ("Ben (Service)", "Presence", 2),
    }
    assert "Where you disagree most, side by side" in shown
    assert "Every channel has a named owner." in shown and "Nobody tells us who answers complaints." in shown
    assert "The team's stage" in shown and "most disagreement first" in shown  # render_team_report's text
    downloads = {button.proto.label: button for button in app.get("download_button")}
    assert set(downloads) == {"Markdown", "JSON", "PDF"}  # the same three files as `team report --format`


def test_a_round_that_shows_roles_shows_no_names_in_its_report(env, rounds) -> None:
    info, token = rounds.create(ROUND, ROLES, viewer=MACHINE_OWNER, links="public", show_names=False)
    answered(rounds, token, "Anna Sommer", "Marketing", MARKETING)
    answered(rounds, token, "Ben Winter", "Service", SERVICE)
    answered(rounds, token, "Cleo Herbst", "Service", MARKETING)
    rounds.close(info.id, viewer=MACHINE_OWNER)
    app = new_app(round=info.id)
    assert_no_exception(app)
    page = texts(app) + str(dots(app))
    assert {who for who, _, _ in dots(app)} == {"Marketing", "Service 1", "Service 2"}
    assert not [name for name in ("Anna", "Ben", "Cleo", "Sommer", "Winter", "Herbst") if name in page]


@pytest.mark.parametrize("second", ["nobody", "answered nothing"])
def test_one_respondent_gets_a_clear_note_and_no_report(env, invitation, rounds, second) -> None:
    round_id, token = invitation
    answered(rounds, token, "Anna", "Marketing", MARKETING)
    if second == "answered nothing":
        answered(rounds, token, "Ben", "Service", {})
    rounds.close(round_id, viewer=MACHINE_OWNER)
    app = new_app(round=round_id)
    assert_no_exception(app)
    assert "this round has 1, so there is no report" in texts(app)
    assert not app.get("vega_lite_chart") and not app.get("download_button")


def test_a_colleague_who_answered_nothing_is_named_as_such_beside_the_others(env, invitation, rounds) -> None:
    round_id, token = invitation
    answered(rounds, token, "Anna", "Marketing", MARKETING)
    answered(rounds, token, "Ben", "Service", SERVICE)
    answered(rounds, token, "Dora", None, {})
    rounds.close(round_id, viewer=MACHINE_OWNER)
    app = new_app(round=round_id)
    assert_no_exception(app)
    assert "2 of 3 colleagues answered." in texts(app) and "Dora: answered nothing that counts yet" in texts(app)
    assert {who for who, _, _ in dots(app)} == {"Anna (Marketing)", "Ben (Service)"}  # no dot for Dora


def test_an_open_round_has_no_report_yet(env, invitation, rounds) -> None:
    round_id, token = invitation
    answered(rounds, token, "Anna", "Marketing", MARKETING)
    answered(rounds, token, "Ben", "Service", SERVICE)
    app = new_app(round=round_id)
    assert_no_exception(app)
    assert "This round is still open: close it first" in texts(app)
    assert "named owner" not in texts(app) and not app.get("vega_lite_chart")


# -- the owner's section, and a respondent who tries to read the report -------------------------------------


def create_in_sidebar(app: AppTest, name: str, roles: list[str], show_roles: bool = False, closes=None) -> AppTest:
    app.text_input(key="team-name").set_value(name)
    app.multiselect(key="team-roles").set_value(roles)
    if closes is not None:
        app.date_input(key="team-closes").set_value(closes)
    if show_roles:
        app.checkbox(key="team-show-roles").check()
    return submit(app, "team-create")


def test_the_owner_starts_a_round_sees_who_answered_not_what_and_closes_it(anonymous, rounds) -> None:
    owner = new_app()
    assert "Team diagnostic" in [header.value for header in owner.sidebar.subheader]
    closes = datetime.now(UTC).date() + timedelta(days=14)
    owner = create_in_sidebar(owner, ROUND, ["Marketing", "Finance"], show_roles=True, closes=closes)
    assert_no_exception(owner)
    [round_id] = owner.session_state["team_links"]
    [link] = [code.value for code in owner.sidebar.code]
    assert "/?team=" in link
    token = link.split("?team=")[1]
    info = rounds.open_invitation(token, viewer=Viewer("anonymous"), links="public")
    assert (info.id, info.roles, info.show_names) == (round_id, ["Marketing", "Finance"], False)
    assert info.closes_at.startswith(closes.isoformat())
    answered(rounds, token, "Anna", "Marketing", MARKETING)
    removed = answered(rounds, token, "Bob", "Finance", SERVICE)
    owner = owner.run()
    sidebar = texts(owner.sidebar)
    assert "Anna (Marketing) · joined" in sidebar and "Bob (Finance) · joined" in sidebar
    assert "named owner" not in sidebar and "complaints" not in sidebar  # who, never what
    owner = owner.button(key=f"remove-{round_id}-{removed}").click().run()
    assert [r.name for r in rounds.responses(round_id, viewer=MACHINE_OWNER)] == ["Anna"]
    owner = owner.button(key=f"revoke-round-{round_id}").click().run()
    assert "The invitation link is revoked" in texts(owner)
    assert refused(new_app(team=token))
    owner = owner.button(key=f"close-{round_id}").click().run()
    assert_no_exception(owner)
    assert rounds.info(round_id, viewer=MACHINE_OWNER).closed
    owner = owner.button(key=f"report-{round_id}").click().run()
    assert owner.query_params["round"] in (round_id, [round_id])
    assert "this round has 1, so there is no report" in texts(owner)
    # A new session of the owner's browser: the link was shown once, the anonymous round is not theirs any more.
    later = texts(new_app().sidebar)
    assert "/?team=" not in later and "Your team rounds appear here." in later


def test_a_round_without_a_name_is_refused_and_nothing_is_created(anonymous, rounds) -> None:
    owner = create_in_sidebar(new_app(), "   ", ["Marketing"])
    assert_no_exception(owner)
    assert "A name needs at least one visible character" in texts(owner)
    assert rounds.visible(viewer=MACHINE_OWNER) == []


def test_a_respondent_cannot_read_the_round_or_anyone_elses_answers_through_the_url(anonymous, rounds) -> None:
    owner = create_in_sidebar(new_app(), ROUND, [])
    [round_id] = owner.session_state["team_links"]
    token = owner.session_state["team_links"][round_id]
    respondent = fill_and_join(new_app(team=token), "Eve")
    answered(rounds, token, "Anna", "Marketing", MARKETING)
    owner.button(key=f"close-{round_id}").click().run()
    for query in ({"round": round_id}, {"round": round_id, "c": talk(respondent).id}):
        page = new_app(**query)
        assert_no_exception(page)
        assert "There is no team round of yours with this id." in texts(page)
        assert "named owner" not in texts(page) and not page.get("vega_lite_chart")
    # With the invitation in the URL too, the invitation page answers (closed), never the report.
    both = new_app(team=token, round=round_id)
    assert refused(both) and "named owner" not in texts(both)
    # In the respondent's own session, too.
    respondent.query_params["round"] = round_id
    respondent.query_params.pop("team", None)
    respondent = respondent.run()
    assert "There is no team round of yours with this id." in texts(respondent)


def test_with_links_switched_off_there_are_no_team_rounds(env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_SHARE_LINKS", "off")
    app = new_app()
    assert "Team rounds need invitation links, which are turned off here." in texts(app.sidebar)
    assert not [field for field in app.sidebar.text_input if field.key == "team-name"]
