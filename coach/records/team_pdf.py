"""The team report as a PDF (fpdf2, as `coach.records.pdf`): the stages, a dot chart of each colleague's level
per dimension, the disagreements in their own words, every dimension, role gaps, what to discuss and the
recall check.

The dot chart is drawn with fpdf2's own shapes (no charting library, no image): one row per dimension in the
report's order (most disagreement first, a shaded row is a disagreement), the levels 0-3 across, one numbered
dot per colleague; colleagues at the same level sit side by side. The numbers refer to the list under the chart.
"""

from fpdf import FPDF

from coach.diagnostic.team import DimensionSpread, TeamReport
from coach.diagnostic.team_meeting import agenda
from coach.diagnostic.team_quotes import quote_pairs
from coach.diagnostic.team_recall import RecallCheck
from coach.diagnostic.team_render import (
    MORE,
    TEXT,
    cited_line,
    number,
    pair_line,
    recall_lines,
    silent_names,
    who,
)
from coach.lang.copy import quoted
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.conversation import now
from coach.records.pdf import ACCENT, FAMILY, INK, MUTED, TRACK, _document, _heading, _muted, _paragraph, _subheading
from coach.records.transcript import readable_time

PALETTE = ((38, 110, 180), (214, 96, 39), (46, 139, 87), (148, 75, 160), (196, 58, 84), (120, 120, 40))
"""Dot colours, repeated after six colleagues (the number in the dot tells them apart)."""
DISAGREEMENT_SHADE = (251, 232, 224)
LABEL_WIDTH = 58
"""Millimetres for the dimension names left of the chart."""
ROW_HEIGHT = 7.5
NUMBERED_DOTS = 20
"""Up to this many colleagues, each dot carries its number; beyond it the dots are too small to read one."""


def team_report_pdf(
    model: ReadinessModel,
    report: TeamReport,
    name: str,
    round_id: str,
    lang: Lang,
    recall: RecallCheck | None = None,
    exported_at: str | None = None,
) -> bytes:
    """The team report as a PDF document (what the Markdown report says, with the dot chart)."""
    text, more = TEXT[lang], MORE[lang]
    pdf = _document(text["title"].format(name=name))
    pdf.add_page()
    _heading(pdf, text["title"].format(name=name), size=16)
    _muted(pdf, more["exported"].format(when=readable_time(exported_at or now()), id=round_id))
    _paragraph(pdf, text["answered"].format(answered=report.answered, total=len(report.respondents)))
    silent = silent_names(report)
    if not report.enough:
        _paragraph(pdf, text["not_enough"].format(answered=report.answered))
        if silent:
            _paragraph(pdf, more["silent"].format(names=", ".join(silent)))
        return bytes(pdf.output())
    _stages(pdf, model, report, lang)
    if silent:
        _paragraph(pdf, more["silent"].format(names=", ".join(silent)))
    _heading(pdf, more["chart"], size=13)
    dot_chart(pdf, model, report, lang)
    _heading(pdf, more["pairs"], size=13)
    pairs = quote_pairs(report)
    for pair in pairs:
        _paragraph(pdf, f"• {pair_line(model, pair, lang, report.names_shown)}")
    if not pairs:
        _paragraph(pdf, more["no_pairs"])
    _dimensions(pdf, model, report, lang)
    _discussion(pdf, model, report, lang, recall)
    if recall is not None:
        _heading(pdf, more["recall"], size=13)
        for line in recall_lines(recall, lang, report.names_shown):
            if line:
                _paragraph(pdf, line.removeprefix("- "))
    _muted(pdf, text["measure"])
    return bytes(pdf.output())


def _stages(pdf: FPDF, model: ReadinessModel, report: TeamReport, lang: Lang) -> None:
    text = TEXT[lang]
    stage = model.stage(report.team.stage)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_text_color(*ACCENT)
    line = text["stage_line"].format(number=stage.number, name=stage.name(lang))
    _paragraph(pdf, f"{text['team_stage']}: {line}" + (f" ({text['provisional']})" if report.team.provisional else ""))
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    _muted(pdf, text["combined"])
    _subheading(pdf, text["respondents"])
    for respondent in report.respondents:
        if respondent.assessment:
            own = model.stage(respondent.assessment.stage)
            stage_text = text["stage_line"].format(number=own.number, name=own.name(lang))
        else:
            stage_text = text["nothing"]
        _paragraph(pdf, f"• {who(respondent.name, respondent.role, report.names_shown)}: {stage_text}")


def dot_chart(pdf: FPDF, model: ReadinessModel, report: TeamReport, lang: Lang) -> None:
    """Each answering colleague's level per dimension as numbered dots, then who each number is."""
    answering = [r for r in report.respondents if r.assessment is not None]
    numbers = {respondent.name: index for index, respondent in enumerate(answering, 1)}
    chart_width = pdf.w - pdf.l_margin - pdf.r_margin - LABEL_WIDTH
    step = chart_width / 4
    if pdf.will_page_break(ROW_HEIGHT * (len(report.dimensions) + 2)):
        pdf.add_page()
    _axis(pdf, lang, step)
    for spread in report.dimensions:
        _chart_row(pdf, model, spread, lang, step, numbers)
    pdf.ln(2)
    _muted(pdf, MORE[lang]["chart_legend"])
    legend = "; ".join(
        f"{numbers[r.name]} {who(r.name, r.role, report.names_shown)}" for r in answering if r.name in numbers
    )
    _muted(pdf, legend)


