"""The guided conversation as a state machine, with a scripted scorer so each step is exact."""

from dataclasses import replace

import pytest

from coach.answer.extractive import Answer
from coach.config import Settings
from coach.diagnostic.dialogue import (
    MAX_QUESTIONS,
    Change,
    DiagnosticContext,
    DialogueState,
    Retraction,
    advance,
    amend,
    change_line,
    classify_message,
    next_dimension,
    start,
)
from coach.readiness.model import load_model
from coach.readiness.rules import Evidence
from coach.readiness.scorer import ScoredText

MODEL = load_model(Settings().readiness_file)

# The scripted scorer: a message containing a phrase is evidence for that dimension and level.
PHRASES = {
    "no accounts": ("presence", 0),
    "we post sometimes": ("presence", 1),
    "nobody owns": ("roles", 1),
    "a team owns": ("roles", 2),
    "no budget": ("resources", 1),
    "own budget": ("resources", 2),
    "editorial workflow": ("processes", 2),
    "hub and spoke": ("coordination", 2),
    "each department alone": ("coordination", 1),
}


class ScriptedCoach:
    """Records what the dialogue asked of it."""

    def __init__(self) -> None:
        self.side_questions: list[str] = []
        self.open_dimensions: list[str | None] = []
        self.focus: list[str | None] = []

    def score(self, text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        self.focus.append(focus)
        found = [
            Evidence(dimension, level, 0.8, text, "text", turn)
            for phrase, (dimension, level) in PHRASES.items()
            if phrase in text.lower()
        ]
        return ScoredText(evidence=found)

    def answer(self, question: str, lang: str, open_dimension: str | None) -> Answer:
        self.side_questions.append(question)
        self.open_dimensions.append(open_dimension)
        return Answer(text=f"(article answer in {lang})", sources=[], lang=lang)

    def context(self) -> DiagnosticContext:
        return DiagnosticContext(model=MODEL, score=self.score, answer_question=self.answer)


@pytest.fixture
def coach() -> ScriptedCoach:
    return ScriptedCoach()


def current_dimension(state: DialogueState) -> str:
    return MODEL.question(state.current)[0].key


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_opening_says_what_happens_and_asks_the_first_question(coach, lang: str) -> None:
    state, step = start(coach.context(), lang)
    assert step.kind == "opening"
    assert ("6 to 10" if lang == "en" else "6 bis 10") in step.text
    _, question = MODEL.question(state.current)
    assert question.text(lang) in step.text
    assert step.quick_replies == [reply(lang) for reply in question.replies]


def test_one_question_at_a_time_each_about_one_dimension(coach) -> None:
    state, step = start(coach.context(), "en")
    asked = [current_dimension(state)]
    for message in ("we post sometimes", "a team owns it", "editorial workflow"):
        state, step = advance(coach.context(), state, message)
        assert step is not None and step.dimension == current_dimension(state)
        asked.append(step.dimension)
    assert len(set(asked)) == len(asked)


def test_a_dimension_already_evident_is_asked_only_to_reach_the_minimum_and_then_deeper(coach) -> None:
    state, _ = start(coach.context(), "en")
    state, step = advance(coach.context(), state, "We post sometimes, nobody owns it, no budget, each department alone")
    asked = []
    while step is not None:
        asked.append(step.dimension)
        state, step = advance(coach.context(), state, "1")
    evident = {"roles", "resources", "coordination"}
    again = [number for number, dimension in enumerate(asked) if dimension in evident]
    assert not again or min(again) > max(number for number, dimension in enumerate(asked) if dimension not in evident)
    assert all(question.endswith("-2") for question in state.asked if question.split("-")[0] in evident)
    assert len(state.dimensions_asked) >= 6


def test_a_quick_reply_is_exact_evidence_by_label_or_number(coach) -> None:
    state, _ = start(coach.context(), "de")
    dimension, question = MODEL.question(state.current)
    label = question.replies[1].de
    state, _ = advance(coach.context(), state, label)
    assert state.evidence[-1] == Evidence(dimension.key, question.replies[1].level, 0.9, label, "reply", 1)
    dimension, question = MODEL.question(state.current)
    state, _ = advance(coach.context(), state, "3")
    assert (state.evidence[-1].dimension, state.evidence[-1].level) == (dimension.key, question.replies[2].level)


@pytest.mark.parametrize("unclear", ["", "   ", "I don't know", "keine Ahnung", "the weather is nice"])
def test_an_unclear_answer_gets_one_follow_up_then_the_dimension_stays_unknown(coach, unclear: str) -> None:
    state, _ = start(coach.context(), "en")
    dimension = current_dimension(state)
    state, step = advance(coach.context(), state, unclear)
    assert step.kind == "follow_up" and step.dimension == dimension
    assert dimension in state.followed_up
    state, step = advance(coach.context(), state, unclear)
    assert step.kind == "question" and step.dimension != dimension
    assert dimension in state.unanswered
    assert state.assessment.dimensions[dimension].level is None


def test_a_short_answer_is_scored_with_the_question_in_mind(coach) -> None:
    state, _ = start(coach.context(), "en")
    advance(coach.context(), state, "we post sometimes")
    assert coach.focus[-1] == current_dimension(state)


def test_a_side_question_is_answered_and_the_same_question_comes_back(coach) -> None:
    state, _ = start(coach.context(), "en")
    before = state.current
    state, step = advance(coach.context(), state, "What do you mean by processes?")
    assert coach.side_questions == ["What do you mean by processes?"]
    assert coach.open_dimensions == [current_dimension(state)], "the answer knows what the diagnostic is asking"
    assert step.kind == "side_answer" and "(article answer in en)" in step.text
    assert state.current == before
    _, question = MODEL.question(before)
    assert question.text("en") in step.text and step.quick_replies


def test_a_correction_replaces_the_earlier_evidence_of_that_dimension(coach) -> None:
    state, _ = start(coach.context(), "en")
    state, _ = advance(coach.context(), state, "We post sometimes and there is no budget")
    assert state.assessment.dimensions["resources"].level == 1
    state, _ = advance(coach.context(), state, "Actually we do have our own budget now")
    resources = state.assessment.dimensions["resources"]
    assert resources.level == 2
    assert [item.level for item in resources.evidence] == [2]


@pytest.mark.parametrize("request_", ["summary", "Zusammenfassung", "show me the result", "fertig"])
def test_the_marketer_can_ask_for_the_summary_early(coach, request_: str) -> None:
    state, _ = start(coach.context(), "en")
    state, step = advance(coach.context(), state, request_)
    assert step is None and state.phase == "done"


def test_it_never_asks_more_than_ten_questions(coach) -> None:
    state, step = start(coach.context(), "en")
    while step is not None:
        state, step = advance(coach.context(), state, "I don't know")
    assert state.questions_asked <= MAX_QUESTIONS


def test_the_next_question_targets_what_could_change_the_stage() -> None:
    # Roles, processes and resources at 2: coordination decides between stage 1 and 2.
    evidence = tuple(Evidence(key, 2, 0.9, "q") for key in ("presence", "roles", "processes", "resources"))
    state = DialogueState(lang="en", evidence=evidence, asked=("presence-1", "roles-1", "processes-1", "resources-1"))
    assert next_dimension(state) == "coordination"


def test_the_diagnostic_ends_when_nothing_left_could_change_the_stage() -> None:
    evidence = tuple(Evidence(key, 1, 0.9, "q") for key in ("presence", "roles", "processes", "resources"))
    asked = tuple(f"{key}-1" for key in ("presence", "roles", "processes", "resources", "coordination", "alignment"))
    state = DialogueState(lang="en", evidence=evidence, asked=asked)
    assert next_dimension(state) is None
    assert next_dimension(replace(state, asked=asked[:3])) is not None


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("What do you mean by processes?", "question"),
        ("Was heißt Governance?", "question"),
        ("We have a team?", "answer"),
        ("Actually, we do have a budget", "correction"),
        ("Inzwischen gibt es ein Budget", "correction"),
        ("summary", "summary"),
        ("", "unknown"),
        ("weiß nicht", "unknown"),
        ("A team of two owns the channels", "answer"),
        ("Kurze Zwischenfrage: Was unterscheidet eigentlich Stufe 2 von Stufe 3?", "question"),
        ("Quick question first: how is stage 2 different from stage 3?", "question"),
        ("By the way, is a newsletter part of this?", "question"),
        ("Eigentlich haben wir doch ein Budget: rund 40.000 Euro.", "correction"),
        ("Stimmt nicht, wir haben ein Team.", "correction"),
    ],
)
def test_messages_are_read_as_what_they_mean(message: str, intent: str) -> None:
    assert classify_message(message) == intent


