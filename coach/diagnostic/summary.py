"""The diagnostic's summary: stage, evidence, strengths, gaps and three cited next steps."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from coach.answer.extractive import Source
from coach.fitted import DIAGNOSTIC
from coach.knowledge.readiness_keys import CORE_DIMENSIONS, DIMENSION_KEYS
from coach.lang.copy import quoted, section
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.readiness.rules import Assessment, DimensionResult, decisive_levels, stage_reason

STEPS = 3
STAGE_THREE_ARTICLE = "does-every-company-need-stage-3"

Cite = Callable[[str, str, Lang], Source | None]
"""(text of the step, article key, language) -> the passage of that article that backs the step."""


@dataclass(frozen=True)
class NextStep:
    dimension: str | None
    text: str
    article: str
    source: Source | None = None


@dataclass(frozen=True)
class Summary:
    """Everything the summary says, in one language."""

    lang: Lang
    assessment: Assessment
    target_stage: int
    strengths: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)
    prose: str | None = None
    """A model's paragraph about the result (LLM mode); the structured summary is shown either way."""


def build_summary(model: ReadinessModel, assessment: Assessment, lang: Lang, cite: Cite) -> Summary:
    """Strengths, the gaps that hold the company at its stage, and the steps toward the next one.

    Both are stated relative to the target stage, so no dimension is ever both.
    """
    target = min(assessment.stage + 1, 3)
    gaps = holding_gaps(assessment, target)
    steps = _next_steps(model, assessment, gaps, target, lang, cite)
    return Summary(lang, assessment, target, strengths_toward(assessment, target, gaps), gaps, steps)


def holding_gaps(assessment: Assessment, target: int) -> list[str]:
    """Dimensions below what the target stage needs: known shortfalls first, then unknowns.

    At the last stage nothing holds the company; stage 3 needs culture *or* alignment at level 3,
    so once one of them is there the other is no gap.
    """
    if assessment.stage == 3:
        return []
    levels = decisive_levels(assessment.dimensions)
    needed = needed_levels(target)
    if target == 3 and 3 in (levels["culture"], levels["alignment"]):
        needed = {key: level for key, level in needed.items() if key not in ("culture", "alignment")}
    short = [key for key, level in needed.items() if levels[key] is not None and levels[key] < level]
    unknown = [key for key in needed if levels[key] is None]
    return sorted(short, key=lambda key: (levels[key], DIMENSION_KEYS.index(key))) + unknown


def needed_levels(target: int) -> dict[str, int]:
    """The level each dimension needs for the target stage (the rules of `coach.readiness.rules`)."""
    if target <= 1:
        return {"presence": 1}
    if target == 2:
        return {**dict.fromkeys(CORE_DIMENSIONS, 2), "alignment": 2}
    return {**dict.fromkeys(CORE_DIMENSIONS, 2), "integration": 3, "culture": 3, "alignment": 3}


def strengths_toward(assessment: Assessment, target: int, gaps: list[str]) -> list[str]:
    """Dimensions already at the level the target stage needs (at least 2), strongest first; never a gap."""
    levels = decisive_levels(assessment.dimensions)
    needed = needed_levels(target)
    strong = [
        key
        for key, level in levels.items()
        if level is not None and level >= max(2, needed.get(key, 2)) and key not in gaps
    ]
    return sorted(strong, key=lambda key: -(levels[key] or 0))


def _next_steps(
    model: ReadinessModel, assessment: Assessment, gaps: list[str], target: int, lang: Lang, cite: Cite
) -> list[NextStep]:
    levels = _step_levels(assessment)
    # After the gaps, dimensions still below the target (unknown ones count as just below it),
    # and only then steps beyond the target.
    below = [key for key in DIMENSION_KEYS if (levels[key] if levels[key] is not None else target - 1) < target]
    needed = needed_levels(target)
    open_gaps = [key for key in gaps if levels[key] is None or levels[key] < needed.get(key, target)]
    candidates = list(dict.fromkeys([*open_gaps, *below, *_lowest_first(levels)]))
    steps: list[NextStep] = []
    for key in candidates:
        dimension = model.dimension(key)
        level = levels[key] if levels[key] is not None else max(0, min(target - 1, 2))
        step = dimension.step_from(level) or dimension.step_from(max(dimension.next_steps))
        if step is None or level >= 3:
            continue
        article = step.article or dimension.article
        source = cite(step(lang), article, lang)
        if source is not None:
            source = replace(source, number=len(steps) + 1)
        steps.append(NextStep(key, step(lang), article, source))
        if len(steps) == STEPS:
            break
    return steps


def _step_levels(assessment: Assessment) -> dict[str, int | None]:
    """The levels next steps start from: a level said less clearly than the stage rules need still
    counts here, so a step never asks a company for what it said it already does."""
    decisive = decisive_levels(assessment.dimensions)
    return {key: level if level is not None else assessment.dimensions[key].level for key, level in decisive.items()}


def _lowest_first(levels: dict[str, int | None]) -> list[str]:
    known = [key for key, level in levels.items() if level is not None and level < 3]
    return sorted(known, key=lambda key: (levels[key], DIMENSION_KEYS.index(key)))


LABELS = section("summary")


