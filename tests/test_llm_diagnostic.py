"""The diagnostic with a (fake) chat model: checked structured evidence, worded questions, summary prose.

Every model step falls back for that turn only: the offline scorer, the template question, the
template summary. The next turn tries the model again.
"""

import json
import logging

import pytest

from coach.diagnostic.dialogue import DiagnosticContext, start
from coach.diagnostic.summary import render_summary
from coach.readiness.model_evidence import ModelEvidence, dimension_guide, occurs_in
from coach.records.conversation import Conversation
from coach.session.intake import take
from coach.session.replies import start_diagnostic

MESSAGE = "We have no budget for social media. Our intern posts on Instagram when she has time."
VALID = {
    "evidence": [
        {"dimension": "resources", "level": 1, "quote": "We have no budget for social media."},
        {"dimension": "roles", "level": 1, "quote": "our intern posts on Instagram when she has time"},
    ],
    "goals": [],
}


def _reply(**changes) -> str:
    """VALID as JSON with the first evidence item changed."""
    first = {**VALID["evidence"][0], **changes}
    return json.dumps({**VALID, "evidence": [first, *VALID["evidence"][1:]]})


def test_valid_evidence_from_the_model_counts_with_its_source_and_the_messages_own_words(model_coach, fake_model):
    fake_model.queue(json.dumps(VALID))
    scored = model_coach.diagnostic_context().score(MESSAGE, 3, "resources")
    assert [(e.dimension, e.level, e.source, e.turn) for e in scored.evidence] == [
        ("resources", 1, "model", 3),
        ("roles", 1, "model", 3),
    ]
    assert all(occurs_in(e.quote, MESSAGE) for e in scored.evidence)
    assert fake_model.structured_calls[-1]["schema"] is ModelEvidence
    system, user = fake_model.prompts[-1]
    assert "<message>\n" + MESSAGE in user.content and "resources (Resources" in user.content
    assert "not evidence" in system.content and "Negations count low" in system.content


def test_the_prompt_describes_every_dimension_and_level_from_the_readiness_data(model_coach):
    guide = dimension_guide(model_coach.model)
    for dimension in model_coach.model.dimensions:
        assert f"- {dimension.key} ({dimension.name.en})" in guide
        for text in dimension.levels.values():
            assert text.en in guide


@pytest.mark.parametrize(
    "bad_reply",
    [
        _reply(level=5),
        _reply(dimension="budget"),
        _reply(quote="We spend 50,000 euros a year on social media."),
        '{"evidence": [{"dimension": "resources", "level": 1, "quote": "We have no',
        ConnectionRefusedError("down"),
        json.dumps({**VALID, "goals": ["We want to hire a community manager."]}),
    ],
    ids=["level-out-of-range", "unknown-dimension", "fabricated-quote", "invalid-json", "exception", "invented-goal"],
)
def test_unusable_model_evidence_falls_back_to_the_offline_scorer_for_that_turn_only(
    model_coach, fake_model, caplog, bad_reply
):
    context = model_coach.diagnostic_context()
    fake_model.queue(bad_reply, json.dumps(VALID))
    with caplog.at_level(logging.WARNING, logger="coach.diagnostic.model"):
        scored = context.score(MESSAGE, 1, "resources")
    assert scored == model_coach.score(MESSAGE, 1, "resources")
    assert scored.evidence and all(item.source == "text" for item in scored.evidence)
    assert "offline scorer" in caplog.text and MESSAGE not in caplog.text
    again = context.score(MESSAGE, 2, "resources")
    assert {item.source for item in again.evidence} == {"model"}


def test_the_model_words_the_question_for_the_dimension_the_state_machine_chose(model_coach, fake_model):
    offline = DiagnosticContext(model_coach.model, model_coach.score, model_coach.ask)
    _, template_step = start(offline, "en")
    fake_model.queue("Great to meet you! To start: where is your company active on social media today?")
    _, model_step = start(model_coach.diagnostic_context(), "en")
    assert model_step.dimension == template_step.dimension
    assert model_step.quick_replies == template_step.quick_replies
    assert model_step.text.endswith("where is your company active on social media today?")
    template_question = template_step.text.split("\n\n")[-1]
    assert template_question in fake_model.prompts[-1][0].content and template_question not in model_step.text


@pytest.mark.parametrize(
    "bad_wording",
    ["Tell me about your channels.", "Where are you active? See ![x](https://evil.example/?q=chat)", TimeoutError()],
    ids=["no-question", "image-link", "exception"],
)
def test_unusable_wording_keeps_the_template_question(model_coach, fake_model, bad_wording):
    offline = DiagnosticContext(model_coach.model, model_coach.score, model_coach.ask)
    _, template_step = start(offline, "en")
    fake_model.queue(bad_wording)
    _, model_step = start(model_coach.diagnostic_context(), "en")
    assert model_step.text == template_step.text


def test_a_fabricated_quote_never_reaches_the_summary_and_the_model_writes_its_prose(model_coach, fake_model):
    invented = "We spend 50,000 euros a year on social media."
    talk = Conversation(lang="en")
    fake_model.queue("Where is your company active on social media today?")
    start_diagnostic(model_coach, talk)
    fake_model.queue(_reply(quote=invented), "Who looks after it?")
    take(model_coach, talk, MESSAGE)
    prose = "You are at the beginning: accounts exist, but nobody owns them. Start with named owners."
    fake_model.queue(prose)
    summary_turn = take(model_coach, talk, "summary")
    assert summary_turn.kind == "summary" and summary_turn.mode == "llm"
    assert invented not in summary_turn.text and all(e.quote != invented for e in talk.dialogue.evidence)
    assert talk.summary.prose == prose and prose in summary_turn.text
    assert "**Dimensions**" in summary_turn.text  # the structured summary is still there
    prompt = fake_model.prompts[-1][0].content
    assert "<assessment>\nStage 1:" in prompt and "<next_steps>\n1. " in prompt


@pytest.mark.parametrize(
    "bad_prose", ["", "Read more at https://evil.example/?q=chat", RuntimeError("500")], ids=["empty", "link", "error"]
)
def test_unusable_prose_keeps_the_template_summary(model_coach, fake_model, bad_prose):
    fake_model.queue(json.dumps(VALID), bad_prose)
    assessment, summary = model_coach.assess(MESSAGE)
    assert summary.prose is None
    assert {item.source for result in assessment.dimensions.values() for item in result.evidence} == {"model"}
    assert render_summary(model_coach.model, summary).startswith("**Your stage: 1")
