"""Questions in marketers' words: jargon and Denglisch read as the articles' words, German typed without umlauts,
vague openers, and the yes, no or "it depends" that opens the answer to a yes/no question."""

import pytest

from coach.answer.reading import is_vague
from coach.answer.verdict import VERDICTS, verdict
from coach.knowledge.vocabulary import Entry, Vocabulary, load_vocabulary
from coach.session.coach import Coach

ARTICLES = ["Die Kanäle brauchen für jede Plattform einen Maßnahmenplan.", "Freigaben und Verantwortliche."]


def test_every_entry_of_the_table_has_words_and_both_languages() -> None:
    entries = load_vocabulary()
    assert len(entries) >= 25
    assert all(entry.words and entry.adds["en"] and entry.adds["de"] for entry in entries)


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [
        ("fuer die kanaele", "für die kanäle"),
        ("Fuer jede Plattform", "Für jede Plattform"),
        ("massnahmenplan", "maßnahmenplan"),
        ("Kaese und Plattform", "Kaese und Plattform"),  # a word the articles never use stays as typed
    ],
)
def test_german_typed_without_umlauts_is_spelled_as_the_articles_spell_it(typed: str, spelled: str) -> None:
    assert Vocabulary(ARTICLES, entries=()).restore(typed) == spelled


def test_jargon_gets_the_articles_words_in_the_questions_language() -> None:
    entries = (Entry(("content-plan*", "redaktionsplan*"), {"en": "action plan", "de": "Maßnahmenplan"}),)
    vocabulary = Vocabulary(["An action plan lists posts."], entries)
    assert vocabulary.read("Unser Content-Plan reicht?", "de") == "Unser Content-Plan reicht? (Maßnahmenplan)"
    assert vocabulary.read("is our content plan enough?", "en") == "is our content plan enough? (action plan)"
    assert vocabulary.read("is our plan enough?", "en") == "is our plan enough?"


def test_a_word_the_articles_use_themselves_is_not_jargon() -> None:
    entries = (Entry(("freigabe*", "sign-off"), {"en": "approvals", "de": "Freigaben"}),)
    vocabulary = Vocabulary(ARTICLES, entries)
    assert vocabulary.read("Wer macht die Freigabe?", "de") == "Wer macht die Freigabe?"
    assert vocabulary.read("Wer macht den Sign-off?", "de") == "Wer macht den Sign-off? (Freigaben)"


def test_a_short_form_is_replaced_by_the_articles_word() -> None:
    entries = (Entry(("insta", "ig"), {"en": "Instagram", "de": "Instagram"}, replace=True),)
    assert Vocabulary(ARTICLES, entries).read("wer macht insta und IG?", "de") == "wer macht Instagram und Instagram?"


@pytest.mark.parametrize(
    ("question", "lang", "key"),
    [
        ("3 posts pro woche auf insta, ist das schon ein konzept oder nur ne liste?", "de", "strategy-vs-action-plan"),
        ("kann man das konzept von der konkurrenz einfach 1:1 uebernehmen?", "de", "organizational-alignment"),
        (
            "chef will kein geld fuer ads und software freigeben, wie argumentier ich da",
            "de",
            "resources-and-enablement",
        ),
        ("Wo stehen wir?", "de", "readiness-model"),
        ("Hängt Instagram am Vertrieb oder an der Pressestelle? Was ist da übergeordnet?", "de", "strategy-hierarchy"),
        ("Why should my Instagram plan care about the firm's five-year plan?", "en", "strategy-hierarchy"),
        ("We've done fine for 40 years with no Facebook page. Why bother now?", "en", "stage-not-started"),
    ],
)
def test_marketers_wording_finds_the_article_that_answers_it(
    knowledge_coach: Coach, question: str, lang: str, key: str
) -> None:
    hits = knowledge_coach.retrieve(question, lang, 3).hits
    assert key in [hit.key for hit in hits], [hit.key for hit in hits]


