"""Evidence -> dimension levels -> stage, by the explainable rules of the readiness model.

Pure functions only: no embedder, no index. The scorer (offline) or a model (LLM mode) produces
evidence; everything after that is decided here, the same way in both modes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from coach.fitted import READINESS
from coach.knowledge.readiness_keys import CORE_DIMENSIONS, DIMENSION_KEYS, STAGE_KEYS

EvidenceSource = Literal["text", "reply", "model"]


@dataclass(frozen=True)
class Evidence:
    """One statement about the company today, read as a level of one dimension."""

    dimension: str
    level: int
    confidence: float
    quote: str
    """The marketer's own sentence (or the quick reply they chose)."""
    source: EvidenceSource = "text"
    turn: int = 0
    primary: bool = True
    """False for the second dimension a statement speaks to, less clearly than to its first."""

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSION_KEYS:
            raise ValueError(f"unknown dimension {self.dimension!r}")
        if not 0 <= self.level <= 3:
            raise ValueError(f"level {self.level} is outside 0-3")


@dataclass(frozen=True)
class DimensionResult:
    level: int | None
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    """The inferred stage with everything that explains it."""

    stage: int
    confidence: float
    dimensions: dict[str, DimensionResult]
    goals: list[str] = field(default_factory=list)
    """Aspirations and plans the marketer mentioned: noted, never counted as evidence."""
    open: list[str] = field(default_factory=list)
    """Unknown dimensions that could still change the stage: while there are any, the stage is provisional."""

    @property
    def provisional(self) -> bool:
        return bool(self.open)

    @property
    def stage_key(self) -> str:
        return STAGE_KEYS[self.stage]

    @property
    def levels(self) -> dict[str, int | None]:
        return {key: result.level for key, result in self.dimensions.items()}

    @property
    def unknown(self) -> list[str]:
        return [key for key, result in self.dimensions.items() if result.level is None]

    @property
    def known(self) -> list[str]:
        return [key for key, result in self.dimensions.items() if result.level is not None]


def dimension_results(evidence: list[Evidence]) -> dict[str, DimensionResult]:
    """Per dimension, the level with the most confidence behind it (ties go to the lower level)."""
    grouped: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        grouped[item.dimension].append(item)
    return {key: _one_dimension(grouped.get(key, [])) for key in DIMENSION_KEYS}


def _one_dimension(items: list[Evidence]) -> DimensionResult:
    """Deficits (levels 0-1) against practices (levels 2-3); the side with more weight decides.

    Practices are cumulative: a company at level 3 also does the level-2 things, so level-2
    evidence supports level 3 rather than contradicting it. Among practices, level 3 holds once it
    is demonstrated (a statement clear enough to decide, or as much weight as level 2). Among deficits, the level
    with more weight holds, ties going to the lower one. What speaks mainly to the dimension (a quick reply to
    its question, a statement about it) decides when there is any: a sentence's second dimension, however often
    it recurs, weighs only where nothing speaks to the dimension directly.
    """
    if not items:
        return DimensionResult(None, 0.0, [])
    deciding = [item for item in items if item.primary] or items
    weight: dict[int, float] = defaultdict(float)
    for item in deciding:
        weight[item.level] += item.confidence
    deficits, practices = weight[0] + weight[1], weight[2] + weight[3]
    if practices > deficits:
        demonstrated = weight[3] >= DEMONSTRATED or weight[3] >= weight[2]
        level, side = (3 if demonstrated else 2), practices
    else:
        level, side = (1 if weight[1] > weight[0] else 0), deficits
    agreement = side / (deficits + practices)
    return DimensionResult(level, round(agreement * min(1.0, side), 3), items)


# The fitted thresholds (READINESS.value) are data: their values, and the data and figures they were chosen on,
# are in `coach/readiness/thresholds.json`; the comments here say what they mean.
# A dimension whose evidence is weaker than this is shown, but does not decide the stage.
DECISIVE = READINESS.value("DECISIVE")
# Level-3 evidence this clear demonstrates a level-3 practice: as clear as evidence that decides.
# A stricter bar reads stage-3 companies whose open culture was said once, beside level-2 dialogue, as
# stage 2.
DEMONSTRATED = DECISIVE
# A core deficit does not block the core when at least OUTWEIGHING other dimensions (presence aside)
# show practices at least CLEAR and the deficit is less clear than the OUTWEIGHING-th clearest of
# them: contradictions are weighed by clarity, as they are for stage 0 (one offhand remark of a deficit
# does not outweigh two clearly described practices).
CLEAR = READINESS.value("CLEAR")
OUTWEIGHING = 2


def decisive_levels(results: dict[str, DimensionResult]) -> dict[str, int | None]:
    """The levels the stage rules use: unclear dimensions count as unknown.

    A core deficit that is less clear than the practices other dimensions show does not block the
    core: one doubtful reading ("each department has its own trained people" read as
    uncoordinated) is weaker than two established practices. Presence does not count among them
    (posting regularly says little about how the work is organised).
    """
    levels = {key: (result.level if result.confidence >= DECISIVE else None) for key, result in results.items()}
    practices = [
        key
        for key in DIMENSION_KEYS
        if key != "presence" and (levels[key] or 0) >= 2 and results[key].confidence >= CLEAR
    ]
    for key in CORE_DIMENSIONS:
        others = sorted((results[other].confidence for other in practices if other != key), reverse=True)
        if (
            _is_deficit(levels[key])
            and len(others) >= OUTWEIGHING
            and results[key].confidence < others[OUTWEIGHING - 1]
        ):
            levels[key] = None
    return levels


def _is_deficit(level: int | None) -> bool:
    return level is not None and level <= 1


