"""The readiness model of `knowledge/readiness.yaml`: stages, dimensions, questions, examples."""

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, model_validator

from coach.knowledge.readiness_keys import CORE_DIMENSIONS, DIMENSION_KEYS, STAGE_KEYS
from coach.lang.detect import Lang

# "stage 2", "Stufe 3", "phase 1": how marketers refer to a stage by its number.
_STAGE_NUMBER = re.compile(r"\b(?:stage|stufe|phase)\s*([0-3])\b", re.IGNORECASE)


class Localized(BaseModel):
    """A text in both languages."""

    en: str
    de: str

    def __call__(self, lang: Lang) -> str:
        return self.de if lang == "de" else self.en


class QuickReply(Localized):
    """A ready-made answer to a question, mapped to a level."""

    level: int


class Question(BaseModel):
    id: str
    text: Localized
    replies: list[QuickReply]


class NextStep(Localized):
    """One step that lifts a dimension from a level to the next; cites an article."""

    article: str | None = None


class Examples(BaseModel):
    en: list[str]
    de: list[str]

    def all(self) -> list[str]:
        return [*self.en, *self.de]


class Dimension(BaseModel):
    key: str
    name: Localized
    short: Localized
    words: Examples
    """The words, per language, that name the dimension in a correction ("bei den Rollen eher 2", "for budget it's
    option 2"), lower case."""
    cues: Examples
    """Words, per language, that name what the dimension's levels are about (READINESS.md's level descriptions:
    "owns", "Freigabe", "zentral"), lower case; `*` stands for any letters. They decide between
    dimensions a clause is about, never whether it is evidence."""
    description: Localized
    article: str
    levels: dict[int, Localized]
    questions: list[Question]
    next_steps: dict[int, NextStep]
    examples: dict[int, Examples]

    @property
    def core(self) -> bool:
        return self.key in CORE_DIMENSIONS

    @property
    def cue_pattern(self) -> re.Pattern[str]:
        """The cues of both languages as one pattern of whole words."""
        return _cue_pattern(tuple(self.cues.all()))

    def step_from(self, level: int) -> NextStep | None:
        return self.next_steps.get(level)


@cache
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    words = (re.escape(cue).replace(r"\*", r"\w*").replace("'", "['’]") for cue in cues)
    return re.compile(rf"(?<!\w)(?:{'|'.join(words)})(?!\w)", re.IGNORECASE)


class Stage(BaseModel):
    key: str
    number: int
    name: Localized
    summary: Localized
    article: str


class ReadinessModel(BaseModel):
    version: int
    stages: list[Stage]
    dimensions: list[Dimension]
    background: Examples
    """Statements that say nothing about readiness: the scorer's reject class."""

    @model_validator(mode="after")
    def _complete(self) -> "ReadinessModel":
        if tuple(stage.key for stage in self.stages) != STAGE_KEYS:
            raise ValueError(f"stages must be {STAGE_KEYS} in this order")
        if tuple(dimension.key for dimension in self.dimensions) != DIMENSION_KEYS:
            raise ValueError(f"dimensions must be {DIMENSION_KEYS} in this order")
        for dimension in self.dimensions:
            for question in dimension.questions:
                if not 3 <= len(question.replies) <= 4:
                    raise ValueError(f"question {question.id} needs 3-4 quick replies")
        return self

    def stage(self, number: int) -> Stage:
        return self.stages[number]

    def with_stage_names(self, text: str, lang: Lang) -> str:
        """The text with each stage number followed by the stage's name ("Stufe 1 (Bolt-On)").

        The articles name the stages; a small embedding model cannot know that "stage 3" is
        "Optimizing your business", so a question that counts stages is given their names.
        """
        return _STAGE_NUMBER.sub(lambda match: f"{match.group(0)} ({self.stage(int(match.group(1))).name(lang)})", text)

    def dimension(self, key: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(f"unknown dimension {key!r}")

    def question(self, question_id: str) -> tuple[Dimension, Question]:
        for dimension in self.dimensions:
            for question in dimension.questions:
                if question.id == question_id:
                    return dimension, question
        raise KeyError(f"unknown question {question_id!r}")


class Label(BaseModel):
    dimension: Literal[DIMENSION_KEYS]
    level: int = Field(ge=0, le=3)


class LabelledSentence(BaseModel):
    """A sentence from a company description, with what it says about each dimension (maybe nothing)."""

    id: str
    lang: Lang
    text: str
    evidence: list[Label] = []

    @property
    def description(self) -> str:
        """The id of the description the sentence comes from (its id is `description.number`)."""
        return self.id.split(".")[0]


@cache
def load_corpus(path: Path) -> tuple[LabelledSentence, ...]:
    """The scorer's labelled sentences (once per path and process); ValueError naming the file if broken."""
    try:
        with path.open(encoding="utf-8") as handle:
            return tuple(TypeAdapter(list[LabelledSentence]).validate_python(yaml.safe_load(handle) or []))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{path}: unusable corpus of labelled sentences ({error})") from error


@cache
def load_model(path: Path) -> ReadinessModel:
    """Parse and validate the readiness model (once per path and process)."""
    with path.open(encoding="utf-8") as handle:
        return ReadinessModel.model_validate(yaml.safe_load(handle))
