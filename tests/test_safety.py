"""Text from articles, users and models is made inert before the app renders it as Markdown."""

import re

import pytest

from coach.safety import WORD_JOINER, inert


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="alert(1)">',
        "<script>alert(document.cookie)</script>",
        "<a href='javascript:alert(1)'>click</a>",
        "<http://127.0.0.1:9/autolink>",
        "&lt;img src=x onerror=alert(1)&gt;",
    ],
)
def test_html_shows_as_text(payload: str) -> None:
    shown = inert(payload)
    assert "<" not in shown and ">" not in shown
    assert "&lt;" in shown or "&amp;lt;" in shown


@pytest.mark.parametrize(
    "payload",
    [
        "![x](http://127.0.0.1:9/x.png)",
        "[click](javascript:alert(1))",
        "[ref]: http://127.0.0.1:9/x.png",
        "![x][ref]",
        ":red[colour] and :material/home:[x]",
        "\\![x](http://127.0.0.1:9/x.png)",
        "\\\\[y](javascript:alert(1))",
    ],
)
def test_markdown_images_and_links_show_as_text(payload: str) -> None:
    shown = inert(payload)
    # every bracket is escaped by an odd number of backslashes: none can open a link or an image
    for match in re.finditer(r"(\\*)[\[\]]", shown):
        assert len(match.group(1)) % 2 == 1, shown


def test_bare_urls_are_not_turned_into_links() -> None:
    shown = inert("see http://127.0.0.1:9/x.png, HTTPS://example.org and www.example.org")
    assert f"http:{WORD_JOINER}//127.0.0.1" in shown
    assert f"HTTPS:{WORD_JOINER}//example.org" in shown
    assert f"www{WORD_JOINER}.example.org" in shown


def test_citation_markers_stay_readable() -> None:
    assert inert("Roles need owners. [1] And deputies. [2]") == "Roles need owners. \\[1\\] And deputies. \\[2\\]"


def test_dollar_amounts_do_not_become_maths() -> None:
    assert inert("a budget of $500 and $200") == "a budget of \\$500 and \\$200"


def test_emphasis_lists_and_line_breaks_stay() -> None:
    assert inert("**Stage 1**\n- a\n- b") == "**Stage 1**  \n- a  \n- b"


def test_plain_text_is_unchanged() -> None:
    text = "Wer ist verantwortlich? Eine benannte Person – mit Vertretung."
    assert inert(text) == text


def test_inert_works_chunk_by_chunk_as_the_stream_needs() -> None:
    text = "Look <img src=x> and ![x](http://a/b.png) $5 [1]\nnext www.example.org"
    assert "".join(inert(part) for part in re.split(r"(?<= )", text)) == inert(text)
