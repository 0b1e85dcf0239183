"""The offline answer's composition over the real articles: the opening sentence by the question's kind,
whole lists in order, no pointing-back sentence without its referent, the length bounds."""

import re

import pytest

from bench.answers import Answered, missing_referent
from coach.answer.compose import MAX_WORDS, MIN_WORDS
from coach.answer.reading import is_follow_up, is_situational, is_vague, question_kind
from coach.answer.structure import blocks, needs_context, points_back, preceding
from coach.answer.verdict import without_verdict
from coach.config import PROJECT_ROOT
from coach.knowledge.articles import chunk_articles, load_articles
from coach.session.coach import Coach

MARKER = re.compile(r"\s*\[\d+\]")

QUESTIONS = [
    ("What is a social media strategy, really?", "en"),
    ("Was ist eigentlich eine Social-Media-Strategie?", "de"),
    ("Is posting three times a week on Instagram a strategy?", "en"),
    ("Ist ein Redaktionsplan schon eine Strategie?", "de"),
    ("Who should be responsible for social media in our company?", "en"),
    ("Wer sollte bei uns für Social Media verantwortlich sein?", "de"),
    ("What is the most important task when a company starts optimizing its social media?", "en"),
    ("Wie messen wir, ob Social Media etwas fürs Geschäft bringt?", "de"),
    ("Can you show me the bakery example of a strategy from objective to KPIs?", "en"),
    ("Was gehört in einen Krisenplan?", "de"),
]


def _sentences(text: str) -> list[str]:
    body = without_verdict(text).split("\n\n- ")[0]
    return [part.strip().lstrip("- ").strip() for part in MARKER.split(body) if part.strip()]


@pytest.fixture(scope="module")
def sections() -> dict[tuple[str, str, str], str]:
    chunks = chunk_articles(load_articles([PROJECT_ROOT / "knowledge" / "articles"]))
    return {(chunk.key, chunk.lang, chunk.section): chunk.text for chunk in chunks}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What is hub-and-spoke?", "definition"),
        ("Was bedeutet Bolt-On?", "definition"),
        ("Is posting daily a strategy?", "yes_no"),
        ("Muss jedes Unternehmen Stufe 3 erreichen?", "yes_no"),
        ("will a better scheduling tool fix our social media?", "yes_no"),
        ("Darf unser Vertrieb eigene LinkedIn-Seiten betreiben?", "yes_no"),
        ("Who should own our channels?", "who"),
        ("Und wer sollte das machen?", "who"),
        ("Wie fange ich an?", "first_step"),
        ("What should we do next?", "first_step"),
        ("an example?", "example"),
        ("Warum?", "why"),
    ],
)
def test_a_question_is_read_by_its_kind(text: str, kind: str) -> None:
    assert question_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "vague", "situational", "follow_up"),
    [
        ("Wie fange ich an?", True, False, False),
        ("help", True, False, True),
        ("What should we do next?", True, False, False),
        ("Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?", False, False, False),
        ("We're a 20-person bakery chain posting on Instagram; what should we do next?", False, True, False),
        ("Wir sind ein Handwerksbetrieb mit 12 Leuten ohne Kanäle. Was jetzt?", False, True, False),
        ("Und wer sollte das machen?", True, False, True),
        ("what about the budget?", False, False, True),
        ("Who should be responsible for social media in our company?", False, False, False),
        ("und wenn es bei uns gar keine schriftliche Unternehmensstrategie gibt?", False, False, True),
        ("ok but who exactly? we can't pay for a new hire", False, False, True),
        ("Und wer sollte bei uns dafür verantwortlich sein, ganz ohne Agentur?", False, False, True),
        ("Wer sollte bei uns für die Kanäle verantwortlich sein, ganz ohne Agentur?", False, False, False),
    ],
)
def test_vague_situational_and_follow_up_questions_are_told_apart(text, vague, situational, follow_up) -> None:
    assert (is_vague(text), is_situational(text), is_follow_up(text)) == (vague, situational, follow_up)


@pytest.mark.parametrize(
    ("sentence", "points"),
    [
        ("Compare: the plan names a strength.", True),
        ("Die anderen meinen die Taktiken.", True),
        ("This means the plan is a tactic.", True),
        ("Once the chain is clear, the social media strategy becomes easier to write.", True),
        ("Von ihnen hängt ab, ob eine Beschwerde eine Antwort bekommt.", True),
        ("Finally, test whether the next stage is worth pursuing.", True),
        ("Schließlich prüfen Sie, ob sich die nächste Stufe lohnt.", True),
        ("Zudem braucht jedes Konto eine Vertretung.", True),
        ("A strategy decides how scarce resources are used.", False),
        ("Thisbe's bakery posts daily.", False),
        ("Eine Strategie ist eine Entscheidung über knappe Ressourcen.", False),
    ],
)
def test_a_sentence_that_points_back_is_recognised(sentence: str, points: bool) -> None:
    assert points_back(sentence) is points


@pytest.mark.parametrize(
    ("key", "lang", "opening", "needs"),
    [
        # a definite noun the sentence before introduced ("a furniture retailer" ... "the retailer")
        ("strategy-vs-action-plan", "en", "Nothing explains why Instagram", True),
        ("strategy-vs-action-plan", "de", "Nirgends steht, warum Instagram", True),
        # a pronoun in the first words
        ("stage-bolt-on", "en", "Nobody decided on it", True),
        ("two-jobs-of-strategy", "en", "Facing inward, it has", True),
        ("two-jobs-of-strategy", "de", "Nach innen muss sie", True),
        ("stage-optimizing-social", "en", "Ignoring them does not", True),
        # sentences that stand on their own, in the same passages
        ("strategy-vs-action-plan", "en", "Action plans are popular because", False),
        ("strategy-vs-action-plan", "de", "Maßnahmenpläne sind beliebt", False),
        ("stage-optimizing-social", "en", "Internal signals include", False),
        ("stage-optimizing-social", "en", "External signals include", False),
    ],
)
def test_a_sentence_that_leans_on_the_one_before_it_is_recognised_in_its_passage(
    sections, key: str, lang: str, opening: str, needs: bool
) -> None:
    passage, sentence = _passage_with(sections, key, lang, opening)
    assert preceding(passage, sentence), "every case is a sentence after the first of its passage"
    assert needs_context(sentence, passage) is needs, sentence