@pytest.mark.parametrize(
    "question",
    [
        "Was ist der erste Schritt?",
        "where do I even start",
        "bin neu in dem Thema",
        "hilfe, chef will social media",
        "I'm a bit lost, can you help me figure this out?",
        "Wo soll ich bloß anfangen mit dem ganzen Social-Kram?",
    ],
)
def test_a_request_for_a_starting_point_reads_as_vague(question: str) -> None:
    assert is_vague(question)


@pytest.mark.parametrize(
    "question", ["Who should own our Instagram account?", "Brauchen wir eine Strategie?", "kpis?", "Warum?"]
)
def test_a_question_with_a_topic_is_not_vague(question: str) -> None:
    assert not is_vague(question)


@pytest.mark.parametrize(
    ("sentence", "shared", "expected"),
    [
        ("Posting three times a week is a tactic, not a strategy.", 1.0, "no"),
        ("Dreimal pro Woche posten ist keine Strategie, sondern eine Taktik.", 1.0, "no"),
        ("Whether a company needs stage 3 depends on its business model.", 1.0, "depends"),
        ("Ob sich Stufe 3 lohnt, hängt vom Geschäftsmodell ab.", 1.0, "depends"),
        ("Every company needs named owners for its channels.", 1.0, "yes"),
        ("Every company needs named owners for its channels.", 0.6, "depends"),
        ("Stufe 3 ist eine Wahl, die zu manchen Unternehmen sehr gut passt und zu anderen kaum.", 1.0, "depends"),
        ("Not all companies gain from stage 3.", 1.0, "depends"),
        ("Guidelines say what is welcome, not only what is forbidden.", 1.0, "yes"),
        ("Richtlinien sagen, was erwünscht ist, nicht nur, was verboten ist.", 1.0, "yes"),
    ],
)
def test_the_verdict_is_the_opening_sentences_stance(sentence: str, shared: float, expected: str) -> None:
    assert verdict(sentence, shared) == expected


def test_an_opening_that_sets_the_scene_takes_the_stance_of_the_next_sentences() -> None:
    scene = "A typical strategy deck reads: Instagram three times a week, a giveaway each month."
    assert verdict(scene, 0.5, ("Every line is a measure.", "Nothing explains why Instagram.")) == "no"
    assert verdict(scene, 0.5, ("Every line is a measure.", "A", "Nothing explains why Instagram.")) == "depends"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Is posting three times a week a strategy?", "en"),
        ("Ist dreimal pro Woche posten eine Strategie?", "de"),
        ("Does every company need to reach stage 3?", "en"),
        ("Muss jedes Unternehmen Stufe 3 erreichen?", "de"),
    ],
)
def test_a_yes_no_question_is_answered_with_its_verdict_first(knowledge_coach: Coach, question: str, lang: str) -> None:
    answer = knowledge_coach.ask(question, lang)
    opening = next(v[lang] for v in VERDICTS.values() if answer.text.startswith(v[lang] + " "))
    assert answer.sources and "[1]" in answer.text[len(opening) :], answer.text


def test_posting_three_times_a_week_is_not_a_strategy_in_either_language(knowledge_coach: Coach) -> None:
    assert knowledge_coach.ask("Is posting three times a week a strategy?").text.startswith(VERDICTS["no"]["en"])
    german = knowledge_coach.ask("Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?", "de")
    assert german.text.startswith(VERDICTS["no"]["de"]), german.text


def test_the_model_is_told_to_open_a_yes_no_answer_with_its_verdict(model_coach, fake_model) -> None:
    fake_model.queue("No: a posting rhythm is a tactic [1].")
    model_coach.ask("Is posting three times a week a strategy?")
    user = fake_model.prompts[-1][1].content
    assert '"Yes", "No" or "It depends"' in user and '"Nein"' in user


def test_the_model_is_told_to_open_a_who_answer_with_the_person(model_coach, fake_model) -> None:
    fake_model.queue("A named channel owner [1].")
    model_coach.ask("Who should be responsible for social media?")
    assert "who should do it" in fake_model.prompts[-1][1].content
