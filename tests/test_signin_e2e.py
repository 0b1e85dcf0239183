"""Sign-in end to end: a real OpenID Connect provider on loopback (oidc-provider-mock), `streamlit run app.py`
with `[auth]` pointing at it, and Debian's Chromium signing different people in and out.

Anna and Ben are the team (acme.example), Boss is an admin, Eve is from another domain. Screenshots go to
artifacts/screenshots/signin-*.png.
"""

import contextlib
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.support.e2e_support as e2e
from coach.records.access import MACHINE_OWNER
from coach.records.store import Store
from tests.support.oidc_provider import Provider, auth_secrets, metadata_naming_another_issuer, oidc_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not e2e.CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]
COOKIE_SECRET = secrets.token_hex(32)
PEOPLE = {
    "anna": ("anna@acme.example", "Anna Albers"),
    "ben": ("ben@acme.example", "Ben Brandt"),
    "boss": ("boss@acme.example", "Bea Boss"),
    "eve": ("eve@elsewhere.example", "Eve Evans"),
}


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with oidc_provider(tmp_path_factory.mktemp("oidc") / "provider.log") as running:
        for subject, (email, name) in PEOPLE.items():
            running.add_user(subject, email, name)
        yield running


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store") / "conversations.db"


@pytest.fixture(scope="module")
def server(app_data_dir: Path, provider: Provider, store_path: Path, tmp_path_factory) -> Iterator[e2e.Server]:
    with signin_app(app_data_dir, provider, store_path, tmp_path_factory.mktemp("signin-app")) as running:
        yield running


@contextlib.contextmanager
def signin_app(
    app_data_dir: Path, provider: Provider, store_path: Path, folder: Path, metadata_url: str | None = None
) -> Iterator[e2e.Server]:
    """`streamlit run app.py` with sign-in through `provider` (its discovery document from `metadata_url`)."""
    port = e2e.free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(auth_secrets(provider, f"http://127.0.0.1:{port}", COOKIE_SECRET, metadata_url))
    env = {
        "COACH_DATABASE_URL": f"sqlite:///{store_path}",
        "COACH_TEAM_DOMAINS": "acme.example",
        "COACH_ADMINS": "boss@acme.example",
        "AUTHLIB_INSECURE_TRANSPORT": "1",  # the provider speaks plain HTTP on loopback, in the tests only
    }
    args = ["--secrets.files", str(secrets_file)]
    with e2e.streamlit_server(app_data_dir, folder / "server.log", env, args, port=port) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = e2e.launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def person(browser, server: e2e.Server, provider: Provider):
    """A browser of its own (own cookies: one person), allowed to reach the app and the provider only."""
    context = browser.new_context(viewport=e2e.DESKTOP)
    page = context.new_page()

    def route(request_route, request) -> None:
        if request.url.startswith((server.url, provider.url, "data:", "blob:")):
            request_route.continue_()
        else:
            request_route.abort()

    page.route("**/*", route)
    return page


def sign_in(page, server: e2e.Server, subject: str, expect_chat: bool = True) -> None:
    page.goto(server.url)
    page.locator(".st-key-sign-in").get_by_role("button").click()
    page.get_by_placeholder("sub").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**", timeout=e2e.ANSWER_TIMEOUT_MS)
    if expect_chat:
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(page)


