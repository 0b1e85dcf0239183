"""A starting point instead of a refusal: vague questions ("Wie fange ich an?", "help") and questions that
describe the company get an orientation from the articles, the offer of the diagnostic and 2-3 questions
the articles answer (their own example questions, the ones closest to what was asked)."""

import numpy as np

from coach.answer.extractive import Answer
from coach.knowledge.index import Hit, KnowledgeIndex
from coach.lang.copy import texts
from coach.lang.detect import Lang

SUGGESTIONS = 3
# A suggestion this close to what was asked would only repeat it.
SAME_QUESTION = 0.95
ORIENTATION_QUERY: dict[str, str] = {
    "en": "The social media readiness model at a glance: what social media readiness means, the four stages",
    "de": "Das Social-Media-Readiness-Modell im Überblick: was Social-Media-Readiness bedeutet, die vier Stufen",
}
"""What a vague question is retrieved as: where to start, in the words of the articles."""

OFFER = texts("answer", "offer_diagnostic")
ASK_IN_A_SENTENCE = texts("answer", "ask_in_a_sentence")


def suggested_questions(index: KnowledgeIndex, vector: np.ndarray, hits: list[Hit], asked: str) -> list[str]:
    """Per retrieved article (best first), its example question closest to the query; up to SUGGESTIONS."""
    table = index.question_table()
    if not len(table.texts):
        return []
    scores = table.vectors @ vector
    chosen: list[str] = []
    for hit in hits:
        rows = [row for row, chunk in enumerate(table.chunk_ids) if chunk.startswith(f"{hit.article_id}#")]
        rows = [row for row in rows if scores[row] < SAME_QUESTION and table.texts[row].strip() != asked.strip()]
        if rows:
            chosen.append(table.texts[max(rows, key=lambda row: scores[row])])
        if len(chosen) == SUGGESTIONS:
            break
    return chosen


def with_offer(answer: Answer, suggestions: list[str], lang: Lang) -> Answer:
    """The answer followed by the offer to run the diagnostic and the suggested questions."""
    lines = [OFFER[lang], *(f"- {question}" for question in suggestions)]
    answer.text = f"{answer.text}\n\n" + "\n".join(lines) if answer.text else "\n".join(lines)
    return answer


def ask_in_a_sentence(lang: Lang) -> Answer:
    """The friendly reply to a message with no words (only emoji, a URL, numbers)."""
    return Answer(text=ASK_IN_A_SENTENCE[lang], sources=[], lang=lang)
