"""The offline answer over the real knowledge base: language, citations, length, and saying "not covered"."""

import re

import pytest

from coach.answer.extractive import NOTHING_FOUND, Answer
from coach.answer.orientation import ASK_IN_A_SENTENCE
from coach.answer.verdict import without_verdict
from coach.config import PROJECT_ROOT
from coach.knowledge.articles import load_articles
from coach.session.coach import Coach

MARKER = re.compile(r"\s*\[(\d+)\]")

ON_TOPIC = [
    ("Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?", "de", "strategy-vs-action-plan"),
    ("Was ist der Unterschied zwischen Strategie und Maßnahmenplan?", "de", "strategy-vs-action-plan"),
    ("Wer sollte bei uns für Social Media verantwortlich sein?", "de", None),
    ("Was bedeutet „Bolt-On“ bei Social Media?", "de", "stage-bolt-on"),
    ("Muss jedes Unternehmen Stufe 3 erreichen?", "de", "does-every-company-need-stage-3"),
    ("Is posting three times a week a strategy?", "en", "strategy-vs-action-plan"),
    ("What's the difference between an objective, a goal and a tactic?", "en", "strategy-layers"),
    ("How do we get from Bolt-On to optimizing our social media?", "en", "from-bolt-on-to-optimizing"),
    ("Which signals can a company not afford to ignore on social media?", "en", "processes-and-signals"),
]

OFF_TOPIC = [
    ("How do I make pizza dough at home?", "en"),
    ("Can you give me a good pizza recipe?", "en"),
    ("Who won the football match yesterday?", "en"),
    ("What were the Bundesliga results last weekend?", "en"),
    ("Wie backe ich eine Pizza Margherita?", "de"),
    ("Ein Rezept für Pizzateig bitte", "de"),
    ("Wer hat gestern das Fußballspiel gewonnen?", "de"),
    ("Wie hat Bayern München am Wochenende gespielt?", "de"),
]


@pytest.fixture(scope="module")
def article_bodies() -> dict[str, str]:
    """Article id -> body text with whitespace and emphasis markers dropped, as quotes are."""
    articles = load_articles([PROJECT_ROOT / "knowledge" / "articles"])
    return {article.meta.id: " ".join(article.body.replace("**", "").split()) for article in articles}


def _quoted(answer: Answer) -> list[tuple[str, int]]:
    """The answer as (sentence or list item, source number) pairs; every one must end with its marker."""
    parts = MARKER.split(without_verdict(answer.text))
    assert parts[-1].strip() == "", f"text after the last citation: {parts[-1]!r}"
    return [(parts[i].strip().removeprefix("- "), int(parts[i + 1])) for i in range(0, len(parts) - 1, 2)]


@pytest.mark.parametrize(("question", "lang", "key"), ON_TOPIC)
def test_a_question_gets_a_short_answer_in_its_language_with_citations_that_point_to_sources(
    knowledge_coach: Coach, question: str, lang: str, key: str | None
):
    answer = knowledge_coach.ask(question)
    assert (answer.lang, answer.mode) == (lang, "offline")
    quoted = _quoted(answer)
    assert 1 <= len(quoted) <= 12 and 60 <= sum(len(sentence.split()) for sentence, _ in quoted) <= 150, answer.text
    assert [source.number for source in answer.sources] == list(range(1, len(answer.sources) + 1))
    assert {number for _, number in quoted} == {source.number for source in answer.sources}
    assert all(source.lang == lang for source in answer.sources)
    assert len(answer.sources) <= knowledge_coach.settings.top_k
    if key:
        assert key in {source.key for source in answer.sources}


@pytest.mark.parametrize(("question", "lang", "key"), ON_TOPIC)
def test_every_quoted_sentence_stands_verbatim_in_the_article_it_cites(
    knowledge_coach: Coach, article_bodies: dict[str, str], question: str, lang: str, key: str | None
):
    answer = knowledge_coach.ask(question)
    for sentence, number in _quoted(answer):
        source = answer.sources[number - 1]
        assert " ".join(sentence.split()) in article_bodies[source.id], (sentence, source.id)


@pytest.mark.parametrize(("question", "lang"), OFF_TOPIC)
def test_an_off_topic_question_gets_the_plain_not_covered_answer_without_sources(
    knowledge_coach: Coach, question: str, lang: str
):
    answer = knowledge_coach.ask(question)
    assert answer.lang == lang
    assert answer.text == NOTHING_FOUND[lang]
    assert answer.sources == [] and not answer.grounded
    assert not MARKER.search(answer.text)


def test_control_characters_and_emoji_in_a_question_do_not_change_the_answer(knowledge_coach: Coach):
    plain = knowledge_coach.ask("Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?")
    noisy = knowledge_coach.ask("Wir posten\x00 dreimal\u200b pro Woche auf Instagram – ist das\x1b eine Strategie?")
    assert noisy.text == plain.text
    with_emoji = knowledge_coach.ask("Wir posten dreimal pro Woche auf Instagram 📸 – ist das eine Strategie? 🤔")
    assert with_emoji.lang == "de" and with_emoji.sources


@pytest.mark.parametrize(
    "question",
    [
        "社交媒体战略是什么？",
        "Что такое стратегия в социальных сетях?",
        "ما هي استراتيجية وسائل التواصل الاجتماعي؟",
        "🚀🚀🚀",
    ],
)
def test_a_question_in_any_script_gets_a_well_formed_answer(knowledge_coach: Coach, question: str):
    answer = knowledge_coach.ask(question)
    assert answer.lang in {"de", "en"}
    if answer.sources:
        assert {number for _, number in _quoted(answer)} == {source.number for source in answer.sources}
    else:
        assert answer.text in (NOTHING_FOUND[answer.lang], ASK_IN_A_SENTENCE[answer.lang])


@pytest.mark.parametrize(
    ("question", "lang", "word"),
    [
        ("Is posting three times a week on Instagram a strategy? " * 100, "en", "characters"),
        ("Ist dreimal pro Woche auf Instagram posten eine Strategie? " * 100, "de", "Zeichen"),
    ],
)
def test_a_question_over_4000_characters_is_answered_on_its_start_with_a_notice(
    knowledge_coach: Coach, question: str, lang: str, word: str
):
    assert len(question) > 4000
    answer = knowledge_coach.ask(question)
    assert answer.lang == lang and answer.sources
    (notice,) = [notice for notice in answer.notices if "4000" in notice]
    assert word in notice


def test_the_json_of_an_answer_has_the_documented_fields(knowledge_coach: Coach):
    data = knowledge_coach.ask("Is posting three times a week a strategy?").to_json()
    assert set(data) == {"answer", "sources", "mode", "lang", "notices"}
    assert all(set(source) == {"id", "title", "lang", "text", "score"} for source in data["sources"])


@pytest.mark.parametrize(("question", "lang", "key"), ON_TOPIC)
def test_the_answer_opens_with_the_article_retrieval_ranked_first(
    knowledge_coach: Coach, question: str, lang: str, key: str | None
):
    best = knowledge_coach.retrieve(question, lang, knowledge_coach.settings.top_k).hits[0]
    assert knowledge_coach.ask(question).sources[0].key == best.key
