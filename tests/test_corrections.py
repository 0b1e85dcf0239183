"""Corrections read once, everywhere: which user turns a later message took back is stored with the coach's
reply, survives a reload from the store and an old record, and every surface (chat, share page, Markdown,
JSON, PDF) marks the same messages. A scripted scorer makes each step exact; the real one is in
test_diagnostic_conversations.py."""

import io
import json

import pytest
from pypdf import PdfReader

from coach.answer.extractive import Answer
from coach.config import Settings
from coach.diagnostic.dialogue import DiagnosticContext
from coach.diagnostic.summary import build_summary
from coach.readiness.model import load_model
from coach.readiness.rules import Evidence
from coach.readiness.scorer import ScoredText
from coach.records.access import MACHINE_OWNER
from coach.records.conversation import Conversation, TakenBack, Turn
from coach.records.pdf import pdf_bytes
from coach.records.store import Store
from coach.records.transcript import diagnose_json, markdown, read_record, record, record_json
from coach.session.intake import accept, reply, take
from coach.session.replies import start_diagnostic

MODEL = load_model(Settings().readiness_file)
PHRASES = {
    "nobody owns": ("roles", 1),
    "niemand ist zuständig": ("roles", 1),
    "no process": ("processes", 1),
    "keinen festen ablauf": ("processes", 1),
    "a team owns": ("roles", 2),
    "no budget": ("resources", 1),
    "kein budget": ("resources", 1),
    "own budget": ("resources", 2),
    "eigenes budget": ("resources", 2),
    "we post": ("presence", 1),
    "wir posten": ("presence", 1),
}
CORRECTED = {"en": "(corrected later: Resources)", "de": "(später korrigiert: Ressourcen)"}
SCRIPTS = {
    "en": [
        "We post now and then, nobody owns it, there is no process.",
        "2",
        "Actually we do have our own budget now.",
    ],
    "de": [
        "Wir posten ab und zu, niemand ist zuständig, es gibt keinen festen Ablauf.",
        "2",
        "Eigentlich haben wir doch ein eigenes Budget.",
    ],
}


