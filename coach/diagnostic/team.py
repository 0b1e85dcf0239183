"""The team report: where the colleagues of one team round agree about their company and where they don't.

Pure functions over the respondents' evidence (no store, no Streamlit). The team's stage comes from the same
rules as one person's (`coach.readiness.rules.assess_evidence`), applied to everyone's evidence together;
each respondent's stage from their own. Per dimension, each respondent's level counts when it is clear
enough to decide a stage (confidence at least `DECISIVE`, as in the stage rules); a weaker reading is shown
as unknown rather than counted as a disagreement.

Agreement is the within-group agreement index r_wg (James, Demaree & Wolf 1984): one minus the observed
variance of the levels (sample variance, n - 1) divided by the variance a team answering at random on the
4-point scale (levels 0-3) would show, (A² - 1) / 12 = 1.25 for A = 4 options. 1 means everyone gave the same
level; 0 means as much spread as random answers (values below 0, more spread than random, count as 0).
Below `AGREEMENT` (0.7, the usual cut-off in the literature) a dimension counts as disagreement: two
people one level apart give 0.6, three at 2, 2, 3 give 0.73, and 1, 2, 3 give 0.2.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean, variance

from coach.diagnostic.dialogue import DialogueState
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.readiness.rules import DECISIVE, Assessment, Evidence, assess_evidence

LEVELS = 4
"""Options on the scale of a dimension (levels 0-3)."""
RANDOM_VARIANCE = (LEVELS**2 - 1) / 12
"""The variance of a uniformly random answer on the scale: r_wg's yardstick."""
AGREEMENT = 0.7
"""r_wg at or above this counts as agreement (LeBreton & Senter 2008: 0.70 is the conventional cut-off)."""
ROLE_GAP = 1.0
"""Roles whose mean levels of a dimension differ by at least one full level see it differently."""
MIN_ANSWERS = 2
"""A team report needs at least this many respondents who said something that counts."""


@dataclass(frozen=True)
class Respondent:
    """One colleague's answers: the name and role they chose, their diagnostic's state and their one sentence on
    what the strategy is for (the recall check; None when they gave none)."""

    name: str
    role: str | None
    state: DialogueState | None
    purpose: str | None = None

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self.state.evidence if self.state else ()

    @property
    def answered(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True)
class Position:
    """One respondent's level of a dimension (None: unknown or too unclear to count) and their clearest quote."""

    name: str
    role: str | None
    level: int | None
    quote: str | None = None


@dataclass(frozen=True)
class DimensionSpread:
    """How the respondents see one dimension."""

    dimension: str
    positions: list[Position]
    spread: int | None
    """Highest minus lowest level (None with fewer than two known levels)."""
    agreement: float | None
    """r_wg (None with fewer than two known levels)."""

    @property
    def known(self) -> list[Position]:
        return [position for position in self.positions if position.level is not None]

    @property
    def disagreement(self) -> bool:
        return self.agreement is not None and self.agreement < AGREEMENT


@dataclass(frozen=True)
class RoleGap:
    """Two roles whose mean levels of a dimension differ by at least `ROLE_GAP`."""

    dimension: str
    higher_role: str
    higher_mean: float
    lower_role: str
    lower_mean: float

    @property
    def gap(self) -> float:
        return round(self.higher_mean - self.lower_mean, 2)


@dataclass(frozen=True)
class RespondentResult:
    name: str
    role: str | None
    assessment: Assessment | None
    """None for a respondent who said nothing that counts."""


@dataclass(frozen=True)
class TeamReport:
    """Everything the team report says; `enough` is False below `MIN_ANSWERS` answers (then only who answered)."""

    respondents: list[RespondentResult]
    team: Assessment | None
    dimensions: list[DimensionSpread] = field(default_factory=list)
    """Most disagreement first; dimensions fewer than two respondents spoke to come last."""
    role_gaps: list[RoleGap] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for respondent in self.respondents if respondent.assessment is not None)

    @property
    def enough(self) -> bool:
        return self.team is not None


def rwg(levels: list[int]) -> float | None:
    """The within-group agreement of levels on the 4-point scale, 0..1; None for fewer than two."""
    if len(levels) < 2:
        return None
    return round(max(0.0, 1 - variance(levels) / RANDOM_VARIANCE), 3)


def team_report(respondents: list[Respondent]) -> TeamReport:
    """The team report of a round's respondents (in the order they joined)."""
    results = [
        RespondentResult(r.name, r.role, assess_evidence(list(r.evidence)) if r.answered else None) for r in respondents
    ]
    answered = [
        (respondent, result) for respondent, result in zip(respondents, results, strict=True) if result.assessment
    ]
    if len(answered) < MIN_ANSWERS:
        return TeamReport(results, None)
    team = assess_evidence([item for respondent, _ in answered for item in respondent.evidence])
    spreads = [_spread(key, answered) for key in DIMENSION_KEYS]
    return TeamReport(results, team, sorted(spreads, key=_most_disagreement_first), role_gaps(spreads))


def _spread(key: str, answered: list[tuple[Respondent, RespondentResult]]) -> DimensionSpread:
    positions = [_position(key, respondent, result.assessment) for respondent, result in answered]
    levels = [position.level for position in positions if position.level is not None]
    spread = max(levels) - min(levels) if len(levels) >= 2 else None
    return DimensionSpread(key, positions, spread, rwg(levels))


def _position(key: str, respondent: Respondent, assessment: Assessment) -> Position:
    result = assessment.dimensions[key]
    level = result.level if result.confidence >= DECISIVE else None
    if level is None:
        return Position(respondent.name, respondent.role, None)
    backing = [item for item in result.evidence if (item.level >= 2) == (level >= 2)]
    clearest = max(backing, key=lambda item: item.confidence, default=None)
    return Position(respondent.name, respondent.role, level, clearest.quote if clearest else None)


def _most_disagreement_first(spread: DimensionSpread) -> tuple:
    undecided = spread.agreement is None
    return (undecided, spread.agreement or 0.0, -(spread.spread or 0), DIMENSION_KEYS.index(spread.dimension))


def role_gaps(spreads: list[DimensionSpread]) -> list[RoleGap]:
    """Per dimension, the two roles furthest apart (mean levels), when at least `ROLE_GAP`; largest first.

    Only respondents who named a role count; a dimension needs two roles with a known level.
    """
    gaps = []
    for spread in spreads:
        by_role: dict[str, list[int]] = defaultdict(list)
        for position in spread.known:
            if position.role:
                by_role[position.role].append(position.level)
        if len(by_role) < 2:
            continue
        means = sorted(((mean(levels), role) for role, levels in by_role.items()), key=lambda pair: (pair[0], pair[1]))
        (low, low_role), (high, high_role) = means[0], means[-1]
        if high - low >= ROLE_GAP:
            gaps.append(RoleGap(spread.dimension, high_role, round(high, 2), low_role, round(low, 2)))
    return sorted(gaps, key=lambda gap: (-gap.gap, DIMENSION_KEYS.index(gap.dimension)))
