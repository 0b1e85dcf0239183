"""Who sees what in the app (AppTest, the real coach and store): anonymous visitors, sign-in, the team, links.

The sign-in itself (a real OpenID Connect provider and a browser) is in tests/test_signin_e2e.py; here the
signed-in user's claims are seeded as Streamlit's own tests do (`AppTest.user`).
"""

import pytest
from streamlit.testing.v1 import AppTest

from coach.config import Settings
from coach.readiness.model import load_model
from coach.records.access import MACHINE_OWNER, Viewer, subject_of
from coach.records.store import Store
from coach.records.transcript import record
from tests.support.store_support import sample_conversation
from tests.test_app import APP, TIMEOUT, assert_no_exception, click, send, sidebar_text, talk
from tests.test_app_sharing import texts

ISSUER = "http://127.0.0.1:9400"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-of-enough-length-0123456789",
    "client_id": "coach",
    "client_secret": "coach-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",  # nothing listens there
}


def claims(name: str, email: str, verified: bool = True) -> dict:
    return {"is_logged_in": True, "iss": ISSUER, "sub": name.lower(), "email": email, "name": name,
            "email_verified": verified}  # fmt: skip


ANNA = claims("Anna", "anna@acme.example")
BEN = claims("Ben", "ben@acme.example")
BOSS = claims("Boss", "boss@acme.example")


def as_viewer(user: dict, role: str = "member") -> Viewer:
    return Viewer(role, subject_of(user["iss"], user["sub"]), user["email"], user["name"])


