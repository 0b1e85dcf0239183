"""End to end: a team round in a real browser. The owner starts it in the sidebar, three colleagues answer it in
their own browser contexts (English and German), the owner closes it and reads the report (dot chart, quotes
side by side), and a colleague who comes after closing is refused. `streamlit run app.py` on loopback, Debian's
Chromium through Playwright; screenshots go to artifacts/screenshots/."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.support.e2e_support as e2e
from tests.test_e2e import browser  # noqa: F401 (the module's fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not e2e.CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]

ROUND = "Social Media Q1 – Stadtwerke"
COLLEAGUES = [
    # name, role, browser locale, language chosen on the page (None: the browser's), quick reply to pick, sentence
    ("Anna", "Marketing", "en-US", None, 3, "To win trainees and customers in our region."),
    ("Bernd", "Kundenservice", "de-DE", None, 0, "Damit Kundinnen schneller Antworten bekommen."),
    ("Chris", "IT", "en-US", "Deutsch", 1, "Damit wir als Arbeitgeber sichtbar sind."),
]


@pytest.fixture(scope="module")
def server(app_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[e2e.Server]:
    """One app server with its own store, on the session's warm index; always stopped afterwards."""
    folder = tmp_path_factory.mktemp("team-e2e")
    store = {"COACH_DATABASE_URL": f"sqlite:///{folder / 'conversations.db'}"}
    with e2e.streamlit_server(app_data_dir, folder / "server.log", extra_env=store) as running:
        yield running


def tab(browser, server: e2e.Server, requests: list[str], locale: str = "en-US"):  # noqa: F811
    """A new browser context (its own session and cookies) with one tab; nothing may leave the machine."""
    context = browser.new_context(viewport=e2e.DESKTOP, locale=locale)
    page = context.new_page()
    e2e.local_only(page, server, requests)
    return page


def start_round(page, server: e2e.Server) -> str:
    """The owner's sidebar: a new round; returns its invitation link (shown once)."""
    e2e.open_app(page, server)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Start a team round").click()
    e2e.wait_idle(page)  # the first run of a fresh server may still be going on: the form must be its own
    sidebar.locator(".st-key-team-name input").fill(ROUND)
    sidebar.get_by_role("button", name="Create the round and its invitation link").click()
    code = sidebar.get_by_test_id("stCode")
    code.wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(page)
    e2e.screenshot(page, "team-owner-link")
    return code.inner_text().strip()


def answer(page, link: str, name: str, role: str, lang_button: str | None, pick: int, sentence: str) -> str:
    """A colleague opens the link, reads who will see the answers, runs the diagnostic and gives the sentence;
    returns what the invitation page said before the first question."""
    page.goto(link)
    page.locator(".st-key-invite_name input").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(page)
    if lang_button:
        page.locator(".st-key-invite_lang").get_by_text(lang_button, exact=True).click()
        e2e.wait_idle(page)
    before = page.get_by_test_id("stMainBlockContainer").inner_text()
    page.locator(".st-key-invite_name input").fill(name)
    page.locator(".st-key-invite_role input").fill(role)
    page.get_by_test_id("stMainBlockContainer").get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    e2e.wait_for_messages(page, 2)
    for _ in range(14):
        if page.locator(".st-key-quick-replies").count() == 0:
            break
        replies = e2e.quick_replies(page)
        e2e.click_and_wait(page, replies.nth(min(pick, replies.count() - 1)))
    purpose = page.locator(".st-key-invite_purpose input")
    purpose.wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    purpose.fill(sentence)
    page.get_by_role("button", name=re.compile("Save my sentence|Meinen Satz speichern")).click()
    page.get_by_test_id("stAlertContentSuccess").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(page)
    return before


def test_three_colleagues_answer_one_round_and_the_owner_reads_the_report(browser, server: e2e.Server) -> None:  # noqa: F811
    requests: list[str] = []
    owner = tab(browser, server, requests)
    link = start_round(owner, server)
    assert link.startswith(f"{server.url}/?team=")

    for number, (name, role, locale, lang_button, pick, sentence) in enumerate(COLLEAGUES):
        page = tab(browser, server, requests, locale)
        before = answer(page, link, name, role, lang_button, pick, sentence)
        if locale.startswith("de") or lang_button == "Deutsch":
            assert "Wer Ihre Antworten sieht" in before and "Team-Diagnose" in before
            assert "Ihr Satz ist gespeichert" in page.get_by_test_id("stMainBlockContainer").inner_text()
        else:
            assert "Who will see your answers" in before and "started this round" in before
            assert "Your sentence is saved" in page.get_by_test_id("stMainBlockContainer").inner_text()
        e2e.screenshot(page, f"team-respondent-{number + 1}")
        page.context.close()

    # The owner: who has answered (never what), then close the round and open its report.
    owner.reload()
    e2e.wait_idle(owner)
    sidebar = owner.get_by_test_id("stSidebar")
    sidebar.get_by_text("3 answered").click()
    listed = sidebar.inner_text()
    assert all(f"{name} ({role})" in listed for name, role, *_ in COLLEAGUES)
    assert not any(sentence in listed for *_, sentence in COLLEAGUES)
    confirm = owner.locator("[class*='st-key-close-'] button")
    for _ in range(3):  # the popover opens on a click once the sidebar has settled
        sidebar.get_by_role("button", name="Close the round").first.click()
        try:
            confirm.wait_for(timeout=5000)
            break
        except Exception:
            e2e.wait_idle(owner)
    confirm.click()
    e2e.wait_idle(owner)
    sidebar.locator("[class*='st-key-report-'] button").click()
    owner.get_by_test_id("stVegaLiteChart").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(owner)
    main = owner.get_by_test_id("stMainBlockContainer")
    text = main.inner_text()
    assert f"Team report: {ROUND}" in text and "The team's stage" in text
    assert main.get_by_test_id("stVegaLiteChart").count() == 1
    assert "Where you disagree most, side by side" in text
    side_by_side = main.get_by_test_id("stColumn")
    assert side_by_side.count() >= 3
    assert all(f"{name} ({role})" in text for name, role, *_ in COLLEAGUES)
    assert all(sentence in text for *_, sentence in COLLEAGUES)
    e2e.screenshot(owner, "team-report")
    owner.get_by_test_id("stVegaLiteChart").scroll_into_view_if_needed()
    e2e.screenshot(owner, "team-report-chart")

    # A colleague who comes after closing is refused, and sees nothing else.
    late = tab(browser, server, requests, "de-DE")
    late.goto(link)
    late.get_by_test_id("stAlertContentError").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_idle(late)
    refused = late.get_by_test_id("stMainBlockContainer").inner_text()
    assert "Diese Teamrunde ist abgeschlossen" in refused
    assert late.locator(".st-key-invite_name").count() == 0 and late.get_by_test_id("stChatInput").count() == 0
    e2e.screenshot(late, "team-late-refused")
    assert [url for url in requests if not url.startswith((server.url, "data:", "blob:"))] == []
