"""The issue's conversations with the real scorer, index and articles, as the terminal and the app run
them (both through `coach.session.intake.take`): corrections that correct, side questions that are
answered and never scored, additions after the summary, and bad input that loses nothing."""

import pytest

from coach.diagnostic.summary import shown_quotes
from coach.records.conversation import Conversation
from coach.session.intake import take
from coach.session.replies import start_diagnostic
from coach.terminal import run_diagnostic


def _evidence_quotes(conversation: Conversation, dimension: str) -> list[str]:
    return [item.quote for item in conversation.dialogue.evidence if item.dimension == dimension]


def test_the_german_budget_correction_replaces_the_statement_it_takes_back(knowledge_coach) -> None:
    talk = Conversation(lang="de")
    start_diagnostic(knowledge_coach, talk)
    take(knowledge_coach, talk, "Ein eigenes Social-Media-Budget haben wir nicht.")
    assert talk.dialogue.assessment.dimensions["resources"].level == 1
    turn = take(
        knowledge_coach, talk, "Eigentlich haben wir doch ein Budget: rund 40.000 Euro im Jahr für Anzeigen und Tools."
    )
    assert "Ressourcen: Stufe 1 → Stufe 2" in turn.text
    assert talk.dialogue.assessment.dimensions["resources"].level == 2
    assert "Ein eigenes Social-Media-Budget haben wir nicht." not in _evidence_quotes(talk, "resources")
    assert any(
        quote.startswith("Eigentlich haben wir doch ein Budget") for quote in _evidence_quotes(talk, "resources")
    )
    taken_back = next(
        n for n, t in enumerate(talk.turns) if t.text == "Ein eigenes Social-Media-Budget haben wir nicht."
    )
    assert talk.corrections() == {taken_back: ["resources"]}
    assert turn.took_back and all(item.turn == taken_back for item in turn.took_back)


def test_an_english_budget_correction_keeps_the_roles_answer(knowledge_coach) -> None:
    talk = Conversation(lang="en")
    start_diagnostic(knowledge_coach, talk)
    take(knowledge_coach, talk, "A social media manager and two editors own our channels.")
    roles = talk.dialogue.assessment.dimensions["roles"].level
    take(knowledge_coach, talk, "There is no budget for social media.")
    turn = take(knowledge_coach, talk, "Actually, we do have a budget of 20,000 euros a year for ads and tools.")
    assert "Resources: level 1 → level 2" in turn.text
    assert talk.dialogue.assessment.dimensions["roles"].level == roles == 2


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("de", "Kurze Zwischenfrage: Was unterscheidet eigentlich Stufe 2 von Stufe 3?"),
        ("en", "Quick question first: how is stage 2 different from stage 3?"),
    ],
)
def test_a_side_question_with_a_lead_in_is_answered_and_the_question_comes_back(knowledge_coach, lang, question):
    talk = Conversation(lang=lang)
    opening = start_diagnostic(knowledge_coach, talk)
    asked = talk.dialogue.current
    turn = take(knowledge_coach, talk, question)
    assert turn.kind == "side_answer" and turn.sources
    assert talk.dialogue.current == asked and talk.dialogue.evidence == ()
    assert turn.quick_replies == opening.quick_replies


@pytest.mark.parametrize(
    ("lang", "answers", "addition", "changed"),
    [
        (
            "de",
            ["Wir haben Instagram und LinkedIn.", "Niemand ist wirklich zuständig, das macht die Assistenz nebenbei."],
            "Ergänzung: Unsere Social-Media-Ziele leiten wir direkt aus der Marketingstrategie ab und messen sie.",
            "Ausrichtung",
        ),
        (
            "en",
            ["We have Instagram and LinkedIn.", "Nobody really owns it, our assistant does it on the side."],
            "One more thing: our social media goals come straight from the marketing strategy and we measure them.",
            "Alignment",
        ),
    ],
)
def test_a_statement_after_the_summary_updates_it_and_says_what_changed(
    knowledge_coach, lang, answers, addition, changed
):
    talk = Conversation(lang=lang)
    start_diagnostic(knowledge_coach, talk)
    for answer in answers:
        take(knowledge_coach, talk, answer)
    take(knowledge_coach, talk, "summary" if lang == "en" else "Zusammenfassung")
    before = talk.summary
    turn = take(knowledge_coach, talk, addition)
    assert turn.kind == "summary" and talk.summary is not before
    assert changed in turn.text.split("\n\n")[0]
    assert talk.summary.assessment.dimensions["alignment"].level == 2


def test_a_question_after_the_summary_is_answered_not_scored(knowledge_coach) -> None:
    talk = run_diagnostic(knowledge_coach, ["We post on Instagram.", "summary"], show=None)
    evidence = talk.dialogue.evidence
    turn = take(knowledge_coach, talk, "How is stage 2 different from stage 3?")
    assert turn.kind == "answer" and talk.dialogue.evidence == evidence


SIDE_JOB = {
    "de": "Wir posten auf Instagram, das macht die Assistenz nebenbei.",
    "en": "We post on Instagram; our assistant does it on the side.",
}


def _summarized(coach, lang: str):
    """A diagnostic taken to its summary after one statement (SIDE_JOB), with its evidence and summary then."""
    talk = run_diagnostic(coach, [SIDE_JOB[lang], "summary" if lang == "en" else "Zusammenfassung"], show=None)
    return talk, talk.dialogue.evidence, talk.summary


@pytest.mark.parametrize(
    ("lang", "unsure", "reply"), [("de", "Weiß ich nicht.", "Kein Problem."), ("en", "I don't know", "No problem.")]
)
def test_i_dont_know_after_the_summary_is_acknowledged_not_answered_from_the_articles(
    knowledge_coach, lang, unsure, reply
) -> None:
    talk, evidence, summary = _summarized(knowledge_coach, lang)
    turn = take(knowledge_coach, talk, unsure)
    assert turn.text.startswith(reply) and not turn.sources and turn.kind == "message"
    assert talk.dialogue.evidence == evidence and talk.summary is summary


