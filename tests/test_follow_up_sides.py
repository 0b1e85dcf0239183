"""Issue 17, "Answers that read like a coach": a follow-up that asks about a side of the previous topic (who does
it, how long it takes) opens with a sentence of the section that answers that side, and a request for a starting
point that names nothing the articles are about gets the orientation. Written for the issue's known failures,
in other words than the eval sets'."""

import re

import pytest

from coach.answer.followup import TIMELINE, aspect_query
from coach.answer.orientation import OFFER
from coach.answer.reading import question_kind, topic_stems, wants_orientation
from coach.session.coach import Coach

_MARKER = re.compile(r"\s*\[\d+\]")


def _first_sentence(text: str) -> str:
    return _MARKER.split(text.lstrip("- "), maxsplit=1)[0]


def _follow_up(coach: Coach, first: str, second: str, lang: str):
    earlier = coach.ask(first, lang)
    return coach.ask(second, lang, history=[("user", first), ("coach", earlier.text)])


@pytest.mark.parametrize(
    ("first", "second", "lang"),
    [
        ("When you professionalise social media, what comes first?", "And who should do that?", "en"),
        (
            "Was kommt zuerst, wenn ein Unternehmen auf Stufe 2 Social Media optimiert?",
            "Und wer sollte das machen?",
            "de",
        ),
    ],
)
def test_who_after_the_first_task_of_stage_two_opens_with_roles_not_staff_guidelines(
    knowledge_coach: Coach, first: str, second: str, lang: str
) -> None:
    answer = _follow_up(knowledge_coach, first, second, lang)
    opening = _first_sentence(answer.text)
    assert answer.sources[0].key in {"roles-and-responsibilities", "stage-optimizing-social"}, answer.text
    assert re.search(r"(?i)\b(roles?|rollen|verantwort\w*|owners?)\b", opening), opening
    assert not re.search(r"(?i)guidelines", opening), opening


@pytest.mark.parametrize(
    ("first", "second", "lang"),
    [
        ("What is stage 2, Optimizing your Social Media?", "and how long does that take?", "en"),
        ("Was bedeutet Stufe 2, Optimizing your Social Media?", "und wie lange dauert das?", "de"),
    ],
)
def test_how_long_after_stage_two_opens_with_the_ninety_day_plan(
    knowledge_coach: Coach, first: str, second: str, lang: str
) -> None:
    answer = _follow_up(knowledge_coach, first, second, lang)
    assert answer.sources[0].key == "from-bolt-on-to-optimizing", answer.text
    assert re.search(r"(?i)\b(ninety|neunzig|90)\b", _first_sentence(answer.text)) or re.search(
        r"(?i)\b(days|tag) 1-30", answer.text
    ), answer.text


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("and how long does that take?", "how_long"),
        ("und wie lange dauert das?", "how_long"),
        ("realistic timeline?", "how_long"),
        ("Ist das auf Dauer eine Strategie?", "yes_no"),  # "auf Dauer" asks no duration
    ],
)
def test_a_question_about_duration_is_a_how_long_question(question: str, kind: str) -> None:
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("and how long does that take?", True),
        ("und wie lange dauert das?", True),
        ("how long does the inventory take?", False),  # a topic of its own: read with the previous question only
    ],
)
def test_a_how_long_follow_up_with_no_topic_of_its_own_is_also_read_on_its_own(question: str, aspect: bool) -> None:
    query = aspect_query(question, "how_long", "en")
    assert (query is not None) == aspect
    assert query is None or TIMELINE["en"] in query


_STEMS = topic_stems(["The layers of a social media strategy", "Stage 0: a company without social media presence"])


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Ab Montag mache ich unsere Social-Media-Sachen und hab null Ahnung. Wo fange ich an?", True),
        ("My manager wants me to take care of our social from Monday and I have no clue where to begin", True),
        ("Where do we start with our strategy?", False),  # names a topic of the headings
        ("How do the layers fit together?", False),  # asks for no starting point
    ],
)
def test_a_request_for_a_starting_point_is_known_by_its_words_and_the_headings(question: str, wanted: bool) -> None:
    assert wants_orientation(question, _STEMS) == wanted


@pytest.mark.parametrize(
    ("question", "lang", "offered"),
    [
        ("Ab Montag mache ich unsere Social-Media-Sachen und hab null Ahnung. Wo fange ich an?", "de", True),
        # "from" is a word of some heading ("From Bolt-On to ..."): read on its words (the right article, no offer).
        ("My manager wants me to take care of our social from Monday and I have no clue where to begin", "en", False),
    ],
)
def test_a_request_for_a_starting_point_opens_from_a_starting_article(
    knowledge_coach: Coach, question: str, lang: str, offered: bool
) -> None:
    answer = knowledge_coach.ask(question, lang)
    assert answer.sources and answer.sources[0].key in {"stage-not-started", "readiness-model"}, answer.text
    assert (OFFER[lang] in answer.text) == offered