def decide_stage(levels: dict[str, int | None], confidences: dict[str, float] | None = None) -> int:
    """The stage the levels show; unknown dimensions do not block a stage, contradictions do.

    `confidences` (per dimension) let clear evidence of no presence outweigh weaker hints of
    activity; without them every known level counts fully.
    """
    known = {key: level for key, level in levels.items() if level is not None}
    core = {key: known[key] for key in CORE_DIMENSIONS if key in known}
    core_blocked = any(level <= 1 for level in core.values())
    if _shows_stage_zero(known, confidences or {}):
        return 0
    if not core_blocked and _shows_stage_three(known):
        return 3
    if not core_blocked and _shows_stage_two(known, core):
        return 2
    return 1


def _shows_stage_zero(known: dict[str, int], confidences: dict[str, float]) -> bool:
    """No presence, and nothing as clear that needs one: no dimension at 2+ except culture.

    Attitudes (culture) exist before any company account; roles, processes, budgets, coordination,
    strategy and integration at level 2 need a presence to run, so they contradict "no presence"
    unless the evidence of absence is clearer. "Nothing at all" for resources (no money, time or
    people for social media) also says there is no presence, when presence itself was not described
    and no coordination was: departments that run their own accounts, even uncoordinated, are there.
    """
    if known.get("presence") == 0:
        absence = "presence"
    elif "presence" not in known and "coordination" not in known and known.get("resources") == 0:
        absence = "resources"
    else:
        return False
    clarity = confidences.get(absence, 1.0)
    contradictions = [key for key, level in known.items() if level >= 2 and key != "culture"]
    return all(confidences.get(key, 1.0) < clarity for key in contradictions)


def _shows_stage_three(known: dict[str, int]) -> bool:
    return known.get("integration") == 3 and 3 in (known.get("culture"), known.get("alignment"))


def _shows_stage_two(known: dict[str, int], core: dict[str, int]) -> bool:
    """At least one core dimension at 2+, and at least two dimensions besides presence at 2+."""
    beyond_presence = [level for key, level in known.items() if key != "presence" and level >= 2]
    return any(level >= 2 for level in core.values()) and len(beyond_presence) >= 2


def stage_confidence(stage: int, results: dict[str, DimensionResult]) -> float:
    """Grows with how many deciding dimensions have evidence and how clear that evidence is."""
    deciding = _deciding_dimensions(stage)
    known = [results[key] for key in deciding if results[key].level is not None]
    if not known:
        return 0.0
    coverage = len(known) / len(deciding)
    clarity = sum(result.confidence for result in known) / len(known)
    return round(min(1.0, clarity * (0.35 + 0.65 * coverage)), 2)


def _deciding_dimensions(stage: int) -> tuple[str, ...]:
    if stage == 0:
        return ("presence", "roles", "resources")
    if stage == 3:
        return (*CORE_DIMENSIONS, "integration", "culture", "alignment")
    return CORE_DIMENSIONS


# Until every dimension that could still change the stage is known, the stage is provisional and its
# confidence stays below this: a claim of 80 % or more needs the stage-deciding dimensions.
PROVISIONAL_CONFIDENCE = READINESS.value("PROVISIONAL_CONFIDENCE")


def open_dimensions(stage: int, levels: dict[str, int | None]) -> list[str]:
    """The unknown dimensions whose answer could still move the stage (what the diagnostic must ask).

    At stage 1 an unknown presence could still mean stage 0, and unless a known core deficit holds the
    company at stage 1, an unknown core dimension could lift it; at stage 2 an unknown core dimension could
    block it and an unknown integration lift it to 3; at stage 3 an unknown core dimension could block it.
    """
    unknown = [key for key, level in levels.items() if level is None]
    if stage == 0:
        return [key for key in ("presence",) if key in unknown]
    if stage == 1:
        held = any(_is_deficit(levels[key]) for key in CORE_DIMENSIONS)
        deciding = ["presence"] + ([] if held else list(CORE_DIMENSIONS))
    else:
        deciding = [*CORE_DIMENSIONS, "integration"] if stage == 2 else list(CORE_DIMENSIONS)
    return [key for key in deciding if key in unknown]


def assess_evidence(evidence: list[Evidence], goals: list[str] | None = None) -> Assessment:
    """The assessment that a list of evidence supports."""
    results = dimension_results(evidence)
    levels = decisive_levels(results)
    stage = decide_stage(levels, {key: result.confidence for key, result in results.items()})
    still_open = open_dimensions(stage, levels)
    confidence = stage_confidence(stage, results)
    if still_open:
        confidence = min(confidence, PROVISIONAL_CONFIDENCE)
    return Assessment(stage, confidence, results, list(goals or []), still_open)


ReasonRule = Literal["no_presence", "no_resources", "core_deficit", "core_unknown", "core_practices", "integrated"]


@dataclass(frozen=True)
class StageReason:
    """Which rule decided the stage, and the dimensions it looked at."""

    rule: ReasonRule
    dimensions: tuple[str, ...]


def stage_reason(assessment: Assessment) -> StageReason:
    """Why the assessment has its stage, in the terms of the stage rules."""
    levels = decisive_levels(assessment.dimensions)
    if assessment.stage == 0:
        return StageReason("no_presence" if levels["presence"] == 0 else "no_resources", ())
    if assessment.stage == 3:
        lifted = tuple(key for key in ("culture", "alignment") if levels[key] == 3)
        return StageReason("integrated", ("integration", *lifted))
    deficits = tuple(key for key in CORE_DIMENSIONS if _is_deficit(levels[key]))
    if assessment.stage == 1:
        return StageReason("core_deficit", deficits) if deficits else StageReason("core_unknown", ())
    return StageReason("core_practices", tuple(key for key in CORE_DIMENSIONS if (levels[key] or 0) >= 2))