# -- corrections, contradictions, side questions, what stays open -----------------------------------


def test_a_correction_says_what_changed_and_takes_back_the_old_statement(coach) -> None:
    state, _ = start(coach.context(), "en")
    state, _ = advance(coach.context(), state, "We post sometimes and there is no budget")
    state, step = advance(coach.context(), state, "Actually we do have our own budget now")
    assert "Resources: level 1 → level 2" in step.text
    assert Retraction("We post sometimes and there is no budget", "resources", 1) in step.retracted
    assert state.assessment.dimensions["presence"].level == 1  # the other half of that message still counts


def test_a_correction_never_touches_a_dimension_it_speaks_to_only_in_passing() -> None:
    """The budget correction also sounds a little like roles (second dimension): roles must stay."""

    def score(text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        if "budget" in text:
            return ScoredText(
                [
                    Evidence("resources", 2, 0.8, text, "text", turn),
                    Evidence("roles", 2, 0.4, text, "text", turn, primary=False),
                ]
            )
        return ScoredText([Evidence("roles", 1, 0.8, text, "text", turn)])

    context = DiagnosticContext(model=MODEL, score=score, answer_question=ScriptedCoach().answer)
    state, _ = start(context, "en")
    state, _ = advance(context, state, "Nobody owns it")
    state, step = advance(context, state, "Correction: we do have a budget")
    assert state.assessment.dimensions["roles"].level == 1
    assert [change.dimension for change in step.changes] == ["resources"]


def test_a_correction_with_nothing_to_correct_asks_again_and_changes_nothing(coach) -> None:
    state, _ = start(coach.context(), "de")
    state, _ = advance(coach.context(), state, "no budget")
    before = (state.evidence, state.current)
    state, step = advance(coach.context(), state, "eigentlich, nein")
    assert (state.evidence, state.current) == before
    assert "welche Antwort" in step.text and step.quick_replies


def test_a_correction_may_name_a_quick_reply_of_an_earlier_question(coach) -> None:
    state, _ = start(coach.context(), "en")
    state = replace(state, asked=(*state.asked, "resources-1"))
    state, _ = advance(coach.context(), state, "no budget")
    state, _ = advance(coach.context(), state, "Actually: Own budget, staff, tools and training")
    resources = state.assessment.dimensions["resources"]
    assert resources.level == 2 and [item.source for item in resources.evidence] == ["reply"]


def test_a_later_statement_that_contradicts_an_earlier_one_wins_and_the_reply_says_so(coach) -> None:
    state, _ = start(coach.context(), "en")
    state, _ = advance(coach.context(), state, "Nobody owns our channels")
    state, step = advance(coach.context(), state, "A team owns the channels and runs them")
    assert state.assessment.dimensions["roles"].level == 2
    assert "replaces what you said before" in step.text and "Roles: level 1 → level 2" in step.text


@pytest.mark.parametrize(
    "message",
    [
        "Kurze Zwischenfrage: Was unterscheidet eigentlich Stufe 2 von Stufe 3?",
        "Quick question first: how is stage 2 different from stage 3?",
    ],
)
def test_a_side_question_with_a_lead_in_is_answered_never_scored(coach, message: str) -> None:
    state, _ = start(coach.context(), "de")
    state, _ = advance(coach.context(), state, "a team owns it")
    before = state.current
    state, step = advance(coach.context(), state, message)
    assert step.kind == "side_answer" and state.current == before
    assert coach.side_questions[-1].startswith(("Was", "how")), "asked without its lead-in"
    assert len(state.evidence) == 1


def test_a_statement_after_the_summary_updates_the_assessment_and_says_what_changed(coach) -> None:
    state = DialogueState(lang="en", phase="done", evidence=(Evidence("resources", 1, 0.8, "no budget"),))
    state, step = amend(coach.context(), state, "We have our own budget now")
    assert step.kind == "summary" and "Resources: level 1 → level 2" in step.text
    assert state.assessment.dimensions["resources"].level == 2
    _, nothing = amend(coach.context(), state, "How do other companies do that")
    assert nothing is None


def test_the_diagnostic_does_not_end_while_a_dimension_the_stage_depends_on_can_be_asked() -> None:
    clear = tuple(Evidence(key, 2, 0.9, "q") for key in ("presence", "roles", "processes", "alignment", "culture"))
    asked = tuple(f"{key}-1" for key in ("presence", "roles", "processes", "alignment", "culture", "integration"))
    state = DialogueState(lang="en", evidence=clear, asked=asked)
    assert state.assessment.open == ["resources", "coordination", "integration"]
    assert next_dimension(state) in ("resources", "coordination")


def test_a_change_line_never_claims_a_level_moved_when_it_did_not() -> None:
    same, moved = Change("processes", 1, 1), Change("resources", 1, 2)
    assert change_line(MODEL, (same,), "de") == "Notiert – Prozesse bleibt bei Stufe 1."
    both = "Noted – Processes stays at level 1; Resources: level 1 → level 2."
    assert change_line(MODEL, (same, moved), "en") == both
    # A later statement that replaced an earlier one without moving a level is not announced.
    assert change_line(MODEL, (same,), "de", later=True) == ""
    assert change_line(MODEL, (same, moved), "en", later=True).endswith("Resources: level 1 → level 2.")


# -- what a later statement replaces, bare yes/no, quotes as typed, how many questions ----------------


def test_evidence_and_what_it_takes_back_remember_the_place_of_their_message(coach) -> None:
    state, _ = start(coach.context(), "en")
    state, _ = advance(coach.context(), state, "there is no budget", at=3)
    assert [item.turn for item in state.evidence] == [3]
    state, step = advance(coach.context(), state, "Actually we have our own budget", at=7)
    assert step.retracted == (Retraction("there is no budget", "resources", 3),)
    assert [item.turn for item in state.evidence] == [7]


def _two_readings(text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
    """The first answer speaks clearly to roles and, in passing, to coordination; later answers to one each."""
    if "marketing team" in text:
        return ScoredText(
            [
                Evidence("roles", 2, 0.8, text, "text", turn),
                Evidence("coordination", 1, 0.45, text, "text", turn, primary=False),
            ]
        )
    if "central team" in text:
        return ScoredText([Evidence("coordination", 2, 0.8, text, "text", turn)])
    return ScoredText()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_answer_after_a_side_question_replaces_nothing_it_does_not_contradict(lang) -> None:
    context = DiagnosticContext(model=MODEL, score=_two_readings, answer_question=ScriptedCoach().answer)
    state, _ = start(context, lang)
    state, _ = advance(context, state, "Our marketing team of three runs it, sales does its own thing")
    side = "Kurze Zwischenfrage: Was heißt Koordination?" if lang == "de" else "Quick question: what is coordination?"
    state, step = advance(context, state, side)
    assert step.kind == "side_answer"
    state, step = advance(context, state, "A central team coordinates all channels")
    assert step.retracted == () and step.changes == ()
    assert ("ersetzt" not in step.text) and ("replaces" not in step.text)
    assert len(state.evidence) == 3  # the passing reading stays, outweighed by the clear answer
    assert state.assessment.dimensions["coordination"].level == 2


def test_a_clear_statement_that_contradicts_a_clear_earlier_one_still_wins(coach) -> None:
    state, _ = start(coach.context(), "en")
    state, _ = advance(coach.context(), state, "Nobody owns our channels")
    state, step = advance(coach.context(), state, "A team owns the channels")
    assert [item.dimension for item in step.retracted] == ["roles"]


def test_a_quick_reply_replaces_an_earlier_quick_reply_of_the_same_dimension(coach) -> None:
    state, _ = start(coach.context(), "en")
    state = replace(state, current="resources-1", asked=("resources-1",))
    state, _ = advance(coach.context(), state, "Own budget, staff, tools and training")
    state = replace(state, current="resources-2", asked=(*state.asked, "resources-2"))
    _, question = MODEL.question("resources-2")
    state, step = advance(coach.context(), state, question.replies[2]("en"))  # level 3: no contradiction of 2
    assert [item.dimension for item in step.retracted] == ["resources"]
    assert [(item.source, item.level) for item in state.assessment.dimensions["resources"].evidence] == [("reply", 3)]


@pytest.mark.parametrize(
    ("lang", "question", "message", "level"),
    [
        ("de", "integration-1", "Nein, eigentlich nicht.", 1),
        ("de", "integration-1", "Eigentlich nicht.", 1),  # hedged: an answer, not a correction
        ("de", "integration-1", "Eigentlich schon.", 2),
        ("en", "integration-1", "Actually, no.", 1),
        ("en", "integration-1", "Honestly, not really.", 1),
        ("en", "integration-1", "no", 1),
        ("en", "integration-1", "yes", 2),
        ("de", "coordination-2", "Nein.", 1),
    ],
)
def test_a_bare_yes_or_no_counts_only_for_the_question_it_answers(lang, question, message, level) -> None:
    def elsewhere(text: str, turn: int = 0, focus: str | None = None) -> ScoredText:  # a scorer that misreads it
        return ScoredText([Evidence("culture", 1, 0.9, text, "text", turn)])

    context = DiagnosticContext(model=MODEL, score=elsewhere, answer_question=ScriptedCoach().answer)
    state, _ = start(context, lang)
    state = replace(state, current=question, asked=(question,))
    state, _ = advance(context, state, message)
    dimension = question.rsplit("-", 1)[0]
    assert [(item.dimension, item.level, item.quote) for item in state.evidence] == [(dimension, level, message)]


def test_a_bare_no_without_a_matching_quick_reply_keeps_only_the_asked_dimension() -> None:
    def two(text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        return ScoredText(
            [Evidence("culture", 1, 0.9, text, "text", turn), Evidence("roles", 1, 0.5, text, "text", turn, False)]
        )

    context = DiagnosticContext(model=MODEL, score=two, answer_question=ScriptedCoach().answer)
    state, _ = start(context, "de")
    state = replace(state, current="roles-1", asked=("roles-1",))
    state, _ = advance(context, state, "Nein, eigentlich nicht.")
    assert [(item.dimension, item.primary) for item in state.evidence] == [("roles", True)]


@pytest.mark.parametrize(
    "message",
    ["Eigentlich haben wir doch ein kleines own budget für Anzeigen.", "Actually, we have our own budget now."],
)
def test_a_corrections_quote_keeps_its_lead_in(coach, message) -> None:
    state, _ = start(coach.context(), "en")
    state, _ = advance(coach.context(), state, "no budget")
    state, _ = advance(coach.context(), state, message)
    assert [item.quote for item in state.evidence if item.dimension == "resources"] == [message]


def test_at_least_six_questions_are_asked_even_when_the_first_answer_says_it_all(coach) -> None:
    everything = "no accounts, nobody owns, no budget, each department alone, editorial workflow"
    state, step = start(coach.context(), "en")
    state, step = advance(coach.context(), state, everything)
    while step is not None and step.kind != "summary":
        state, step = advance(coach.context(), state, "I don't know")
    assert len(state.dimensions_asked) >= 6


def test_a_follow_up_is_no_new_question_for_the_minimum() -> None:
    state = DialogueState(lang="en", asked=("roles-1", "roles-2", "presence-1", "processes-1", "resources-1"))
    assert state.questions_asked == 5 and state.dimensions_asked == ["roles", "presence", "processes", "resources"]