def sidebar(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def own_list(page):
    return page.locator("[class*='st-key-open-']")


def test_team_members_sign_in_keep_their_own_share_with_the_team_and_an_admin_sees_all(
    browser, server, provider, store_path
) -> None:
    anna = person(browser, server, provider)
    anna.goto(server.url)
    anna.get_by_text("Sign in with your organisation").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    anna.locator(".st-key-sign-in").get_by_role("button").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(anna)
    assert anna.get_by_test_id("stChatInputTextArea").count() == 0  # nothing but the sign-in page
    e2e.screenshot(anna, "signin-page")

    sign_in(anna, server, "anna")
    assert "Signed in as Anna Albers (anna@acme.example)" in sidebar(anna)
    e2e.send(anna, "Our bakery posts daily on Instagram: is that a strategy?")
    annas_id = anna.url.split("c=")[1].split("&")[0]
    assert own_list(anna).count() == 1

    ben = person(browser, server, provider)
    sign_in(ben, server, "ben")
    assert own_list(ben).count() == 0 and "Our bakery posts daily" not in sidebar(ben)
    e2e.send(ben, "Who should be responsible for social media?")
    ben.goto(f"{server.url}/?c={annas_id}")  # Anna's id, typed in: the same as an unknown one
    ben.get_by_test_id("stChatInputTextArea").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(ben)
    assert "not stored" in ben.inner_text("body") and "Our bakery posts daily" not in ben.inner_text("body")

    anna.get_by_text("Share with my team (read-only)").click()
    e2e.wait_idle(anna)
    ben.goto(server.url)
    ben.get_by_test_id("stChatInputTextArea").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(ben)
    ben.locator(f".st-key-team-{annas_id}").get_by_role("button").click()
    ben.get_by_text("Anna Albers shared this conversation with the team").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(ben)
    assert "Our bakery posts daily on Instagram: is that a strategy?" in ben.inner_text("body")
    assert ben.get_by_test_id("stChatInputTextArea").count() == 0  # read-only: no chat
    assert ben.locator(f".st-key-delete-{annas_id}").count() == 0
    e2e.screenshot(ben, "signin-team-read-only")

    boss = person(browser, server, provider)
    sign_in(boss, server, "boss")
    assert own_list(boss).count() == 2 and "admin" in sidebar(boss)
    assert "Anna Albers" in sidebar(boss) and "Ben Brandt" in sidebar(boss)
    e2e.screenshot(boss, "signin-admin")

    owners = {info.owner_email for info in Store(f"sqlite:///{store_path}").recent(viewer=MACHINE_OWNER)}
    assert owners == {"anna@acme.example", "ben@acme.example"}


def test_someone_from_another_domain_is_not_allowed_here(browser, server, provider) -> None:
    eve = person(browser, server, provider)
    sign_in(eve, server, "eve", expect_chat=False)
    eve.get_by_text("Not allowed here").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    assert eve.get_by_test_id("stChatInputTextArea").count() == 0 and "Anna" not in eve.inner_text("body")
    e2e.screenshot(eve, "signin-not-allowed")


def test_signing_out_and_a_tampered_cookie_lead_back_to_the_sign_in_page(browser, server, provider) -> None:
    anna = person(browser, server, provider)
    sign_in(anna, server, "anna")
    cookies = anna.context.cookies()
    user_cookie = next(cookie for cookie in cookies if cookie["name"].startswith("_streamlit_user"))
    tampered = {**user_cookie, "value": user_cookie["value"][:-6] + "AAAAAA"}
    anna.context.add_cookies([tampered])
    anna.goto(server.url)
    anna.get_by_text("Sign in with your organisation").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    assert anna.get_by_test_id("stChatInputTextArea").count() == 0

    sign_in(anna, server, "anna")
    anna.locator(".st-key-sign-out").get_by_role("button").click()
    anna.get_by_role("button", name="End session").click()  # the provider's own sign-out page
    anna.wait_for_url(f"{server.url}/**", timeout=e2e.ANSWER_TIMEOUT_MS)
    anna.get_by_text("Sign in with your organisation").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    assert anna.get_by_test_id("stChatInputTextArea").count() == 0


def test_an_expired_session_cookie_leads_back_to_the_sign_in_page(browser, server, provider) -> None:
    """The same identity, signed with the app's own secret, but 40 days ago: older than Streamlit's 30-day
    sign-in lifetime (itsdangerous, as Streamlit signs it), so it is refused."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class FortyDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 40 * 86400

    anna = person(browser, server, provider)
    sign_in(anna, server, "anna")
    user_cookie = next(cookie for cookie in anna.context.cookies() if cookie["name"] == "_streamlit_user")
    signing = URLSafeTimedSerializer(COOKIE_SECRET, salt=user_cookie["name"])
    payload = signing.loads(user_cookie["value"])
    # The control: the same payload signed now is still Anna (the re-signing itself is right).
    anna.context.add_cookies([{**user_cookie, "value": signing.dumps(payload)}])
    anna.goto(server.url)
    anna.get_by_test_id("stChatInputTextArea").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    expired = URLSafeTimedSerializer(COOKIE_SECRET, salt=user_cookie["name"], signer=FortyDaysAgo).dumps(payload)
    anna.context.add_cookies([{**user_cookie, "value": expired}])
    anna.goto(server.url)
    anna.get_by_text("Sign in with your organisation").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    assert anna.get_by_test_id("stChatInputTextArea").count() == 0


def test_an_id_token_from_another_issuer_is_refused_and_nothing_is_stored(
    browser, server, app_data_dir, provider, tmp_path
) -> None:
    """An app whose provider's discovery document names another issuer than the one that signs the ID tokens
    (as when a token comes from a provider other than the configured one): Authlib refuses the token inside
    `st.login`, the person is back on the sign-in page with no session cookie, and the store stays empty.
    The control: the same person through the same provider's own document is signed in."""
    control = person(browser, server, provider)
    sign_in(control, server, "anna")
    assert "Signed in as Anna Albers" in sidebar(control)

    store_path = tmp_path / "conversations.db"
    with (
        metadata_naming_another_issuer(provider, "https://login.elsewhere.example") as metadata_url,
        signin_app(app_data_dir, provider, store_path, tmp_path, metadata_url) as other,
    ):
        anna = person(browser, other, provider)
        sign_in(anna, other, "anna", expect_chat=False)
        anna.get_by_text("Sign in with your organisation").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
        e2e.wait_idle(anna)
        assert anna.get_by_test_id("stChatInputTextArea").count() == 0
        assert not [cookie for cookie in anna.context.cookies() if cookie["name"].startswith("_streamlit_user")]
        log = other.log.read_text()
    assert "token exchange failed" in log and "iss" in log
    assert not store_path.exists() or Store(f"sqlite:///{store_path}").recent(viewer=MACHINE_OWNER) == []
