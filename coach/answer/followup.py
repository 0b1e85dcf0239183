"""Offline follow-ups: a short or pointing question is read together with the previous question.

"Und wer sollte das machen?" after "Wie messen wir, ob Social Media etwas bringt?" is retrieved as
"Wie messen wir, ob Social Media etwas bringt? – Und wer sollte das machen?": the previous question
brings the topic, the follow-up's own words (who, budget, an example) steer within it. With a model,
the model rewrites the question instead (`coach.answer.model.standalone_question`).
"""

from collections.abc import Sequence

from coach.answer.reading import is_follow_up

JOINER = " – "


def previous_question(history: Sequence[tuple[str, str]]) -> str | None:
    """The marketer's last message before this one, if any."""
    return next((text for role, text in reversed(history) if role == "user" and text.strip()), None)


def offline_standalone(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The follow-up with the previous question before it; any other question as it was asked."""
    previous = previous_question(history)
    if previous is None or not is_follow_up(question):
        return question
    return f"{previous.strip()}{JOINER}{question.strip()}"


KIND_HINTS: dict[str, dict[str, str]] = {
    "who": {"en": "who is responsible: roles and owners", "de": "wer ist verantwortlich: Rollen und Zuständigkeiten"},
    "example": {"en": "a worked example", "de": "ein Beispiel"},
    "why": {"en": "why: the reasons", "de": "warum: die Gründe"},
    "first_step": {"en": "the first step", "de": "der erste Schritt"},
}
"""What a follow-up's kind adds to its retrieval: "und wer?" after a question on measuring asks for roles."""


def follow_up_query(asked: str, question: str, kind: str, lang: str) -> str:
    """The retrieval text of a follow-up read with its previous question; other questions unchanged."""
    if asked == question or kind not in KIND_HINTS:
        return asked
    return f"{asked} ({KIND_HINTS[kind][lang]})"
