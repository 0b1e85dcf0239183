"""Offline follow-ups: a short or pointing question is read together with the previous question.

"Und wer sollte das machen?" after "Wie messen wir, ob Social Media etwas bringt?" is retrieved as
"Wie messen wir, ob Social Media etwas bringt? – Und wer sollte das machen?": the previous question
brings the topic, the follow-up's own words (who, budget, an example) steer within it, and the sentences
the previous answer already quoted are not quoted again. A message that does not look like a follow-up but
that the articles cannot answer on its own is read the same way when the previous question makes it
answerable (`coach.session.coach`). With a model, the model rewrites the question instead
(`coach.answer.model.standalone_question`).
"""

import re
from collections.abc import Sequence

from coach.answer.reading import is_follow_up, topic_words

JOINER = " – "


def previous_question(history: Sequence[tuple[str, str]]) -> str | None:
    """The marketer's last message before this one, read with the one before it when it was a follow-up too
    ("why?" after "an example?" after "What are the layers?")."""
    asked = [text.strip() for role, text in history if role == "user" and text.strip()]
    if not asked:
        return None
    if len(asked) > 1 and is_follow_up(asked[-1]):
        return f"{asked[-2]}{JOINER}{asked[-1]}"
    return asked[-1]


def previous_answer(history: Sequence[tuple[str, str]]) -> str:
    """The coach's last reply, if it came after the marketer's last message ("" otherwise)."""
    for role, text in reversed(history):
        if role == "user":
            return ""
        if text.strip():
            return text
    return ""


def with_previous(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The question with the previous question before it (the question itself when there is none)."""
    previous = previous_question(history)
    return f"{previous}{JOINER}{question.strip()}" if previous else question


def offline_standalone(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The follow-up with the previous question before it; any other question as it was asked."""
    return with_previous(question, history) if is_follow_up(question) else question


TIMELINE = {
    "en": "the timeline: the first days, weeks and months",
    "de": "der Zeitplan: die ersten Tage, Wochen, Monate",
}

KIND_HINTS: dict[str, dict[str, str]] = {
    "who": {"en": "who is responsible: roles and owners", "de": "wer ist verantwortlich: Rollen und Zuständigkeiten"},
    "example": {"en": "a worked example", "de": "ein Beispiel"},
    "why": {"en": "why: the reasons", "de": "warum: die Gründe"},
    "first_step": {"en": "the first step", "de": "der erste Schritt"},
    "how_long": TIMELINE,
}
"""What a follow-up's kind adds to its retrieval: "und wer?" after a question on measuring asks for roles,
"and how long does that take?" after a question on stage 2 asks for a plan over time."""


WORD_HINTS: tuple[tuple[re.Pattern, dict[str, str]], ...] = (
    (re.compile(r"(?i)\b(how long|timeline|time ?frame|wie lange|dauer\w*|zeitplan|zeitraum|wie schnell)\b"), TIMELINE),
    (
        re.compile(r"(?i)\b(budget|costs?|money|pay|afford|kost\w*|geld|bezahl\w*|leisten)\b"),
        {"en": "budget and resources", "de": "Budget und Ressourcen"},
    ),
)
"""What a follow-up's words add when its kind says nothing: "realistic timeline?" asks for a plan over time."""


ASPECT_KINDS = ("who", "how_long")
"""Kinds of follow-up that ask about another side of the previous topic ("und wer?", "und wie lange dauert das?"),
not for more of it ("why?")."""

_ASKING_WORDS = re.compile(
    r"(?i)\b(how long|how soon|how much time|wie lange|wie schnell|wie viel zeit|bis wann|takes?|taking|last|"
    r"need|dauert|dauern|brauchen|braucht|realistic\w*|realistisch\w*|roughly|about|ungefähr|etwa)\b"
)
"""The words with which a follow-up asks for its side of the topic; they name no topic of their own."""


def follow_up_query(asked: str, question: str, kind: str, lang: str) -> str:
    """The retrieval text of a follow-up read with its previous question; other questions unchanged."""
    if asked == question:
        return asked
    hints = _hints(question, kind, lang)
    return f"{asked} ({'; '.join(hints)})" if hints else asked


def aspect_query(question: str, kind: str, lang: str) -> str | None:
    """The retrieval text of what a pointing follow-up asks about, when that is all it says.

    "And who should do that?" after "Is posting three times a week a strategy?" names no topic of its own:
    the previous question brings the object, the follow-up the side of it asked about (who is responsible).
    Read only together, the longer previous question drowns that side out, so it is retrieved on its own too
    (`coach.retrieval.reranker.fuse`). A follow-up with a topic of its own ("and who sits in the hub?") or one
    asking for more of the same ("an example?", "why?") is read together only: None.
    """
    aspects = _hints(question, kind if kind in ASPECT_KINDS else "", lang)
    if not aspects or topic_words(_ASKING_WORDS.sub(" ", question)):
        return None
    return f"{question.strip()} ({'; '.join(aspects)})"


def _hints(question: str, kind: str, lang: str) -> list[str]:
    """What the follow-up's kind and words add to its retrieval."""
    hints = [KIND_HINTS[kind][lang]] if kind in KIND_HINTS else []
    return list(dict.fromkeys(hints + [hint[lang] for pattern, hint in WORD_HINTS if pattern.search(question)]))
