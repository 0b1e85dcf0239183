"""The team report as Markdown and as JSON, in the reader's language (texts from copy.yaml `team`)."""

from coach.diagnostic.team import AGREEMENT, DimensionSpread, Position, TeamReport
from coach.lang.copy import quoted, section
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.readiness.rules import Assessment

TEXT = section("team")


def number(value: float, lang: Lang) -> str:
    """A figure as the reader writes it: 0.73 in English, 0,73 in German."""
    text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return text.replace(".", ",") if lang == "de" else text


def _stage(model: ReadinessModel, assessment: Assessment, lang: Lang) -> str:
    text = TEXT[lang]
    stage = model.stage(assessment.stage)
    line = text["stage_line"].format(number=stage.number, name=stage.name(lang))
    return f"{line} ({text['provisional']})" if assessment.provisional else line


def _who(name: str, role: str | None) -> str:
    return f"{name} ({role})" if role else name


def _position_line(position: Position, lang: Lang) -> str:
    text = TEXT[lang]
    level = text["unknown"] if position.level is None else text["level"].format(level=position.level)
    quote = f" – {quoted(position.quote, lang)}" if position.quote else ""
    return f"- {_who(position.name, position.role)}: {level}{quote}"


def _dimension_heading(model: ReadinessModel, spread: DimensionSpread, lang: Lang) -> str:
    text = TEXT[lang]
    name = model.dimension(spread.dimension).name(lang)
    if spread.agreement is None:
        return f"### {name} ({text['too_few']})"
    verdict = text["disagree"] if spread.disagreement else text["agree"]
    agreement = text["agreement"].format(value=number(spread.agreement, lang))
    return f"### {name}: {verdict} ({agreement}, {text['spread'].format(spread=spread.spread)})"


def render_team_report(model: ReadinessModel, report: TeamReport, name: str, lang: Lang) -> str:
    """The report as Markdown: the team's stage, each colleague's, the dimensions by disagreement, role gaps."""
    text = TEXT[lang]
    lines = [f"# {text['title'].format(name=name)}", ""]
    lines += [text["answered"].format(answered=report.answered, total=len(report.respondents)), ""]
    if not report.enough:
        return "\n".join([*lines, text["not_enough"].format(answered=report.answered)])
    lines += [f"## {text['team_stage']}", "", f"**{_stage(model, report.team, lang)}** {text['combined']}", ""]
    lines += [f"## {text['respondents']}", ""]
    for respondent in report.respondents:
        stage = _stage(model, respondent.assessment, lang) if respondent.assessment else text["nothing"]
        lines.append(f"- {_who(respondent.name, respondent.role)}: {stage}")
    lines += ["", f"## {text['dimensions']}", ""]
    for spread in report.dimensions:
        lines += [_dimension_heading(model, spread, lang), ""]
        lines += [_position_line(position, lang) for position in spread.positions]
        lines.append("")
    lines += [f"## {text['role_gaps']}", ""]
    for gap in report.role_gaps:
        line = text["role_gap"].format(
            dimension=model.dimension(gap.dimension).name(lang),
            higher=gap.higher_role,
            higher_mean=number(gap.higher_mean, lang),
            lower=gap.lower_role,
            lower_mean=number(gap.lower_mean, lang),
        )
        lines.append(f"- {line}")
    if not report.role_gaps:
        lines.append(text["no_role_gaps"])
    lines += ["", f"_{text['measure']}_"]
    return "\n".join(lines)


def team_report_json(report: TeamReport, round_id: str, name: str) -> dict:
    """The report as plain data (levels as numbers; null for unknown)."""
    return {
        "round": {"id": round_id, "name": name},
        "answered": report.answered,
        "respondents": [
            {
                "name": respondent.name,
                "role": respondent.role,
                "stage": respondent.assessment.stage if respondent.assessment else None,
                "provisional": respondent.assessment.provisional if respondent.assessment else None,
            }
            for respondent in report.respondents
        ],
        "enough": report.enough,
        "team": (
            {"stage": report.team.stage, "confidence": report.team.confidence, "provisional": report.team.provisional}
            if report.team
            else None
        ),
        "agreement_measure": {"name": "rwg", "scale_levels": 4, "disagreement_below": AGREEMENT},
        "dimensions": [
            {
                "dimension": spread.dimension,
                "agreement": spread.agreement,
                "spread": spread.spread,
                "disagreement": spread.disagreement,
                "levels": [
                    {"name": p.name, "role": p.role, "level": p.level, "quote": p.quote} for p in spread.positions
                ],
            }
            for spread in report.dimensions
        ],
        "role_gaps": [
            {
                "dimension": gap.dimension,
                "higher_role": gap.higher_role,
                "higher_mean": gap.higher_mean,
                "lower_role": gap.lower_role,
                "lower_mean": gap.lower_mean,
                "gap": gap.gap,
            }
            for gap in report.role_gaps
        ],
    }