class FakeCoach:
    """What a conversation needs from the coach, with a scorer that reads phrases."""

    model = MODEL
    settings = Settings()

    def score(self, text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        found = [
            Evidence(dimension, level, 0.8, text, "text", turn)
            for phrase, (dimension, level) in PHRASES.items()
            if phrase in text.lower()
        ]
        return ScoredText(evidence=found)

    def ask(self, text, default_lang="en", history=(), on_token=None) -> Answer:
        return Answer(text="(article answer)", sources=[], lang=default_lang)

    def diagnostic_context(self) -> DiagnosticContext:
        return DiagnosticContext(model=MODEL, score=self.score, answer_question=lambda q, lang, d: self.ask(q, lang))

    def summarize(self, assessment, lang):
        return build_summary(MODEL, assessment, lang, lambda text, key, lang: None)


def corrected_conversation(lang: str) -> Conversation:
    """A diagnostic in which the quick reply typed as its number ("2", the resources question's "no budget")
    is taken back by a later correction."""
    coach, talk = FakeCoach(), Conversation(lang=lang)
    start_diagnostic(coach, talk)
    first, number, correction = SCRIPTS[lang]
    take(coach, talk, first)
    assert talk.dialogue.current == "resources-1", "the script expects the resources question second"
    take(coach, talk, number)
    take(coach, talk, correction)
    return talk


def position_of(talk: Conversation, text: str) -> int:
    return next(number for number, turn in enumerate(talk.turns) if turn.role == "user" and turn.text == text)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_correction_marks_the_message_it_took_back_and_no_other(lang) -> None:
    talk = corrected_conversation(lang)
    assert talk.corrections() == {position_of(talk, "2"): ["resources"]}
    assert talk.turns[-1].took_back == [TakenBack(position_of(talk, "2"), "resources")]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_marks_survive_a_reload_from_the_store(lang, tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    coach, talk = FakeCoach(), Conversation(lang=lang)
    start_diagnostic(coach, talk)
    revision = store.save(talk, 0, viewer=MACHINE_OWNER)
    for message in SCRIPTS[lang]:  # saved after every message and after every reply, as the app does
        accepted = accept(talk, message, coach.settings)
        revision = store.save(talk, revision, viewer=MACHINE_OWNER)
        reply(coach, talk, accepted)
        revision = store.save(talk, revision, viewer=MACHINE_OWNER)
    loaded, _ = store.load(talk.id, viewer=MACHINE_OWNER)
    assert loaded.corrections() == talk.corrections() == {position_of(talk, "2"): ["resources"]}
    assert CORRECTED[lang] in markdown(MODEL, loaded)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_markdown_marks_only_the_message_taken_back(lang) -> None:
    talk = corrected_conversation(lang)
    text = markdown(MODEL, talk)
    assert text.count(CORRECTED[lang]) == 1
    after_number = text.split("\n\n2\n\n", 1)[1]
    assert after_number.lstrip().startswith(f"_{CORRECTED[lang]}_")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_json_export_and_diagnose_json_say_which_message_was_corrected(lang) -> None:
    talk = corrected_conversation(lang)
    where = position_of(talk, "2")
    assert record(MODEL, talk)["corrections"] == [{"turn": where, "dimensions": ["resources"]}]
    transcript = diagnose_json(MODEL, talk)["transcript"]
    assert [number for number, turn in enumerate(transcript) if "corrected" in turn] == [where]
    restored = read_record(record_json(MODEL, talk))
    assert restored.corrections() == talk.corrections()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_pdf_marks_the_message_taken_back(lang) -> None:
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(MODEL, corrected_conversation(lang)))).pages
    )
    assert " ".join(text.split()).count(CORRECTED[lang]) == 1


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_old_record_without_took_back_still_loads_with_its_marks(lang) -> None:
    talk = corrected_conversation(lang)
    data = json.loads(record_json(MODEL, talk))
    where = position_of(talk, "2")
    for turn in data["conversation"]["turns"]:
        turn.pop("took_back")
    data["conversation"]["turns"][where]["corrected"] = ["resources"]  # how the coach wrote it before
    del data["corrections"]
    old = read_record(json.dumps(data))
    assert old.corrections() == {where: ["resources"]}
    assert markdown(MODEL, old).count(CORRECTED[lang]) == 1


def test_a_mark_that_points_at_no_user_turn_is_ignored() -> None:
    talk = Conversation(turns=[Turn("user", "hi"), Turn("coach", "hello", took_back=[TakenBack(1, "roles")])])
    assert talk.corrections() == {}


def quick_reply_conversation(lang: str, numbers: int) -> tuple[FakeCoach, Conversation]:
    """A diagnostic answered with quick replies by number: presence, roles, processes, resources in turn."""
    coach, talk = FakeCoach(), Conversation(lang=lang)
    start_diagnostic(coach, talk)
    for _ in range(numbers):
        take(coach, talk, "1")
    assert talk.dialogue.asked[:numbers] == ("presence-1", "roles-1", "processes-1", "resources-1")[:numbers]
    return coach, talk


def user_positions(talk: Conversation) -> list[int]:
    return [number for number, turn in enumerate(talk.turns) if turn.role == "user"]


