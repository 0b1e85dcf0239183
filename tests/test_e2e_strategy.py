"""End to end: a marketer uploads a Word file and pastes a plan in Chromium, and reads the labelled check."""

import io

import docx
import pytest

import tests.support.e2e_support as e2e
from tests.test_e2e import browser, page, requests, server  # noqa: F401 (the module's fixtures)
from tests.test_strategy import ACTION_PLAN, STRATEGY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not e2e.CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


def _word_file(text: str) -> bytes:
    document = docx.Document()
    lines = [line for line in text.splitlines() if line.strip()]
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _form(page):  # noqa: F811 (page is the fixture's name)
    """The strategy check's form in the chat (the sidebar has forms of its own: a team round's)."""
    return page.get_by_test_id("stMainBlockContainer").get_by_test_id("stForm")


def _open_form(page) -> None:  # noqa: F811
    e2e.click_and_wait(page, page.locator(".st-key-check-strategy").get_by_role("button"))
    _form(page).wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)


def test_an_uploaded_word_file_is_checked_and_its_statements_labelled(page) -> None:  # noqa: F811
    _open_form(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "strategy.docx", "mimeType": "application/octet-stream", "buffer": _word_file(STRATEGY)}]
    )
    page.get_by_text("strategy.docx").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
    before = e2e.messages(page).count()
    _form(page).get_by_role("button", name="Check").click()
    e2e.wait_for_messages(page, before + 2)
    last = e2e.messages(page).last
    assert "Strategy check:" in last.inner_text()
    assert "deliberately stay out of racing" in last.inner_text()
    last.scroll_into_view_if_needed()
    e2e.screenshot(page, "desktop-strategy-check-upload")


def test_a_pasted_german_plan_is_checked_in_the_readers_language_quoting_it_as_written(page) -> None:  # noqa: F811
    _open_form(page)  # an English conversation: the check speaks English and reads the paper in German
    _form(page).get_by_role("textbox").fill(ACTION_PLAN)
    before = e2e.messages(page).count()
    _form(page).get_by_role("button", name="Check").click()
    e2e.wait_for_messages(page, before + 2)
    text = e2e.messages(page).last.inner_text()
    assert "Strategy check: Action plan" in text and "Instagram: 3 Posts pro Woche" in text
    e2e.screenshot(page, "desktop-strategy-check-paste")
