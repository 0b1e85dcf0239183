"""The conversation record as data: the transcript, the diagnostic's JSON, and the exports.

The JSON export is the conversation's complete record (a versioned schema, see the README) and
reads back losslessly with `read_record`; the Markdown export is for people. Everything that came
from the marketer, an article or a model is made inert (`coach.safety.inert`), so a Markdown viewer
shows it as typed and loads nothing.
"""

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from coach.diagnostic.summary import render_summary, summary_json
from coach.errors import BadInput
from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.check_export import check_summary
from coach.records.conversation import Conversation, now
from coach.safety import inert
from coach.text import UnusableDocument, clean_document

TRANSCRIPT_VERSION = 1
RECORD_SCHEMA = "social-media-coach/conversation"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 20_000_000
MAX_RECORD_DEPTH = 64
"""A conversation record is about eight levels deep; anything far deeper is not one."""

_CONVERSATION = TypeAdapter(Conversation)

LABELS = section("transcript")


def transcript_json(conversation: Conversation) -> list[dict]:
    """Every turn with its role, text, kind, sources and time; a user's turn with the dimensions a later
    message corrected."""
    corrections = conversation.corrections()
    return [
        {
            "role": turn.role,
            "text": turn.text,
            "kind": turn.kind,
            "mode": turn.mode,
            "created_at": turn.created_at,
            "sources": [{"id": s.id, "title": s.title, "lang": s.lang, "number": s.number} for s in turn.sources],
            "quick_replies": turn.quick_replies,
            "notices": turn.notices,
            **({"corrected": corrections[position]} if position in corrections else {}),
        }
        for position, turn in enumerate(conversation.turns)
    ]


def diagnose_json(model: ReadinessModel, conversation: Conversation) -> dict:
    """`diagnose --json`: the summary fields of `assess --json` plus the transcript."""
    summary = conversation.summary
    fields = summary_json(model, summary) if summary else {}
    return {
        **fields,
        "questions_asked": conversation.dialogue.questions_asked if conversation.dialogue else 0,
        "transcript": transcript_json(conversation),
        "version": TRANSCRIPT_VERSION,
    }


def conversation_data(conversation: Conversation) -> dict[str, Any]:
    """The conversation as plain JSON data: every turn, the diagnostic state and the summary."""
    return _CONVERSATION.dump_python(conversation, mode="json")


def conversation_from_data(data: Any) -> Conversation:
    """The inverse of `conversation_data`; anything malformed raises `BadInput` with the first problem."""
    try:
        return _CONVERSATION.validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "conversation"
        raise BadInput(f"invalid conversation record at {where}: {first['msg']}") from None


def record(model: ReadinessModel, conversation: Conversation, exported_at: str | None = None) -> dict[str, Any]:
    """The JSON export: a versioned envelope around the complete conversation.

    `summary` is the readable `assess --json` view of the diagnostic and `corrections` the user turns a
    later message corrected (both derived, ignored on import); `conversation` is what `read_record` restores.
    """
    summary = summary_json(model, conversation.summary) if conversation.summary else None
    corrections = [{"turn": turn, "dimensions": keys} for turn, keys in conversation.corrections().items()]
    return {
        "schema": RECORD_SCHEMA,
        "version": RECORD_VERSION,
        "exported_at": exported_at or now(),
        "summary": summary,
        "corrections": corrections,
        "conversation": conversation_data(conversation),
    }


def record_json(model: ReadinessModel, conversation: Conversation) -> str:
    return json.dumps(record(model, conversation), ensure_ascii=False, indent=2) + "\n"