def _passage_with(sections, key: str, lang: str, opening: str) -> tuple[str, str]:
    """The passage of the article holding the sentence that starts with `opening`, and that sentence."""
    for (chunk_key, chunk_lang, _), text in sections.items():
        if (chunk_key, chunk_lang) != (key, lang):
            continue
        for block in blocks(text):
            for sentence in block.sentences:
                if sentence.startswith(opening):
                    return text, sentence
    raise AssertionError(f"{opening!r} is not in {key} ({lang})")


@pytest.mark.parametrize(
    "question",
    [
        "We're a regional chain of bike shops with an Instagram account. What now?",
        "We run three flower shops and post on Instagram whenever there's time. What should we do next?",
    ],
)
def test_a_situational_answer_leaves_out_a_sentence_about_someone_it_never_introduced(
    knowledge_coach: Coach, question: str
) -> None:
    answer = knowledge_coach.ask(question)
    assert answer.sources, answer.text
    assert missing_referent(knowledge_coach, Answered({}, answer)) == [], answer.text


def test_a_worked_example_is_one_list_with_its_lead_in(sections) -> None:
    text = sections[("strategy-layers", "en", "A second example of the layers: a regional bakery")]
    (example,) = [block for block in blocks(text) if block.kind == "list"]
    assert example.lead_in == "A bakery with three branches in a mid-sized city has quiet weekdays."
    assert [item.split(":")[0] for item in example.sentences] == [
        "Objective",
        "Goal",
        "Target audience",
        "Strategy",
        "Social media strategy",
        "Tactics",
        "KPIs",
    ]


@pytest.mark.parametrize(("question", "lang"), QUESTIONS)
def test_the_answer_stays_within_the_length_bounds_and_every_sentence_stands_on_its_own(
    knowledge_coach: Coach, question: str, lang: str
) -> None:
    answer = knowledge_coach.ask(question)
    assert answer.lang == lang and answer.sources
    words = sum(len(sentence.split()) for sentence in _sentences(answer.text))
    assert MIN_WORDS <= words <= MAX_WORDS, answer.text
    assert missing_referent(knowledge_coach, Answered({}, answer)) == [], answer.text
    assert not points_back(_sentences(answer.text)[0])


def test_the_bakery_example_is_shown_whole_and_in_order(knowledge_coach: Coach) -> None:
    answer = knowledge_coach.ask("Can you show me the bakery example of a strategy from objective to KPIs?")
    labels = [line[2:].split(":")[0] for line in answer.text.splitlines() if line.startswith("- ")]
    assert labels == ["Objective", "Goal", "Target audience", "Strategy", "Social media strategy", "Tactics", "KPIs"]
    assert answer.sources[0].key == "strategy-layers"


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Who should be responsible for social media in our company?", r"owner|lead|team|responsib"),
        ("Wer sollte bei uns für Social Media verantwortlich sein?", r"verantwort|zuständig|Team|Leitung"),
        ("What is the most important task when a company starts optimizing its social media?", r"owner|roles"),
        ("Wie messen wir, ob Social Media etwas fürs Geschäft bringt?", r"mess|KPI|Kennzahl"),
    ],
)
def test_the_first_sentence_answers_what_was_asked(knowledge_coach: Coach, question: str, words: str) -> None:
    first = _sentences(knowledge_coach.ask(question).text)[0]
    assert re.search(words, first, re.IGNORECASE), first
    assert "Anderson" not in first


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("How long does it take to get from Bolt-On to stage 2?", "en"),
        ("Wie lange dauert der Weg von Bolt-On zu Stufe 2?", "de"),
    ],
)
def test_a_how_long_question_gets_the_plan_over_time_and_its_conclusion(
    knowledge_coach: Coach, question: str, lang: str
) -> None:
    answer = knowledge_coach.ask(question)
    assert answer.lang == lang and answer.sources[0].key == "from-bolt-on-to-optimizing", answer.text
    opening = " ".join(_sentences(answer.text)[:2])
    assert re.search(r"(?i)\b(ninety|neunzig|90|days? 1-30|tage? 1-30)\b", opening), answer.text
    # ... and the plan is followed by the sentence that concludes it, which says how long it took
    after_the_list = answer.text.rsplit("\n- ", 1)[1].split("\n\n", 1)[1]
    assert re.search(r"(?i)\b(ninety days|neunzig tagen)\b", after_the_list), answer.text


@pytest.mark.parametrize(
    ("question", "lang"),
    [("What is stage 2, Optimizing your Social Media?", "en"), ("Was bedeutet Bolt-On?", "de")],
)
def test_a_definition_question_opens_with_what_the_article_introduction_says_its_subject_is(
    knowledge_coach: Coach, question: str, lang: str
) -> None:
    answer = knowledge_coach.ask(question, lang)
    opening = _sentences(answer.text)[0]
    introductions = [
        passage.text
        for passage in knowledge_coach.index.passages().values()
        if passage.key == answer.sources[0].key and passage.lang == lang and passage.section == passage.title
    ]
    assert answer.lang == lang and any(opening in text for text in introductions), answer.text
    assert not points_back(opening)
