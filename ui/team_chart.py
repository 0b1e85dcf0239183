"""The team report's dot chart as plain data and an Altair chart (no Streamlit here): per dimension, one dot
per colleague at their level, the dimensions in the report's order (most disagreement first)."""

import altair as alt

from coach.diagnostic.team import TeamReport
from coach.diagnostic.team_render import who
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from ui.text import t, team

DOT_SIZE = 110
DOT_ROW = 14
"""Pixels per colleague within a dimension's row: their dots sit one under the other, never on top."""
MIN_ROW = 30
FRAME = 120
"""Pixels for the level axis, its title and the legend below the rows."""


def dot_rows(model: ReadinessModel, report: TeamReport, lang: Lang) -> list[dict]:
    """One row per colleague and dimension with a known level; unknown levels get no dot."""
    return [
        {
            "dimension": model.dimension(spread.dimension).short(lang),
            "who": who(position.name, position.role, report.names_shown),
            "level": position.level,
            "quote": position.quote or team(lang, "no_quote"),
        }
        for spread in report.dimensions
        for position in spread.known
    ]


def dimension_order(model: ReadinessModel, report: TeamReport, lang: Lang) -> list[str]:
    return [model.dimension(spread.dimension).short(lang) for spread in report.dimensions]


def dot_chart(model: ReadinessModel, report: TeamReport, lang: Lang) -> alt.Chart:
    """Each colleague's level (0-3) per dimension as dots, one colour per colleague, side by side in a row."""
    order = dimension_order(model, report, lang)
    colleagues = len({row["who"] for row in dot_rows(model, report, lang)})
    height = len(order) * max(MIN_ROW, DOT_ROW * colleagues) + FRAME
    return (
        alt.Chart(alt.Data(values=dot_rows(model, report, lang)))
        .mark_circle(size=DOT_SIZE, opacity=0.9)
        .encode(
            x=alt.X(
                "level:Q",
                scale=alt.Scale(domain=[-0.3, 3.3], nice=False),
                axis=alt.Axis(values=[0, 1, 2, 3], title=team(lang, "level", level="0–3"), grid=True),
            ),
            y=alt.Y(
                "dimension:N",
                sort=order,
                title=None,
                axis=alt.Axis(ticks=False, domain=False, labelPadding=6, labelOverlap=False, grid=True),
            ),
            yOffset=alt.YOffset("who:N"),
            color=alt.Color("who:N", title=team(lang, "who"), legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[
                alt.Tooltip("who:N", title=team(lang, "who")),
                alt.Tooltip("dimension:N", title=team(lang, "dimension")),
                alt.Tooltip("level:Q", title=t(lang, "level")),
                alt.Tooltip("quote:N", title=team(lang, "quote")),
            ],
        )
        .properties(height=height)
    )


def chart_description(model: ReadinessModel, report: TeamReport, lang: Lang) -> str:
    """The chart in words, for screen readers."""
    levels = "; ".join(f"{row['dimension']}: {row['who']} {row['level']}" for row in dot_rows(model, report, lang))
    return team(lang, "chart_alt", levels=levels)
