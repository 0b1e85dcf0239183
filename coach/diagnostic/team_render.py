"""The team report as Markdown and as JSON, in the reader's language (texts from copy.yaml `team` and
`team_report`): the stages, the quotes at the two ends of the largest disagreements, every dimension, the role
gaps, what to discuss (`team_meeting`) and the recall check (`team_recall`)."""

from coach.diagnostic.team import AGREEMENT, DimensionSpread, Position, TeamReport
from coach.diagnostic.team_meeting import Agenda, Cited, agenda
from coach.diagnostic.team_quotes import QuotePair, quote_pairs
from coach.diagnostic.team_recall import SAME_PURPOSE, RecallCheck
from coach.knowledge.readiness_keys import MODEL_FILE
from coach.lang.copy import quoted, section
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel, load_model
from coach.readiness.rules import Assessment

TEXT = section("team")
MORE = section("team_report")


def number(value: float, lang: Lang) -> str:
    """A figure as the reader writes it: 0.73 in English, 0,73 in German."""
    text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return text.replace(".", ",") if lang == "de" else text


def _stage(model: ReadinessModel, assessment: Assessment, lang: Lang) -> str:
    text = TEXT[lang]
    stage = model.stage(assessment.stage)
    line = text["stage_line"].format(number=stage.number, name=stage.name(lang))
    return f"{line} ({text['provisional']})" if assessment.provisional else line


def who(name: str, role: str | None, names_shown: bool = True) -> str:
    """A respondent as the report names them: "Anna (Marketing)"; with names hidden the label is the role."""
    return f"{name} ({role})" if role and names_shown else name


def _position_line(position: Position, lang: Lang, names_shown: bool) -> str:
    text = TEXT[lang]
    level = text["unknown"] if position.level is None else text["level"].format(level=position.level)
    quote = f" – {quoted(position.quote, lang)}" if position.quote else ""
    return f"- {who(position.name, position.role, names_shown)}: {level}{quote}"


def pair_line(model: ReadinessModel, pair: QuotePair, lang: Lang, names_shown: bool = True) -> str:
    """ "Roles: Anna (Marketing) (level 3): “…” – Ben (Service) (level 1): “…”" """
    return MORE[lang]["pair"].format(
        dimension=model.dimension(pair.dimension).name(lang),
        high=who(pair.high.name, pair.high.role, names_shown),
        high_level=pair.high.level,
        high_quote=quoted(pair.high.quote or "", lang),
        low=who(pair.low.name, pair.low.role, names_shown),
        low_level=pair.low.level,
        low_quote=quoted(pair.low.quote or "", lang),
    )


def cited_line(item: Cited, lang: Lang) -> str:
    return f"{item.text} ({MORE[lang]['source'].format(title=item.title)})"


def silent_names(report: TeamReport) -> list[str]:
    """Who answered nothing that counts."""
    return [r.name for r in report.respondents if r.assessment is None]


def recall_lines(recall: RecallCheck, lang: Lang, names_shown: bool = True) -> list[str]:
    """The one-sentence answers side by side with their similarity (a line each, then the verdict)."""
    more = MORE[lang]
    lines = []
    for answer in recall.answers:
        each = (
            ""
            if answer.similarity is None
            else f" ({more['recall_each'].format(value=number(answer.similarity, lang))})"
        )
        lines.append(f"- {who(answer.name, answer.role, names_shown)}: {quoted(answer.sentence, lang)}{each}")
    if not recall.answers:
        lines.append(more["recall_none"])
    if recall.missing:
        lines.append(more["recall_missing"].format(names=", ".join(recall.missing)))
    if recall.similarity is not None:
        lines.append("")
        value, same = number(recall.similarity, lang), number(SAME_PURPOSE, lang)
        lines.append(more["recall_similarity"].format(value=value, same=same))
        lines.append(more["recall_differs"] if recall.differs else more["recall_same"])
    return lines


def _dimension_heading(model: ReadinessModel, spread: DimensionSpread, lang: Lang) -> str:
    text = TEXT[lang]
    name = model.dimension(spread.dimension).name(lang)
    if spread.agreement is None:
        return f"### {name} ({text['too_few']})"
    verdict = text["disagree"] if spread.disagreement else text["agree"]
    agreement = text["agreement"].format(value=number(spread.agreement, lang))
    return f"### {name}: {verdict} ({agreement}, {text['spread'].format(spread=spread.spread)})"