def _axis(pdf: FPDF, lang: Lang, step: float) -> None:
    y, left = pdf.get_y(), pdf.l_margin + LABEL_WIDTH
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    for level in range(4):
        pdf.set_xy(left + level * step, y)
        pdf.cell(step, 5, f"{MORE[lang]['level_axis']} {level}", align="C")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(pdf.l_margin, y + 6)


def _chart_row(
    pdf: FPDF, model: ReadinessModel, spread: DimensionSpread, lang: Lang, step: float, numbers: dict[str, int]
) -> None:
    y, left = pdf.get_y(), pdf.l_margin + LABEL_WIDTH
    if spread.disagreement:
        pdf.set_fill_color(*DISAGREEMENT_SHADE)
        pdf.rect(pdf.l_margin, y, pdf.w - pdf.l_margin - pdf.r_margin, ROW_HEIGHT, style="F")
    pdf.set_draw_color(*TRACK)
    pdf.line(left, y + ROW_HEIGHT / 2, left + 4 * step, y + ROW_HEIGHT / 2)
    pdf.set_font(FAMILY, "B" if spread.disagreement else "", 8.5)
    pdf.set_xy(pdf.l_margin, y)
    pdf.cell(LABEL_WIDTH - 2, ROW_HEIGHT, model.dimension(spread.dimension).short(lang)[:40])
    for level in range(4):
        here = [position for position in spread.known if position.level == level]
        _dots(pdf, [numbers[p.name] for p in here if p.name in numbers], left + (level + 0.5) * step, y, step)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(pdf.l_margin, y + ROW_HEIGHT)


def _dots(pdf: FPDF, labels: list[int], centre: float, y: float, step: float) -> None:
    """The numbered dots of one level, side by side around its centre (closer together when there are many)."""
    if not labels:
        return
    radius = min(2.0, (step * 0.9) / (2 * len(labels)))
    gap = 2 * radius
    start = centre - gap * (len(labels) - 1) / 2
    pdf.set_font(FAMILY, "B", max(4.0, radius * 2.6))
    for index, label in enumerate(labels):
        x = start + index * gap
        pdf.set_fill_color(*PALETTE[(label - 1) % len(PALETTE)])
        pdf.set_draw_color(255, 255, 255)
        pdf.circle(x=x, y=y + ROW_HEIGHT / 2, radius=radius, style="FD")
        if len(labels) <= NUMBERED_DOTS and radius >= 1.5:
            pdf.set_text_color(255, 255, 255)
            pdf.set_xy(x - radius, y + ROW_HEIGHT / 2 - radius)
            pdf.cell(2 * radius, 2 * radius, str(label), align="C")
            pdf.set_text_color(*INK)


def _dimensions(pdf: FPDF, model: ReadinessModel, report: TeamReport, lang: Lang) -> None:
    text = TEXT[lang]
    _heading(pdf, text["dimensions"], size=13)
    for spread in report.dimensions:
        name = model.dimension(spread.dimension).name(lang)
        if spread.agreement is None:
            _subheading(pdf, f"{name} ({text['too_few']})")
            continue
        verdict = text["disagree"] if spread.disagreement else text["agree"]
        agreement = text["agreement"].format(value=number(spread.agreement, lang))
        _subheading(pdf, f"{name}: {verdict} ({agreement}, {text['spread'].format(spread=spread.spread)})")
        for position in spread.known:
            level = text["level"].format(level=position.level)
            quote = f" – {quoted(position.quote, lang)}" if position.quote else ""
            _paragraph(pdf, f"• {who(position.name, position.role, report.names_shown)}: {level}{quote}")
    _subheading(pdf, text["role_gaps"])
    for gap in report.role_gaps:
        _paragraph(
            pdf,
            "• "
            + text["role_gap"].format(
                dimension=model.dimension(gap.dimension).name(lang),
                higher=gap.higher_role,
                higher_mean=number(gap.higher_mean, lang),
                lower=gap.lower_role,
                lower_mean=number(gap.lower_mean, lang),
            ),
        )
    if not report.role_gaps:
        _paragraph(pdf, text["no_role_gaps"])


def _discussion(pdf: FPDF, model: ReadinessModel, report: TeamReport, lang: Lang, recall: RecallCheck | None) -> None:
    more = MORE[lang]
    items = agenda(model, report, lang, recall)
    _heading(pdf, more["discuss"], size=13)
    _subheading(pdf, more["questions"])
    for index, item in enumerate(items.questions, 1):
        _paragraph(pdf, f"{index}. {cited_line(item, lang)}")
    _subheading(pdf, more["steps"])
    for index, item in enumerate(items.steps, 1):
        _paragraph(pdf, f"{index}. {cited_line(item, lang)}")
