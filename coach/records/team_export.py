"""The team report in one of its three forms (Markdown, JSON, PDF), from a round's respondents: the one call
the command line and the app make."""

import json
import logging
from typing import Literal

from coach.diagnostic.team import Respondent, TeamReport, team_report
from coach.diagnostic.team_labels import shown_as
from coach.diagnostic.team_recall import Embed, RecallCheck, recall_check
from coach.diagnostic.team_render import render_team_report, team_report_json
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.team_pdf import team_report_pdf
from coach.text import strip_controls

Format = Literal["markdown", "json", "pdf"]
log = logging.getLogger(__name__)

FORMATS: tuple[Format, ...] = ("markdown", "json", "pdf")


def team_export(
    model: ReadinessModel,
    round_id: str,
    name: str,
    respondents: list[Respondent],
    form: Format,
    lang: Lang,
    *,
    show_names: bool = True,
    embed: Embed | None = None,
    exported_at: str | None = None,
    report: TeamReport | None = None,
) -> bytes:
    """The report of these respondents as UTF-8 Markdown or JSON, or as a PDF document.

    `show_names` False puts roles in place of names everywhere; `embed` (texts -> unit vectors) measures the
    recall check's similarity (without it the sentences are shown without a figure). `report`, when the caller
    has built it already from the same respondents and `show_names`, is used instead of building it again.
    """
    if form not in FORMATS:
        raise ValueError(f"unknown format {form!r}: one of {', '.join(FORMATS)}")
    report = report or team_report(respondents, show_names=show_names)
    shown = report_respondents(respondents, show_names)
    recall = _recall(shown, embed) if report.enough else None
    if form == "pdf":
        return team_report_pdf(model, report, name, round_id, lang, recall, exported_at)
    if form == "json":
        data = team_report_json(report, round_id, name, model=model, lang=lang, recall=recall)
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return strip_controls(render_team_report(model, report, name, lang, recall)).encode("utf-8")


def _recall(respondents: list[Respondent], embed: Embed | None) -> RecallCheck:
    """The recall check; when the embedder fails (a provider that is down), the sentences without a figure."""
    try:
        return recall_check(respondents, embed)
    except Exception:  # the report matters more than one figure in it
        log.warning(
            "The recall check's similarity could not be measured; the sentences are shown without it", exc_info=True
        )
        return recall_check(respondents, None)


def report_respondents(respondents: list[Respondent], show_names: bool) -> list[Respondent]:
    """The respondents under the labels the report shows (for the parts computed beside it, the recall check)."""
    return shown_as(respondents, show_names)


def needs_embedder(respondents: list[Respondent]) -> bool:
    """Whether the recall check has two sentences to compare (only then is an embedder worth loading)."""
    return sum(1 for respondent in respondents if (respondent.purpose or "").strip()) >= 2