def render_summary(model: ReadinessModel, summary: Summary) -> str:
    """The summary as plain Markdown (quotes are the marketer's words: the UI renders them inert)."""
    lang, assessment = summary.lang, summary.assessment
    text = LABELS[lang]
    stage = model.stage(assessment.stage)
    lines = [
        f"**{text['stage']}: {stage.number} – {stage.name(lang)}** ({text['confidence']} {assessment.confidence:.0%})",
        "",
        reason_line(model, assessment, lang),
        "",
        stage.summary(lang),
        "",
        *([summary.prose, ""] if summary.prose else []),
        f"**{text['dimensions']}**",
    ]
    for key in DIMENSION_KEYS:
        lines.append(_dimension_line(model, assessment, key, lang))
    strengths = dimension_names(model, summary.strengths, lang) or text["none"]
    lines += ["", f"**{strengths_heading(summary)}:** {strengths}"]
    if assessment.stage < 3:
        lines.append(f"**{gaps_heading(summary)}:** {dimension_names(model, summary.gaps, lang) or text['none']}")
    lines += ["", f"**{steps_heading(model, summary)}**"]
    for number, step in enumerate(summary.next_steps, start=1):
        title = step.source.title if step.source else step.article
        lines.append(f"{number}. {step.text} ({title})")
    if assessment.goals:
        lines += ["", f"**{text['goals']}:**", *(f"- {goal}" for goal in assessment.goals)]
    if assessment.unknown:
        lines += ["", text["unknown_dims_plain"].format(names=dimension_names(model, assessment.unknown, lang))]
    lines += ["", f"_{text['reminder']}_"]
    return "\n".join(lines)


def reason_line(model: ReadinessModel, assessment: Assessment, lang: Lang) -> str:
    """Which rule decided the stage ("Stage 1 because roles and processes are at level 1"), and what
    could still change it while the stage is provisional."""
    text = LABELS[lang]
    reason = stage_reason(assessment)
    names = _joined([model.dimension(key).short(lang) for key in reason.dimensions], lang)
    verb = text["verb_one"] if len(reason.dimensions) == 1 else text["verb_many"]
    line = text[f"reason_{reason.rule}"].format(names=names, verb=verb)
    if assessment.provisional:
        line += " " + text["provisional"].format(names=dimension_names(model, assessment.open, lang))
    return line


def _joined(names: list[str], lang: Lang) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {'und' if lang == 'de' else 'and'} {names[-1]}"


def strengths_heading(summary: Summary) -> str:
    text = LABELS[summary.lang]
    if summary.assessment.stage == 3:
        return text["strengths_top"]
    return text["strengths_toward"].format(number=summary.target_stage)


def gaps_heading(summary: Summary) -> str:
    return LABELS[summary.lang]["gaps_toward"].format(stage=summary.assessment.stage, number=summary.target_stage)


def _dimension_line(model: ReadinessModel, assessment: Assessment, key: str, lang: Lang) -> str:
    text = LABELS[lang]
    result = assessment.dimensions[key]
    name = model.dimension(key).name(lang)
    if result.level is None:
        return f"- {name}: {text['unknown']}"
    quotes = "; ".join(quoted(quote, lang) for quote in shown_quotes(result))
    return f"- {name}: {text['level']} {result.level}" + (f" – {quotes}" if quotes else "")


# At most this many quotes stand under a dimension: the clearest.
SHOWN_QUOTES = 2
SECOND_QUOTE_CONFIDENCE = DIAGNOSTIC.value("SECOND_QUOTE_CONFIDENCE")
"""A second quote is shown only when the scorer is at least this sure of it: a less sure one is often a sentence
about another dimension (fitted: `coach/diagnostic/thresholds.json`)."""


def shown_quotes(result: DimensionResult) -> list[str]:
    """The quotes shown under a dimension: statements mainly about it at its level, clearest first.

    A statement that speaks to the dimension only in passing (its second dimension) still counts
    toward the level, but is quoted only under the dimension it is mainly about.
    """
    backing = [item for item in result.evidence if item.level == result.level and item.primary]
    ranked = sorted(backing, key=lambda item: -item.confidence)
    quotes: list[str] = []
    for item in ranked:
        if item.quote not in quotes and (not quotes or item.confidence >= SECOND_QUOTE_CONFIDENCE):
            quotes.append(item.quote)
    return quotes[:SHOWN_QUOTES]


def steps_heading(model: ReadinessModel, summary: Summary) -> str:
    text = LABELS[summary.lang]
    if summary.assessment.stage == 3:
        return text["deepen"]
    stage = model.stage(summary.target_stage)
    return text["steps"].format(number=stage.number, name=stage.name(summary.lang))


def dimension_names(model: ReadinessModel, keys: list[str], lang: Lang) -> str:
    """Dimensions listed by name; a semicolon between them, since a name may hold commas ("Resources: budget, …")."""
    return "; ".join(model.dimension(key).name(lang) for key in keys)


def summary_json(model: ReadinessModel, summary: Summary) -> dict:
    """The `assess --json` shape of DESIGN.md."""
    assessment, lang = summary.assessment, summary.lang
    return {
        "stage": assessment.stage,
        "stage_key": assessment.stage_key,
        "stage_name": model.stage(assessment.stage).name(lang),
        "confidence": assessment.confidence,
        "dimensions": {
            key: {
                "level": result.level,
                "confidence": result.confidence,
                "evidence": shown_quotes(result),
            }
            for key, result in assessment.dimensions.items()
        },
        "next_steps": [
            {
                "text": step.text,
                "dimension": step.dimension,
                "article": step.source.id if step.source else step.article,
                "title": step.source.title if step.source else None,
                "passage": step.source.text if step.source else None,
            }
            for step in summary.next_steps
        ],
        "strengths": summary.strengths,
        "gaps": summary.gaps,
        "goals": assessment.goals,
        "target_stage": summary.target_stage,
        "prose": summary.prose,
        "lang": lang,
    }
