"""Cleaning user messages, capping their length, splitting sentences and telling German from English."""

import pytest

from coach.errors import BadInput
from coach.lang.detect import detect_language
from coach.session.coach import prepare_question
from coach.text import clean_message, split_sentences, strip_controls


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Was ist\x00 eine\x07 Strategie?", "Was ist eine Strategie?"),
        ("escape \x1b[31mred\x1b[0m text", "escape [31mred[0m text"),
        ("delete\x7f and C1\x85 controls", "delete and C1 controls"),
        ("zero\u200bwidth\u200c join\u200der\u2060s", "zerowidth joiners"),
        ("\ufeffbyte order mark", "byte order mark"),
        ("bidi \u202eoverride\u202c and \u2066isolate\u2069", "bidi override and isolate"),
        ("private \ue000use", "private use"),
        ("lines\nand\ttabs stay", "lines\nand\ttabs stay"),
        ("Emoji stay 🚀👍🏽 ❤️", "Emoji stay 🚀👍🏽 ❤️"),
        # The zero-width joiner goes too: a family emoji becomes its three people, nothing is lost.
        ("family 👨\u200d👩\u200d👧", "family 👨👩👧"),
        ("Ünïcödé: 社交媒体战略, стратегия, استراتيجية, רשת", "Ünïcödé: 社交媒体战略, стратегия, استراتيجية, רשת"),
        ("decomposed u\u0308mlaut", "decomposed ümlaut"),
    ],
)
def test_control_and_invisible_characters_are_dropped_and_every_script_is_kept(raw: str, clean: str):
    assert strip_controls(raw) == clean


@pytest.mark.parametrize("blank", ["", "   ", "\n\t  \n", "\x00\x01\x1f", "\u200b\u200d\ufeff", " \x7f \u2060 "])
def test_a_message_that_is_blank_after_cleaning_is_empty(blank: str):
    assert clean_message(blank, 4000).text == ""
    with pytest.raises(BadInput, match="the question is empty"):
        prepare_question(blank, 4000)


def test_a_message_within_the_limit_is_kept_whole():
    cleaned = clean_message("  " + "word " * 799 + "end  ", 4000)
    assert not cleaned.truncated
    assert cleaned.text.endswith("word end")


def test_a_long_message_is_cut_at_a_word_boundary_below_the_limit():
    cleaned = clean_message("strategy " * 1000, 4000)
    assert cleaned.truncated
    assert cleaned.original_length == len(("strategy " * 1000).strip())
    assert len(cleaned.text) <= 4000
    assert cleaned.text.endswith("strategy")


def test_a_long_message_without_spaces_is_cut_at_the_limit():
    cleaned = clean_message("x" * 5000, 4000)
    assert cleaned.truncated and cleaned.text == "x" * 4000


@pytest.mark.parametrize(
    ("question", "lang", "notice_words"),
    [
        ("Is posting three times a week a strategy? " * 120, "en", ["4000", "characters"]),
        ("Ist dreimal pro Woche posten eine Strategie? " * 120, "de", ["4000", "Zeichen"]),
    ],
)
def test_a_question_over_the_limit_gets_a_notice_in_its_language(question: str, lang: str, notice_words: list[str]):
    prepared = prepare_question(question, 4000)
    assert prepared.lang == lang
    assert len(prepared.text) <= 4000
    (notice,) = prepared.notices
    assert all(word in notice for word in notice_words)


def test_a_question_within_the_limit_has_no_notice():
    assert prepare_question("What is a strategy?", 4000).notices == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?", "de"),
        ("Was ist der Unterschied zwischen Strategie und Maßnahmenplan?", "de"),
        ("Was bedeutet „Bolt-On“ bei Social Media?", "de"),
        ("Was bedeutet Bolt-On?", "de"),
        ("Wie lange dauert der Weg zu Stufe 2?", "de"),
        ("Welche Rollen braucht ein Social-Media-Team?", "de"),
        ("Was kennzeichnet die Stufe „Optimizing your Social Media“?", "de"),
        ("Brauchen wir für Social Media wirklich eine eigene Abteilung?", "de"),
        ("wer kümmert sich bei uns um beschwerden am wochenende", "de"),
        ("Diagnose starten", "de"),
        ("Diagnose bitte", "de"),
        ("hilfe, chef will social media", "de"),
        ("Muss jede Firma irgendwann Social in allen Bereichen leben?", "de"),
        ("Reach oder Engagement, was ist wichtiger für unseren Content-Plan?", "de"),
        ("Will this work for a B2B company?", "en"),
        ("start the diagnostic", "en"),
        ("We post three times a week on Instagram, is that a strategy?", "en"),
        ("What's the difference between an objective, a goal and a tactic?", "en"),
        ("Who owns social media in our company?", "en"),
        ("how do we get from bolt-on to optimizing", "en"),
        ("Does every company need to reach stage 3?", "en"),
    ],
)
def test_the_language_of_a_question_is_german_or_english(text: str, lang: str):
    assert detect_language(text) == lang


@pytest.mark.parametrize(("default", "expected"), [("en", "en"), ("de", "de")])
def test_a_message_without_language_clues_takes_the_default(default: str, expected: str):
    assert detect_language("KPI? 🚀 2024", default=default) == expected


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One sentence. Another one! A third? Yes.", ["One sentence.", "Another one!", "A third?", "Yes."]),
        (
            "Zum Beispiel z.B. Kanäle, d.h. Instagram. Dann mehr.",
            ["Zum Beispiel z.B. Kanäle, d.h. Instagram.", "Dann mehr."],
        ),
        ("- a bullet\n- another bullet\n1. a numbered line", ["a bullet", "another bullet", "a numbered line"]),
        ("Version 2.0 is out. It works.", ["Version 2.0 is out.", "It works."]),
        (
            "about 700 drivers. theyre the best! drivers post, e.g. photos. ok?",
            ["about 700 drivers.", "theyre the best!", "drivers post, e.g. photos.", "ok?"],
        ),
        ("Wir sind ca. 30 Leute, vgl. oben. das reicht", ["Wir sind ca. 30 Leute, vgl. oben.", "das reicht"]),
    ],
)
def test_text_is_split_into_sentences(text: str, sentences: list[str]):
    assert split_sentences(text) == sentences