def read_record(raw: bytes | str) -> Conversation:
    """A conversation from a JSON export; `BadInput` (nothing half-read) when it is not one."""
    if len(raw) > MAX_RECORD_BYTES:
        raise BadInput(f"the file is larger than {MAX_RECORD_BYTES // 1_000_000} MB")
    try:
        document = json.loads(raw)
    except RecursionError:
        raise BadInput(f"not a conversation export: nested more than {MAX_RECORD_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BadInput(f"not valid JSON ({error})") from None
    try:  # every text cleaned like typed text; NaN and infinities (which Python's parser accepts) refused
        document = clean_document(document, MAX_RECORD_DEPTH)
    except UnusableDocument as error:
        raise BadInput(f"invalid conversation record: {error}") from None
    return from_record(document)


def from_record(document: Any) -> Conversation:
    """A conversation from an already parsed JSON export (a share link's snapshot, for one)."""
    if not isinstance(document, dict) or document.get("schema") != RECORD_SCHEMA:
        raise BadInput(f'not a conversation export (expected "schema": "{RECORD_SCHEMA}")')
    version = document.get("version")
    if type(version) is not int or version < 1:  # a bool is an int to isinstance: "version": true is not 1
        raise BadInput('invalid conversation record: "version" must be a whole number, at least 1')
    if version > RECORD_VERSION:
        raise BadInput(f"the export has version {version}; this coach reads up to version {RECORD_VERSION}")
    return conversation_from_data(document.get("conversation"))


def title_of(conversation: Conversation, limit: int = 60) -> str:
    """A short title that says what the conversation is: a diagnostic with its stage and date
    ("Diagnose · Stufe 2 · 6. Dez."), else the marketer's first message, or the coach's first words."""
    text = LABELS[conversation.lang]
    if conversation.dialogue is not None and conversation.turns:
        date = short_date(conversation.turns[-1].created_at, conversation.lang)
        if conversation.summary is not None:
            return text["diagnostic_title"].format(number=conversation.summary.assessment.stage, date=date)
        return text["diagnostic_running"].format(date=date)
    first = next((turn.text for turn in conversation.turns if turn.role == "user"), None)
    text = " ".join((first or (conversation.turns[0].text if conversation.turns else "")).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_date(iso: str, lang: Lang) -> str:
    """ "2026-12-06T..." -> "6. Dez." (German) or "Dec 6" (English)."""
    text = LABELS[lang]
    try:
        moment = datetime.fromisoformat(iso).astimezone(UTC)
    except ValueError:
        return iso
    return text["date"].format(day=moment.day, month=text["months"][moment.month - 1])


def readable_time(iso: str) -> str:
    """ "2026-11-27T12:04:29+00:00" -> "2026-11-27 12:04 UTC" (the stored form stays ISO 8601)."""
    try:
        moment = datetime.fromisoformat(iso).astimezone(UTC)
    except ValueError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def corrected_note(model: ReadinessModel, dimensions: list[str], lang: Lang) -> str:
    """ "(corrected later: Resources)" under a user's turn that a later message replaced
    (`Conversation.corrections` says which)."""
    names = "; ".join(model.dimension(key).short(lang) for key in dimensions)
    return LABELS[lang]["corrected"].format(names=names)


def markdown(model: ReadinessModel, conversation: Conversation, exported_at: str | None = None) -> str:
    """The Markdown export: the stage summary on top, the full transcript with sources below."""
    text = LABELS[conversation.lang]
    when = readable_time(exported_at or now())
    lines = [f"# {text['title']}", "", f"_{text['exported'].format(when=when, id=conversation.id)}_", ""]
    lines += [f"## {text['summary']}", ""]
    if conversation.summary:
        lines += [inert(render_summary(model, conversation.summary)), ""]
    else:
        lines += [text["no_summary"], ""]
    if line := check_summary(conversation):
        lines += [inert(line), ""]
    lines += [f"## {text['transcript']}", ""]
    if not conversation.turns:
        lines += [text["empty"], ""]
    corrections = conversation.corrections()
    for position, turn in enumerate(conversation.turns):
        lines += [f"### {text[turn.role]} · {readable_time(turn.created_at)}", "", inert(turn.text), ""]
        if position in corrections:
            lines += [f"_{corrected_note(model, corrections[position], conversation.lang)}_", ""]
        if turn.notices:  # a quote block ends at a blank line, or what follows joins it
            lines += [*(f"> {inert(notice)}" for notice in turn.notices), ""]
        if turn.sources:
            lines += [f"**{text['sources']}:**"]
            lines += [f"- \\[{s.number}\\] {inert(s.title)} ({inert(s.section)}, {s.lang})" for s in turn.sources]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