@pytest.fixture
def team(env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_TEAM_DOMAINS", "acme.example")
    monkeypatch.setenv("COACH_ADMINS", "boss@acme.example")


def new_app(user: dict | None = None, signed_in: bool = False, **query: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if signed_in or user is not None:
        app.secrets["auth"] = AUTH
        app.user = user or {"is_logged_in": False}
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def stored(store_url: str, viewer: Viewer, text: str) -> str:
    conversation = sample_conversation(text)
    Store(store_url).save(conversation, 0, viewer=viewer)
    return conversation.id


def open_buttons(app: AppTest, prefix: str = "open-") -> set[str]:
    return {button.key.removeprefix(prefix) for button in app.button if button.key and button.key.startswith(prefix)}


# -- no sign-in: the machine's owner on loopback, or anonymous visitors ------------------------------


def test_on_loopback_without_sign_in_the_owner_sees_every_conversation(env, store_url) -> None:
    theirs = stored(store_url, MACHINE_OWNER, "Eine frühere Frage")
    app = new_app()
    assert_no_exception(app)
    assert theirs in open_buttons(app) and app.chat_input


def test_anonymous_visitors_see_a_notice_and_only_their_own_conversations(env, store_url, monkeypatch) -> None:
    monkeypatch.setenv("COACH_ALLOW_ANONYMOUS", "1")
    someone_elses = stored(store_url, MACHINE_OWNER, "Was jemand anderes gefragt hat")
    app = new_app()
    assert_no_exception(app)
    assert "Anyone who can reach this app can use it" in "\n".join(str(info.value) for info in app.sidebar.info)
    assert open_buttons(app) == set()
    app = send(app, "Is posting three times a week a strategy?")
    mine = talk(app).id
    assert open_buttons(app) == {mine} and someone_elses not in texts(app)
    # The id is a capability: a link with it opens that conversation, and this session holds it from then on.
    given = new_app(c=someone_elses)
    assert talk(given).id == someone_elses and open_buttons(given) == {someone_elses}


def test_an_anonymous_session_cannot_delete_a_conversation_it_does_not_hold(env, store_url, monkeypatch) -> None:
    """A crafted callback (the delete of an id this session does not hold) is checked by the store."""
    monkeypatch.setenv("COACH_ALLOW_ANONYMOUS", "1")
    other = stored(store_url, MACHINE_OWNER, "nicht meins")
    crafted = AppTest.from_function(_delete_through_the_ui, args=(other,), default_timeout=TIMEOUT)
    crafted.session_state["viewer"] = Viewer("anonymous", holds=frozenset({"f" * 32}))
    crafted.run()
    assert_no_exception(crafted)
    assert "could not be deleted" in texts(crafted)
    assert Store(store_url).load(other, viewer=MACHINE_OWNER) is not None


def _delete_through_the_ui(conversation_id: str) -> None:
    import streamlit as st

    from coach.records.conversation import Conversation
    from coach.session.keeper import Keeper
    from ui import resources, state

    st.session_state.keeper = Keeper(resources.shared_store(), Conversation(), state.viewer())
    state.delete_conversation(conversation_id)
    state.render_notice()


# -- sign-in configured ------------------------------------------------------------------------------


def test_before_sign_in_only_the_sign_in_page_is_shown(team, store_url) -> None:
    stored(store_url, as_viewer(ANNA), "Annas Geheimnis")
    app = new_app(signed_in=True)
    assert_no_exception(app)
    assert "Sign in" in texts(app) and not app.chat_input and not app.sidebar.button
    assert "Annas Geheimnis" not in texts(app) + sidebar_text(app)


def test_an_unreachable_identity_provider_is_a_clear_message(team) -> None:
    app = click(new_app(signed_in=True), "sign-in")
    assert_no_exception(app)
    assert "sign-in service cannot be reached" in texts(app) and not app.chat_input


@pytest.mark.parametrize(
    "user",
    [claims("Eve", "eve@evil.example"), claims("Mallory", "mallory@acme.example", verified=False), claims("X", "")],
)
def test_a_user_outside_the_team_gets_not_allowed_here(team, store_url, user) -> None:
    stored(store_url, as_viewer(ANNA), "Annas Geheimnis")
    app = new_app(user)
    assert_no_exception(app)
    assert "Not allowed here" in texts(app) and not app.chat_input
    assert "Annas Geheimnis" not in texts(app) + sidebar_text(app)


def test_members_see_their_own_and_the_teams_and_others_ids_are_unknown(team, store_url) -> None:
    annas = stored(store_url, as_viewer(ANNA), "Annas Frage")
    app = new_app(ANNA)
    assert_no_exception(app)
    assert "Signed in as Anna (anna@acme.example)" in sidebar_text(app)
    assert open_buttons(app) == {annas}
    ben = new_app(BEN)
    assert open_buttons(ben) == set() and open_buttons(ben, "team-") == set()
    snooping = new_app(BEN, c=annas)  # someone else's id in the URL: the same note as an unknown one
    assert talk(snooping).id != annas and "not stored" in texts(snooping)

    app = new_app(ANNA, c=annas)
    app.toggle(key="team_share").set_value(True).run()
    assert_no_exception(app)
    assert "Ihr Team kann dieses Gespräch jetzt lesen." in texts(app)  # the sample conversation is German
    ben = new_app(BEN)
    assert open_buttons(ben, "team-") == {annas}
    reading = click(ben, f"team-{annas}")
    assert talk(reading).id == annas and not reading.chat_input
    assert "Anna hat dieses Gespräch mit dem Team geteilt" in texts(reading)
    assert not [button for button in reading.button if button.key == f"delete-{annas}"]


def test_an_admin_sees_everyones_conversations_with_their_owners(team, store_url) -> None:
    annas = stored(store_url, as_viewer(ANNA), "Annas Frage")
    bens = stored(store_url, as_viewer(BEN), "Bens Frage")
    old = stored(store_url, MACHINE_OWNER, "aus der Zeit vor der Anmeldung")
    app = new_app(BOSS)
    assert_no_exception(app)
    assert open_buttons(app) == {annas, bens, old}
    labels = " ".join(str(button.label) for button in app.button)
    assert "Anna" in labels and "Ben" in labels and "no owner" in labels
    app = click(app, f"delete-{bens}")
    assert Store(store_url).load(bens, viewer=MACHINE_OWNER) is None


# -- share links under COACH_SHARE_LINKS ----------------------------------------------------------------


@pytest.fixture
def token(store_url) -> str:
    conversation = sample_conversation("geteilt")
    store = Store(store_url)
    store.save(conversation, 0, viewer=as_viewer(ANNA))
    snapshot = record(load_model(Settings().readiness_file), conversation)
    return store.share(conversation.id, snapshot, viewer=as_viewer(ANNA))


def test_links_off_opens_no_link(team, token, monkeypatch) -> None:
    monkeypatch.setenv("COACH_SHARE_LINKS", "off")
    for app in (new_app(share=token), new_app(ANNA, share=token)):
        assert "This link is not valid" in texts(app) and not app.chat_input


def test_team_links_need_sign_in_and_public_links_do_not(team, token, monkeypatch) -> None:
    monkeypatch.setenv("COACH_SHARE_LINKS", "team")
    assert "Sign in" in texts(new_app(signed_in=True, share=token))
    assert "This link is not valid" not in texts(new_app(ANNA, share=token))
    assert "Not allowed here" in texts(new_app(claims("Eve", "eve@evil.example"), share=token))
    monkeypatch.setenv("COACH_SHARE_LINKS", "public")
    assert "This link is not valid" not in texts(new_app(signed_in=True, share=token))
