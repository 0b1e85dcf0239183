"""What a chat model says in the diagnostic: the next question in its own words, and the summary's prose.

The state machine still decides which dimension to ask about and the rules still decide the stage;
the model only words them. Every reply is checked (one short paragraph, no links, the question
still a question); a failed check raises `RejectedWording` and the caller keeps the template text.
"""

import re

from langchain_core.messages import AIMessage, HumanMessage

from coach.answer.model import LANGUAGE, check_citations
from coach.diagnostic.summary import Summary
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.lang.detect import Lang
from coach.prompts import render
from coach.readiness.model import ReadinessModel
from coach.text import strip_controls

MAX_QUESTION_CHARS = 400
MAX_PROSE_CHARS = 1500
MAX_LAST_ANSWER_CHARS = 1000
# Links and markup have no place in a question or a summary paragraph (the UI renders them inert anyway).
_LINK_OR_MARKUP = re.compile(r"https?:|www\.|\]\(|<[a-z/!]|!\[", re.IGNORECASE)


class RejectedWording(ValueError):
    """The model's text failed a check; the template text is used instead."""


def reply_text(reply) -> str:
    """The model's reply as plain text, without control characters (a terminal escape never gets through)."""
    content = reply.content if isinstance(reply, AIMessage) else None
    return strip_controls(content).strip() if isinstance(content, str) else ""


def phrase_question(
    chat_model, model: ReadinessModel, dimension: str, template: str, lang: Lang, last_answer: str
) -> str:
    """The template question about `dimension` as the model would ask it; raises RejectedWording."""
    about = model.dimension(dimension)
    prompt = render(
        "next_question",
        language=LANGUAGE[lang],
        dimension=about.name(lang),
        description=about.description(lang),
        template=template,
        last_answer=last_answer[:MAX_LAST_ANSWER_CHARS] or "(none yet: this is the first question)",
    )
    return checked_question(reply_text(chat_model.invoke([HumanMessage(prompt)])))


def checked_question(text: str) -> str:
    """One short paragraph that asks something."""
    text = text.strip().strip('"“”„')
    if not text or "\n\n" in text or len(text) > MAX_QUESTION_CHARS:
        raise RejectedWording("the question is empty, too long or more than one paragraph")
    if "?" not in text:
        raise RejectedWording("the question asks nothing")
    if _LINK_OR_MARKUP.search(text):
        raise RejectedWording("the question holds a link or markup")
    return text


def summary_prose(chat_model, model: ReadinessModel, summary: Summary) -> str:
    """A short paragraph about the assessment and the next steps; raises RejectedWording."""
    prompt = render(
        "summary_prose",
        language=LANGUAGE[summary.lang],
        assessment=assessment_facts(model, summary),
        steps=step_facts(summary),
    )
    return checked_prose(reply_text(chat_model.invoke([HumanMessage(prompt)])))


def assessment_facts(model: ReadinessModel, summary: Summary) -> str:
    """What the rules decided, as plain lines for the prompt."""
    lang, assessment = summary.lang, summary.assessment
    stage = model.stage(assessment.stage)
    headline = f"Stage {stage.number}: {stage.name(lang)} (confidence {assessment.confidence:.0%})."
    lines = [f"{headline} {stage.summary(lang)}"]
    for key in DIMENSION_KEYS:
        level = assessment.dimensions[key].level
        lines.append(f"- {model.dimension(key).name(lang)}: {'unknown' if level is None else f'level {level}'}")
    names = {key: model.dimension(key).name(lang) for key in DIMENSION_KEYS}
    lines.append(f"Strengths: {', '.join(names[key] for key in summary.strengths) or 'none yet'}")
    lines.append(f"Holding it at this stage: {', '.join(names[key] for key in summary.gaps) or 'nothing'}")
    return "\n".join(lines)


def step_facts(summary: Summary) -> str:
    lines = []
    for number, step in enumerate(summary.next_steps, start=1):
        source = f" (from \u201c{step.source.title}\u201d: {step.source.text})" if step.source else ""
        lines.append(f"{number}. {step.text}{source}")
    return "\n".join(lines) or "(none)"


def checked_prose(text: str) -> str:
    """A paragraph without links, markup or citation markers."""
    text, _, _ = check_citations(text, 0)
    if not text or len(text) > MAX_PROSE_CHARS:
        raise RejectedWording("the summary paragraph is empty or too long")
    if _LINK_OR_MARKUP.search(text):
        raise RejectedWording("the summary paragraph holds a link or markup")
    return " ".join(text.split())
