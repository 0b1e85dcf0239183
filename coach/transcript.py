"""The conversation record as data: the transcript and the diagnostic's JSON."""

from coach.conversation import Conversation
from coach.readiness import ReadinessModel
from coach.summary import summary_json

TRANSCRIPT_VERSION = 1


def transcript_json(conversation: Conversation) -> list[dict]:
    """Every turn with its role, text, kind, sources and time."""
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
        }
        for turn in conversation.turns
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
