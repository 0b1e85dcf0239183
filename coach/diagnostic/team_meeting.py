"""What to discuss: three questions for the team meeting and the next steps, disagreements first, each citing
the article it comes from.

Every sentence comes from `knowledge/team_meeting.yaml` (German and English); only the dimension's name and
the lowest and highest level are filled in. The order:
- questions: the alignment question on the largest disagreement (organizational-alignment), then the
  dimension questions of the largest disagreements; then, while fewer than three, the recall question when the
  one-sentence answers differ, and the aligned team's question;
- steps: agreeing on one description of the largest disagreement (organizational-alignment), then the
  dimension steps of the disagreements, most first; an aligned team gets the step that tests the strategy
  against the organisation.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from coach.config import PROJECT_ROOT
from coach.diagnostic.team import DimensionSpread, TeamReport
from coach.diagnostic.team_recall import RecallCheck
from coach.knowledge.articles import load_article
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel

MEETING_FILE = PROJECT_ROOT / "knowledge" / "team_meeting.yaml"
ARTICLES = PROJECT_ROOT / "knowledge" / "articles"
QUESTIONS = 3
STEPS = 3


@dataclass(frozen=True)
class Cited:
    """One question or step and the article it comes from (key and title in the reader's language)."""

    text: str
    article: str
    title: str


@dataclass(frozen=True)
class Agenda:
    questions: list[Cited]
    steps: list[Cited]


@cache
def meeting_data(path: Path = MEETING_FILE) -> dict:
    """The questions and steps (read once)."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def article_title(key: str, lang: Lang) -> str:
    """The title of an article in the reader's language (the key when the article is missing)."""
    path = ARTICLES / lang / f"{key}.md"
    return load_article(path).meta.title if path.is_file() else key


def agenda(model: ReadinessModel, report: TeamReport, lang: Lang, recall: RecallCheck | None = None) -> Agenda:
    """The meeting's questions and the next steps for this report, in the reader's language."""
    data = meeting_data()
    disagreements = [spread for spread in report.dimensions if spread.disagreement]
    questions, steps = [], []
    if disagreements:
        largest = _values(model, disagreements[0], lang)
        questions.append(_cited(data["disagreement"], "question", lang, largest))
        steps.append(_cited(data["disagreement"], "step", lang, largest))
    for spread in disagreements:
        entry = data["dimensions"][spread.dimension]
        questions.append(_cited(entry, "question", lang, _values(model, spread, lang)))
        steps.append(_cited(entry, "step", lang, _values(model, spread, lang)))
    if recall is not None and recall.differs:
        questions.append(_cited(data["recall"], "question", lang, {}))
    if not disagreements:
        questions.append(_cited(data["aligned"], "question", lang, {}))
        steps.append(_cited(data["aligned"], "step", lang, {}))
    return Agenda(_unique(questions)[:QUESTIONS], _unique(steps)[:STEPS])


def _values(model: ReadinessModel, spread: DimensionSpread, lang: Lang) -> dict[str, str]:
    levels = [position.level for position in spread.known]
    return {"dimension": model.dimension(spread.dimension).name(lang), "low": min(levels), "high": max(levels)}


def _cited(entry: dict, kind: str, lang: Lang, values: dict) -> Cited:
    return Cited(entry[kind][lang].format(**values), entry["article"], article_title(entry["article"], lang))


def _unique(items: list[Cited]) -> list[Cited]:
    return list(dict.fromkeys(items))
