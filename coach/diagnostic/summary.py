"""The diagnostic's summary: stage, evidence, strengths, gaps and three cited next steps."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from coach.answer.extractive import Source
from coach.knowledge.readiness_keys import CORE_DIMENSIONS, DIMENSION_KEYS
from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.readiness.rules import Assessment, DimensionResult, decisive_levels

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
    """Strengths, the gaps that hold the company at its stage, and the steps toward the next one."""
    target = min(assessment.stage + 1, 3)
    gaps = holding_gaps(assessment, target)
    steps = _next_steps(model, assessment, gaps, target, lang, cite)
    return Summary(lang, assessment, target, _strengths(assessment), gaps, steps)


def holding_gaps(assessment: Assessment, target: int) -> list[str]:
    """Dimensions below what the target stage needs: known shortfalls first, then unknowns.

    At the last stage nothing holds the company; stage 3 needs culture *or* alignment at level 3,
    so once one of them is there the other is no gap.
    """
    if assessment.stage == 3:
        return []
    levels = decisive_levels(assessment.dimensions)
    needed = _needed_levels(target)
    if target == 3 and 3 in (levels["culture"], levels["alignment"]):
        needed = {key: level for key, level in needed.items() if key not in ("culture", "alignment")}
    short = [key for key, level in needed.items() if levels[key] is not None and levels[key] < level]
    unknown = [key for key in needed if levels[key] is None]
    return sorted(short, key=lambda key: (levels[key], DIMENSION_KEYS.index(key))) + unknown


def _needed_levels(target: int) -> dict[str, int]:
    if target <= 1:
        return {"presence": 1}
    if target == 2:
        return {**dict.fromkeys(CORE_DIMENSIONS, 2), "alignment": 2}
    return {**dict.fromkeys(CORE_DIMENSIONS, 2), "integration": 3, "culture": 3, "alignment": 3}


def _strengths(assessment: Assessment) -> list[str]:
    levels = decisive_levels(assessment.dimensions)
    strong = [key for key, level in levels.items() if level is not None and level >= max(2, assessment.stage)]
    return sorted(strong, key=lambda key: -(levels[key] or 0))


def _next_steps(
    model: ReadinessModel, assessment: Assessment, gaps: list[str], target: int, lang: Lang, cite: Cite
) -> list[NextStep]:
    levels = decisive_levels(assessment.dimensions)
    # After the gaps, dimensions still below the target (unknown ones count as just below it),
    # and only then steps beyond the target.
    below = [key for key in DIMENSION_KEYS if (levels[key] if levels[key] is not None else target - 1) < target]
    candidates = list(dict.fromkeys([*gaps, *below, *_lowest_first(levels)]))
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
        stage.summary(lang),
        "",
        *([summary.prose, ""] if summary.prose else []),
        f"**{text['dimensions']}**",
    ]
    for key in DIMENSION_KEYS:
        lines.append(_dimension_line(model, assessment, key, lang))
    lines += ["", f"**{text['strengths']}:** {_names(model, summary.strengths, lang) or text['none']}"]
    lines.append(f"**{text['gaps']}:** {_names(model, summary.gaps, lang) or text['none']}")
    lines += ["", f"**{steps_heading(model, summary)}**"]
    for number, step in enumerate(summary.next_steps, start=1):
        title = step.source.title if step.source else step.article
        lines.append(f"{number}. {step.text} ({title})")
    if assessment.goals:
        lines += ["", f"**{text['goals']}:**", *(f"- {goal}" for goal in assessment.goals)]
    if assessment.unknown:
        lines += ["", text["unknown_dims"].format(names=_names(model, assessment.unknown, lang))]
    lines += ["", f"_{text['reminder']}_"]
    return "\n".join(lines)


def _dimension_line(model: ReadinessModel, assessment: Assessment, key: str, lang: Lang) -> str:
    text = LABELS[lang]
    result = assessment.dimensions[key]
    name = model.dimension(key).name(lang)
    if result.level is None:
        return f"- {name}: {text['unknown']}"
    opening, closing = ("„", "“") if lang == "de" else ("“", "”")
    quotes = "; ".join(f"{opening}{quote}{closing}" for quote in supporting_quotes(result))
    return f"- {name}: {text['level']} {result.level} – {quotes}"


def supporting_quotes(result: DimensionResult) -> list[str]:
    """The marketer's sentences that led to the dimension's level, each once."""
    return list(dict.fromkeys(item.quote for item in result.evidence if item.level == result.level))


def steps_heading(model: ReadinessModel, summary: Summary) -> str:
    text = LABELS[summary.lang]
    if summary.assessment.stage == 3:
        return text["deepen"]
    stage = model.stage(summary.target_stage)
    return text["steps"].format(number=stage.number, name=stage.name(summary.lang))


def _names(model: ReadinessModel, keys: list[str], lang: Lang) -> str:
    return ", ".join(model.dimension(key).name(lang) for key in keys)


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
                "evidence": supporting_quotes(result),
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