@pytest.mark.parametrize(
    ("lang", "nothing", "reply"),
    [
        ("de", "Nein, eigentlich nicht.", "Gut,"),
        ("de", "Eigentlich nicht.", "Gut,"),
        ("de", "passt so", "Gut,"),
        ("de", "Nein, das war's, danke.", "Gut,"),
        ("en", "no, that's all", "Good,"),
        ("en", "nope", "Good,"),
        ("en", "No, nothing else.", "Good,"),
    ],
)
def test_a_bare_no_after_the_summary_gets_a_line_not_the_summary_again(knowledge_coach, lang, nothing, reply) -> None:
    talk, evidence, summary = _summarized(knowledge_coach, lang)
    turn = take(knowledge_coach, talk, nothing)
    assert turn.text.startswith(reply) and turn.kind == "message" and not turn.sources
    assert "\n" not in turn.text and len(turn.text) < 250
    assert talk.dialogue.evidence == evidence and talk.summary is summary and not turn.took_back


@pytest.mark.parametrize(
    ("lang", "said", "correction", "changed"),
    [
        (
            "de",
            "Ein eigenes Social-Media-Budget haben wir nicht.",
            "Nein, eigentlich haben wir doch ein Budget: rund 40.000 Euro im Jahr für Anzeigen und Tools.",
            "Ressourcen: Stufe 1 → Stufe 2",
        ),
        (
            "en",
            "There is no budget for social media.",
            "No, actually we do have a budget of 20,000 euros a year for ads and tools.",
            "Resources: level 1 → level 2",
        ),
    ],
)
def test_a_correction_opening_with_no_after_the_summary_still_corrects(
    knowledge_coach, lang, said, correction, changed
) -> None:
    talk = run_diagnostic(knowledge_coach, [said, "summary" if lang == "en" else "Zusammenfassung"], show=None)
    turn = take(knowledge_coach, talk, correction)
    assert turn.kind == "summary" and changed in turn.text.split("\n\n")[0]
    assert talk.summary.assessment.dimensions["resources"].level == 2


def test_i_dont_know_outside_the_diagnostic_offers_questions_or_the_diagnostic(knowledge_coach) -> None:
    talk = Conversation(lang="de")
    turn = take(knowledge_coach, talk, "keine Ahnung")
    assert turn.text.startswith("Kein Problem.") and "Diagnose" in turn.text and not turn.sources


@pytest.mark.parametrize("lang", ["en", "de"])
def test_i_dont_know_to_every_question_ends_in_an_honest_summary(knowledge_coach, lang) -> None:
    unsure = "I don't know" if lang == "en" else "weiß nicht"
    talk = run_diagnostic(knowledge_coach, [unsure] * 25, show=None, lang=lang)
    assert talk.summary is not None and talk.summary.assessment.provisional
    assert talk.summary.assessment.confidence <= 0.75
    summary = next(turn for turn in reversed(talk.turns) if turn.kind == "summary")
    assert ("Stayed unknown" if lang == "en" else "Unbekannt geblieben") in summary.text


def test_corrections_with_nothing_to_correct_and_messages_in_another_language_lose_nothing(knowledge_coach) -> None:
    talk = Conversation(lang="en")
    start_diagnostic(knowledge_coach, talk)
    take(knowledge_coach, talk, "Nobody really owns our social media, it is a side job.")
    evidence = talk.dialogue.evidence
    turn = take(knowledge_coach, talk, "actually, no")
    assert "which answer to correct" in turn.text and talk.dialogue.evidence == evidence
    for _ in range(20):
        take(knowledge_coach, talk, "Nous publions parfois sur Facebook, mais personne ne s'en occupe vraiment.")
    assert talk.summary is not None or talk.in_diagnostic
    assert talk.turns[0].role == "user" or talk.turns[0].kind == "opening"
    assert len([t for t in talk.turns if t.role == "user"]) == 22


@pytest.mark.parametrize("lang", ["en", "de"])
def test_after_each_answer_the_chat_says_the_stage_so_far_and_what_is_open(knowledge_coach, lang) -> None:
    talk = Conversation(lang=lang)
    start_diagnostic(knowledge_coach, talk)
    turn = take(knowledge_coach, talk, "Wir haben Instagram." if lang == "de" else "We have Instagram.")
    assert turn.status and turn.status.startswith("Bisherige Stufe" if lang == "de" else "Stage so far")


@pytest.mark.parametrize(
    ("lang", "first", "bare"),
    [
        ("de", "Wir haben Instagram und LinkedIn und posten ab und zu.", "Nein, eigentlich nicht."),
        ("en", "We have Instagram and LinkedIn and post now and then.", "no"),
        ("en", "We have Instagram and LinkedIn and post now and then.", "yes"),
    ],
)
def test_a_bare_yes_or_no_counts_only_for_the_dimension_asked(knowledge_coach, lang, first, bare) -> None:
    talk = Conversation(lang=lang)
    start_diagnostic(knowledge_coach, talk)
    take(knowledge_coach, talk, first)
    asked = talk.dialogue.current.rsplit("-", 1)[0]
    take(knowledge_coach, talk, bare)
    from_it = [item.dimension for item in talk.dialogue.evidence if item.quote == bare]
    assert set(from_it) <= {asked} and len(from_it) <= 1
    quoted = {key for key, result in talk.dialogue.assessment.dimensions.items() if bare in shown_quotes(result)}
    assert quoted <= {asked}
