"""Statements labelled by a chat model through structured output, checked before they count.

The model fills `ModelLabels`; each item must name an index that exists, a label of the fixed set and
a short reason. Statements the model skipped keep their offline label. Any failure raises
`RejectedLabels` (or the model's own error); the caller then uses the offline reading for the document.
"""

from collections.abc import Sequence

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from coach.config import Settings
from coach.prompts import render
from coach.strategy.classifier import Labelled
from coach.strategy.labels import Label

MAX_REASON_WORDS = 30
"""A reason longer than this is not short; the prompt asks for 15 words, this leaves room."""


class StatementLabel(BaseModel):
    """The label of one statement of the paper."""

    index: int = Field(description="The statement's index as listed.")
    label: Label = Field(description="goal, strategy, tactic, measure, organisation or other.")
    reason: str = Field(description="Why, in at most 15 words.")


class ModelLabels(BaseModel):
    """The labels of the paper's statements."""

    statements: list[StatementLabel] = Field(default_factory=list, description="One item per statement.")


class RejectedLabels(ValueError):
    """The model's labels failed a check; the reason names the check, never the paper."""


def label_messages(statements: Sequence[str]) -> list[BaseMessage]:
    listed = "\n".join(f"{index}. {text}" for index, text in enumerate(statements))
    return [SystemMessage(render("strategy_system")), HumanMessage(render("strategy_user", statements=listed))]


def model_labels(chat_model, settings: Settings, offline: Sequence[Labelled]) -> list[Labelled]:
    """The model's labels for the statements, checked; statements it skipped keep their offline label."""
    structured = chat_model.with_structured_output(ModelLabels, method=settings.structured_output)
    reply = structured.invoke(label_messages([statement.text for statement in offline]))
    if not isinstance(reply, ModelLabels):
        raise RejectedLabels(f"the model returned {type(reply).__name__}, not labels")
    return checked(reply, offline)


def checked(reply: ModelLabels, offline: Sequence[Labelled]) -> list[Labelled]:
    labelled = list(offline)
    seen: set[int] = set()
    for item in reply.statements:
        if not 0 <= item.index < len(offline):
            raise RejectedLabels(f"statement {item.index} does not exist")
        if item.index in seen:
            raise RejectedLabels(f"statement {item.index} was labelled twice")
        reason = " ".join(item.reason.split())
        if not reason or len(reason.split()) > MAX_REASON_WORDS:
            raise RejectedLabels(f"the reason of statement {item.index} is empty or not short")
        seen.add(item.index)
        labelled[item.index] = Labelled(offline[item.index].text, item.label, reason, offline[item.index].kind)
    if not seen:
        raise RejectedLabels("the model labelled no statement")
    return labelled