@pytest.mark.parametrize(
    ("lang", "correction", "dimension", "changed", "answer"),
    [
        ("de", "Korrektur: bei den Rollen eher 2", "roles", "Rollen: Stufe 1 → Stufe 2", 1),
        ("de", "Eigentlich bei Prozesse die zweite Antwort", "processes", "Prozesse: Stufe 1 → Stufe 2", 2),
        ("de", "eigentlich die zweite Antwort", "resources", "Ressourcen: Stufe 0 → Stufe 1", 3),
        ("en", "actually, for budget it's option 3", "resources", "Resources: level 0 → level 2", 3),
        ("en", "Correction: for roles, the second answer", "roles", "Roles: level 1 → level 2", 1),
        ("en", "actually the third one", "resources", "Resources: level 0 → level 2", 3),
    ],
)
def test_a_correction_may_name_an_earlier_quick_reply_by_its_number(lang, correction, dimension, changed, answer):
    coach, talk = quick_reply_conversation(lang, 4)
    before = {item for item in talk.dialogue.evidence if item.dimension != dimension}
    turn = take(coach, talk, correction)
    assert changed in turn.text
    assert {item for item in talk.dialogue.evidence if item.dimension != dimension} == before
    replaced = [item for item in talk.dialogue.evidence if item.dimension == dimension]
    assert len(replaced) == 1 and replaced[0].source == "reply"
    assert turn.took_back == [TakenBack(user_positions(talk)[answer], dimension)]


@pytest.mark.parametrize(
    ("lang", "correction"),
    [("de", "Korrektur: bei der Kultur eher 2"), ("en", "actually, for culture it's option 7"), ("en", "actually 9")],
)
def test_a_numbered_correction_of_nothing_asked_changes_nothing(lang, correction) -> None:
    coach, talk = quick_reply_conversation(lang, 4)
    evidence = talk.dialogue.evidence
    turn = take(coach, talk, correction)
    assert talk.dialogue.evidence == evidence and not turn.took_back


@pytest.mark.parametrize(
    ("lang", "statement"),
    [
        ("en", "Actually, 2 of us have our own budget now."),
        ("de", "Eigentlich haben wir 2 Leute und ein eigenes Budget."),
    ],
)
def test_a_correction_with_a_number_in_a_sentence_is_read_as_a_statement(lang, statement) -> None:
    coach, talk = quick_reply_conversation(lang, 4)
    take(coach, talk, statement)
    resources = [item for item in talk.dialogue.evidence if item.dimension == "resources"]
    assert [(item.level, item.source) for item in resources] == [(2, "text")]


@pytest.mark.parametrize(
    ("lang", "correction", "stays"),
    [
        ("de", "Korrektur: bei den Rollen eher 1", "Rollen bleibt bei Stufe 1"),
        ("en", "actually, for roles it's option 1", "Roles stays at level 1"),
    ],
)
def test_a_correction_that_restates_the_same_answer_takes_nothing_back(lang, correction, stays) -> None:
    coach, talk = quick_reply_conversation(lang, 4)
    evidence = talk.dialogue.evidence
    turn = take(coach, talk, correction)
    assert stays in turn.text
    assert not turn.took_back and talk.corrections() == {}  # no message is marked "corrected later"
    assert talk.dialogue.evidence == evidence  # the answer keeps its place in the conversation


def test_a_quick_reply_that_opens_like_a_correction_is_an_answer() -> None:
    coach, talk = quick_reply_conversation("de", 1)
    assert talk.dialogue.current == "roles-1"
    turn = take(coach, talk, "Eigentlich niemand oder jemand nebenbei")
    roles = [item for item in talk.dialogue.evidence if item.dimension == "roles"]
    assert [(item.level, item.source) for item in roles] == [(1, "reply")]
    assert not turn.took_back and talk.dialogue.current != "roles-1"


@pytest.mark.parametrize(
    ("lang", "correction", "changed"),
    [
        ("de", "Korrektur: bei den Rollen eher 2", "Rollen: Stufe 1 → Stufe 2"),
        ("en", "actually, for roles it's option 2", "Roles: level 1 → level 2"),
    ],
)
def test_a_numbered_correction_after_the_summary_updates_it(lang, correction, changed) -> None:
    coach, talk = quick_reply_conversation(lang, 4)
    take(coach, talk, "summary")
    assert talk.summary is not None
    turn = take(coach, talk, correction)
    assert turn.kind == "summary" and changed in turn.text.split("\n\n")[0]
    assert talk.summary.assessment.dimensions["roles"].level == 2
    assert turn.took_back == [TakenBack(user_positions(talk)[1], "roles")]
