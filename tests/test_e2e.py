"""End to end: `streamlit run app.py` on a loopback port, driven by Debian's Chromium through Playwright.

Screenshots at 1280x900 and 390x844 go to artifacts/screenshots/ (kept by CI as artifacts).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.support.e2e_support as e2e
from coach.safety import WORD_JOINER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not e2e.CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]

INJECTION = (
    'Is this a strategy? <img src=x onerror="window.__injected=1"> ![x](http://127.0.0.1:9/x.png) '
    "[click](javascript:window.__injected=2) :material/warning: :smile:"
)


@pytest.fixture(scope="module")
def server(app_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[e2e.Server]:
    """One app server for the module, on the session's warm index; always stopped afterwards."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with e2e.streamlit_server(app_data_dir, log) as running:
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


@pytest.fixture
def requests() -> list[str]:
    """Every URL the page asked for."""
    return []


@pytest.fixture
def page(browser, server: e2e.Server, requests: list[str]) -> Iterator:
    """A fresh tab (a new session of the app) at desktop size; nothing may leave the machine."""
    context = browser.new_context(viewport=e2e.DESKTOP)
    tab = context.new_page()
    e2e.local_only(tab, server, requests)
    e2e.open_app(tab, server)
    try:
        yield tab
    finally:
        context.close()


def outside(requests: list[str], server: e2e.Server) -> list[str]:
    return [url for url in requests if not url.startswith((server.url, "data:", "blob:"))]


def test_a_question_gets_an_answer_with_a_source(page, server: e2e.Server, requests: list[str]) -> None:
    e2e.screenshot(page, "desktop-welcome")
    e2e.send(page, "Is posting three times a week a strategy?")
    answer = e2e.messages(page).last
    assert "[1]" in answer.inner_text()
    sources = answer.get_by_test_id("stExpander")
    assert "Sources" in sources.inner_text()
    sources.locator("summary").click()
    assert "[1]" in sources.inner_text() and "English" in sources.inner_text()
    e2e.screenshot(page, "desktop-answer")
    assert outside(requests, server) == []


def test_the_diagnostic_runs_on_quick_replies_to_the_stage_summary(page, server: e2e.Server) -> None:
    clicks = e2e.run_diagnostic(page)
    assert 6 <= clicks <= 10
    summary = e2e.messages(page).last.inner_text()
    assert "Your stage" in summary and "Next steps" in summary
    sidebar = page.get_by_test_id("stSidebar")
    assert "Stage" in sidebar.inner_text() and "Next steps" in sidebar.inner_text()
    assert sidebar.get_by_test_id("stVegaLiteChart").count() == 1
    e2e.screenshot(page, "desktop-summary")
    page.set_viewport_size(e2e.PHONE)
    page.wait_for_timeout(500)
    e2e.screenshot(page, "phone-summary")
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar.get_by_test_id("stVegaLiteChart").wait_for()
    page.wait_for_timeout(500)
    e2e.screenshot(page, "phone-stage-panel")


def test_a_click_during_an_answer_does_not_lose_it(page) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("Who should be responsible for social media?")
    box.press("Enter")
    e2e.messages(page).nth(1).wait_for()
    page.get_by_test_id("stSidebar").get_by_text("Deutsch", exact=True).click()
    e2e.wait_for_messages(page, 3)
    assert e2e.messages(page).count() == 3
    assert "[1]" in e2e.messages(page).last.inner_text() and "Quellen" in e2e.messages(page).last.inner_text()


def test_html_and_markdown_images_in_a_message_load_nothing(page, server: e2e.Server, requests: list[str]) -> None:
    e2e.send(page, INJECTION)
    shown = e2e.messages(page).nth(1).inner_text().replace(WORD_JOINER, "")
    assert "<img src=x" in shown and "![x](http://127.0.0.1:9/x.png)" in shown and "[click](javascript:" in shown
    assert ":material/warning: :smile:" in shown and "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" not in shown
    content = e2e.messages(page).nth(1).get_by_test_id("stChatMessageContent")
    assert content.count() == 1 and content.get_by_test_id("stIconMaterial").count() == 0  # shown as typed
    assert page.locator("img[src='x'], img[src*='127.0.0.1:9']").count() == 0
    assert page.locator("a[href^='javascript:'], a[href*='127.0.0.1:9']").count() == 0
    assert page.evaluate("window.__injected") is None
    assert not [url for url in requests if url.endswith("/x") or "127.0.0.1:9/" in url]
    assert outside(requests, server) == []