def render_team_report(
    model: ReadinessModel, report: TeamReport, name: str, lang: Lang, recall: RecallCheck | None = None
) -> str:
    """The report as Markdown: the team's stage, each colleague's, the disagreements in their own words, the
    dimensions by disagreement, role gaps, what to discuss and the recall check."""
    text, more, shown = TEXT[lang], MORE[lang], report.names_shown
    lines = [f"# {text['title'].format(name=name)}", ""]
    lines += [text["answered"].format(answered=report.answered, total=len(report.respondents)), ""]
    if not report.enough:
        lines.append(text["not_enough"].format(answered=report.answered))
        if silent := silent_names(report):
            lines += ["", more["silent"].format(names=", ".join(silent))]
        return "\n".join(lines)
    lines += [f"## {text['team_stage']}", "", f"**{_stage(model, report.team, lang)}** {text['combined']}", ""]
    lines += [f"## {text['respondents']}", ""]
    for respondent in report.respondents:
        stage = _stage(model, respondent.assessment, lang) if respondent.assessment else text["nothing"]
        lines.append(f"- {who(respondent.name, respondent.role, shown)}: {stage}")
    if silent := silent_names(report):
        lines += ["", more["silent"].format(names=", ".join(silent))]
    lines += ["", f"## {more['pairs']}", ""]
    lines += [f"- {pair_line(model, pair, lang, shown)}" for pair in quote_pairs(report)] or [more["no_pairs"]]
    lines += ["", f"## {text['dimensions']}", ""]
    for spread in report.dimensions:
        lines += [_dimension_heading(model, spread, lang), ""]
        lines += [_position_line(position, lang, shown) for position in spread.positions]
        lines.append("")
    lines += [f"## {text['role_gaps']}", ""]
    lines += [f"- {_role_gap_line(model, gap, lang)}" for gap in report.role_gaps] or [text["no_role_gaps"]]
    lines += ["", *_agenda_lines(agenda(model, report, lang, recall), lang)]
    if recall is not None:
        lines += ["", f"## {more['recall']}", "", *recall_lines(recall, lang, shown)]
    lines += ["", f"_{text['measure']}_"]
    return "\n".join(lines)


def _role_gap_line(model: ReadinessModel, gap, lang: Lang) -> str:
    return TEXT[lang]["role_gap"].format(
        dimension=model.dimension(gap.dimension).name(lang),
        higher=gap.higher_role,
        higher_mean=number(gap.higher_mean, lang),
        lower=gap.lower_role,
        lower_mean=number(gap.lower_mean, lang),
    )


def _agenda_lines(items: Agenda, lang: Lang) -> list[str]:
    more = MORE[lang]
    lines = [f"## {more['discuss']}", "", f"### {more['questions']}", ""]
    lines += [f"{number}. {cited_line(item, lang)}" for number, item in enumerate(items.questions, 1)]
    lines += ["", f"### {more['steps']}", ""]
    lines += [f"{number}. {cited_line(item, lang)}" for number, item in enumerate(items.steps, 1)]
    return lines


def team_report_json(
    report: TeamReport,
    round_id: str,
    name: str,
    *,
    model: ReadinessModel | None = None,
    lang: Lang = "en",
    recall: RecallCheck | None = None,
) -> dict:
    """The report as plain data (levels as numbers; null for unknown); the texts of what to discuss in `lang`."""
    model = model or load_model(MODEL_FILE)
    return {
        "round": {"id": round_id, "name": name},
        "lang": lang,
        "names_shown": report.names_shown,
        "answered": report.answered,
        "respondents": [
            {
                "name": respondent.name,
                "role": respondent.role,
                "stage": respondent.assessment.stage if respondent.assessment else None,
                "provisional": respondent.assessment.provisional if respondent.assessment else None,
                "answered": respondent.assessment is not None,
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
        "quotes_side_by_side": [_pair_json(pair) for pair in quote_pairs(report)] if report.enough else [],
        "discuss": _agenda_json(agenda(model, report, lang, recall)) if report.enough else None,
        "recall": _recall_json(recall) if recall is not None else None,
    }


def _pair_json(pair: QuotePair) -> dict:
    return {
        "dimension": pair.dimension,
        "high": {"name": pair.high.name, "role": pair.high.role, "level": pair.high.level, "quote": pair.high.quote},
        "low": {"name": pair.low.name, "role": pair.low.role, "level": pair.low.level, "quote": pair.low.quote},
    }


def _agenda_json(items: Agenda) -> dict:
    def cited(item: Cited) -> dict:
        return {"text": item.text, "article": item.article, "title": item.title}

    return {"questions": [cited(item) for item in items.questions], "steps": [cited(item) for item in items.steps]}


def _recall_json(recall: RecallCheck) -> dict:
    return {
        "measure": {"name": "mean pairwise cosine", "same_purpose_from": SAME_PURPOSE},
        "similarity": recall.similarity,
        "differs": recall.differs,
        "answers": [
            {"name": a.name, "role": a.role, "sentence": a.sentence, "similarity": a.similarity} for a in recall.answers
        ],
        "missing": recall.missing,
    }
