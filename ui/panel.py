"""The live stage summary beside the chat, as plain data and an Altair chart (no Streamlit here)."""

from dataclasses import dataclass, field
from typing import Literal

import altair as alt

from coach.diagnostic.summary import reason_line
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.conversation import Conversation
from ui.text import t

PanelState = Literal["empty", "waiting", "assessed"]
# One colour per level, light to dark: the darker the bar, the further the dimension is.
LEVEL_COLOURS = ["#c9dede", "#8bbcbc", "#3f8f8f", "#0f5f5f"]
UNKNOWN_COLOUR = "#8a9393"
TRACK_COLOUR = "#eef3f3"


@dataclass(frozen=True)
class DimensionRow:
    key: str
    name: str
    short: str
    level: int | None
    confidence: float


@dataclass(frozen=True)
class StepLine:
    """A next step and the title of the article it comes from."""

    text: str
    article_title: str


@dataclass(frozen=True)
class StagePanel:
    """What the panel shows: nothing yet, the dimensions while waiting for evidence, or the stage."""

    state: PanelState
    rows: list[DimensionRow] = field(default_factory=list)
    stage: int | None = None
    stage_name: str = ""
    stage_summary: str = ""
    confidence: float = 0.0
    next_steps: list[StepLine] = field(default_factory=list)
    reason: str = ""
    """Which rule decided the stage, and what is still open while it is provisional."""


def stage_panel(model: ReadinessModel, conversation: Conversation, lang: Lang) -> StagePanel:
    """The panel for the conversation so far; the summary's next steps once it was given."""
    summary = conversation.summary
    assessment = summary.assessment if summary else conversation.assessment
    steps = summary.next_steps if summary else []
    if assessment is None:
        return StagePanel("empty")
    rows = [
        DimensionRow(
            dimension.key,
            dimension.name(lang),
            dimension.short(lang),
            assessment.dimensions[dimension.key].level,
            assessment.dimensions[dimension.key].confidence,
        )
        for dimension in model.dimensions
    ]
    if not assessment.known:
        return StagePanel("waiting", rows)
    stage = model.stage(assessment.stage)
    lines = [StepLine(step.text, step.source.title if step.source else step.article) for step in steps]
    reason = reason_line(model, assessment, lang)
    return StagePanel(
        "assessed", rows, stage.number, stage.name(lang), stage.summary(lang), assessment.confidence, lines, reason
    )


def chart_rows(rows: list[DimensionRow], lang: Lang) -> list[dict]:
    """The chart's data: unknown dimensions get no bar and the label "unknown"."""
    unknown = t(lang, "unknown")
    return [
        {
            "dimension": row.short,
            "name": row.name,
            "bar": row.level if row.level is not None else 0,
            "label": str(row.level) if row.level is not None else unknown,
            "known": row.level is not None,
            "confidence": f"{row.confidence:.0%}",
            "track": 3,
        }
        for row in rows
    ]


def dimension_chart(rows: list[DimensionRow], lang: Lang) -> alt.LayerChart:
    """Eight horizontal bars on a 0-3 track; an unknown dimension shows the word, not a zero."""
    base = alt.Chart(alt.Data(values=chart_rows(rows, lang))).encode(
        y=alt.Y("dimension:N", sort=None, title=None, axis=alt.Axis(ticks=False, domain=False, labelPadding=6)),
        tooltip=[
            alt.Tooltip("name:N", title=t(lang, "dimension")),
            alt.Tooltip("label:N", title=t(lang, "level")),
            alt.Tooltip("confidence:N", title=t(lang, "certainty")),
        ],
    )
    x_scale = alt.Scale(domain=[0, 3.9], nice=False)
    x_axis = alt.Axis(values=[0, 1, 2, 3], format="d", title=None, grid=False, labelColor=UNKNOWN_COLOUR)
    track = base.mark_bar(color=TRACK_COLOUR, cornerRadius=3, height=16).encode(
        x=alt.X("track:Q", scale=x_scale, axis=x_axis)
    )
    level_colour = alt.Color("bar:O", scale=alt.Scale(domain=[0, 1, 2, 3], range=LEVEL_COLOURS), legend=None)
    bars = (
        base.transform_filter("datum.known")
        .mark_bar(cornerRadius=3, height=16)
        .encode(x=alt.X("bar:Q", scale=x_scale), color=level_colour)
    )
    labels = base.encode(x=alt.X("bar:Q", scale=x_scale), text="label:N")
    known = labels.transform_filter("datum.known").mark_text(align="left", dx=5, fontSize=12, color="#1f2a2a")
    unknown = labels.transform_filter("!datum.known").mark_text(
        align="left", dx=5, fontSize=12, color=UNKNOWN_COLOUR, fontStyle="italic"
    )
    return alt.layer(track, bars, known, unknown).properties(height=28 * len(rows)).configure_view(stroke=None)


def chart_description(rows: list[DimensionRow], lang: Lang) -> str:
    """The chart in words, for screen readers."""
    unknown = t(lang, "unknown")
    levels = ", ".join(f"{row.short} {row.level if row.level is not None else unknown}" for row in rows)
    return t(lang, "chart_alt", levels=levels)