def test_two_tabs_are_two_conversations(browser, server: e2e.Server) -> None:
    context = browser.new_context(viewport=e2e.DESKTOP)
    try:
        first, second = context.new_page(), context.new_page()
        e2e.open_app(first, server)
        e2e.open_app(second, server)
        e2e.send(first, "Who should be responsible for social media?")
        second.reload()
        e2e.open_app(second, server)
        assert e2e.messages(first).count() == 3 and e2e.messages(second).count() == 1
    finally:
        context.close()


def test_the_app_fits_a_phone_screen_and_follows_a_german_browser(browser, server: e2e.Server) -> None:
    context = browser.new_context(viewport=e2e.PHONE, is_mobile=True, has_touch=True, locale="de-DE")
    try:
        page = context.new_page()
        e2e.open_app(page, server)
        assert "Hallo" in e2e.messages(page).first.inner_text()
        e2e.screenshot(page, "phone-welcome")
        e2e.send(page, "Wer sollte für Social Media verantwortlich sein?")
        assert "Quellen" in e2e.messages(page).last.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= e2e.PHONE["width"]
        e2e.screenshot(page, "phone-answer")
    finally:
        context.close()


def test_a_reload_keeps_the_conversation(page, server: e2e.Server) -> None:
    e2e.send(page, "Who should be responsible for social media?")
    assert "?c=" in page.url
    page.reload()  # same URL, a new session of the app
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    e2e.wait_for_messages(page, 3)
    assert e2e.messages(page).count() == 3
    assert "Who should be responsible" in e2e.messages(page).nth(1).inner_text()


def test_a_share_link_opens_read_only_elsewhere_and_dies_when_revoked(page, browser, server: e2e.Server) -> None:
    e2e.run_diagnostic(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator(".st-key-share").get_by_role("button").click()
    e2e.wait_idle(page)
    link = sidebar.get_by_test_id("stCode").last.inner_text().strip()
    assert link.startswith(f"{server.url}/?share=")

    def open_link():
        context = browser.new_context(viewport=e2e.DESKTOP)  # another browser profile: no shared state
        other = context.new_page()
        seen: list[str] = []
        e2e.local_only(other, server, seen)
        other.goto(link)
        other.get_by_test_id("stHeading").first.wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
        e2e.wait_idle(other)
        return context, other, seen

    context, other, seen = open_link()
    try:
        text = other.get_by_test_id("stMain").inner_text()
        assert "Your stage" in text and "Next steps" in text
        assert other.get_by_test_id("stChatInputTextArea").count() == 0
        # The sidebar's downloads come last in the page's script run: on a loaded machine the main part can
        # already be on screen while the run goes on, so wait for the third button before counting.
        other.get_by_test_id("stDownloadButton").nth(2).wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
        assert other.get_by_test_id("stDownloadButton").count() == 3
        assert outside(seen, server) == []
        e2e.screenshot(other, "desktop-shared-link")
    finally:
        context.close()

    sidebar.locator("[class*='st-key-revoke-']").get_by_role("button").first.click()
    e2e.wait_idle(page)
    context, other, _ = open_link()
    try:
        assert "This link is not valid" in other.get_by_test_id("stMain").inner_text()
        assert other.get_by_test_id("stChatInputTextArea").count() == 0
    finally:
        context.close()


def test_on_a_phone_the_chat_says_the_stage_so_far_after_each_answer(browser, server: e2e.Server) -> None:
    """The sidebar is hidden at 390 px: the compact stage line in the chat is what a phone shows."""
    context = browser.new_context(viewport=e2e.PHONE, is_mobile=True, has_touch=True, locale="de-DE")
    try:
        page = context.new_page()
        e2e.open_app(page, server)
        e2e.send(page, "Diagnose starten")
        e2e.click_and_wait(page, e2e.quick_replies(page).nth(1))
        last = e2e.messages(page).last
        assert "Bisherige Stufe" in last.inner_text()
        assert last.get_by_text("Bisherige Stufe").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= e2e.PHONE["width"]
        e2e.screenshot(page, "phone-stage-line")
    finally:
        context.close()
