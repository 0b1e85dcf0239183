"""Side questions that name the dimension the diagnostic is asking about."""

import pytest

from coach.answer.extractive import NOTHING_FOUND, covered
from coach.answer.topics import DimensionWords, stems
from coach.config import PROJECT_ROOT
from coach.knowledge.index import ChunkTable
from coach.readiness.model import load_model
from coach.session.coach import Coach

MODEL = load_model(PROJECT_ROOT / "knowledge" / "readiness.yaml")


def table(texts: list[tuple[str, str, str]]) -> ChunkTable:
    """A chunk table of (article key, language, text) rows; the vectors are not used here."""
    keys, langs, bodies = zip(*texts, strict=True)
    return ChunkTable(list(keys), list(keys), list(langs), list(keys), list(bodies), None)


ARTICLES = table(
    [
        ("a", "en", "Social media and the signals a company hears."),
        ("b", "en", "Social media and the people who own the channels."),
        ("c", "en", "Budgets and tools for social media."),
        ("a", "de", "Social Media und die Signale, die ein Unternehmen hört."),
        ("b", "de", "Social Media und die Menschen, denen die Kanäle gehören."),
    ]
)


def test_stems_match_across_word_forms() -> None:
    assert stems("Signalen", "de") == stems("Signale", "de")
    assert stems("responsibilities", "en") == stems("responsibility", "en")
    assert stems("a 2024 to", "en") == set(), "short words and numbers name nothing"


@pytest.mark.parametrize(
    ("text", "lang", "dimension"),
    [
        ("What do you mean by signals?", "en", "processes"),
        ("Was meinst du mit Signalen?", "de", "processes"),
        ("Who has these responsibilities?", "en", "roles"),
        ("Does experience count?", "en", "presence"),
    ],
)
def test_a_word_of_the_open_dimensions_name_names_it(text: str, lang: str, dimension: str) -> None:
    named = DimensionWords(MODEL, ARTICLES).named(text, lang, dimension)
    assert named is not None and named.key == dimension


def test_the_same_words_name_nothing_while_another_dimension_is_open() -> None:
    words = DimensionWords(MODEL, ARTICLES)
    assert words.named("What do you mean by signals?", "en", "roles") is None
    assert words.named("What do you mean by signals?", "en", None) is None, "outside the diagnostic"


def test_a_word_most_articles_use_names_no_dimension() -> None:
    # "and" is in the name "Processes and signals", and "social" could be; both are in every article.
    words = DimensionWords(MODEL, ARTICLES)
    assert words.named("Salt and pepper?", "en", "processes") is None
    assert words.named("Und jetzt?", "de", "processes") is None


def test_a_short_question_on_the_open_dimension_is_answered_from_its_article(knowledge_coach: Coach) -> None:
    question = "Presence, meaning what?"
    alone = knowledge_coach.retrieve(question, "en", 3)
    assert not covered(knowledge_coach.index, alone), "on its own the question is too short to pass the gate"
    assert knowledge_coach.ask(question).text == NOTHING_FOUND["en"]
    answer = knowledge_coach.answer_aside(question, "en", "presence")
    assert answer.grounded and "[1]" in answer.text
    assert any("presence" in source.text.lower() for source in answer.sources)


def test_an_off_topic_question_during_the_diagnostic_is_still_declined(knowledge_coach: Coach) -> None:
    for dimension in MODEL.dimensions:
        answer = knowledge_coach.answer_aside("How long do I boil an egg for a runny yolk?", "en", dimension.key)
        assert answer.text == NOTHING_FOUND["en"] and not answer.sources


def test_a_side_question_about_something_else_is_answered_as_any_question(knowledge_coach: Coach) -> None:
    question = "Is posting three times a week a strategy?"
    aside = knowledge_coach.answer_aside(question, "en", "processes")
    assert aside.sources[0].key == knowledge_coach.ask(question).sources[0].key == "strategy-vs-action-plan"
