"""The six checks of a strategy paper and its verdict, from the strategy articles' own tests.

Each check is a pure function of the labelled statements and returns whether it passed and the
indexes of the statements that decide it (those that pass it, or, when it fails, those it is about).
The verdict follows the quick test of the strategy-vs-action-plan article: no choice and no grounding
is an action plan; all six passed is a strategy; anything between is a strategy with gaps.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from coach.strategy.classifier import Labelled
from coach.strategy.labels import Verdict

CheckName = Literal["choice", "grounding", "fits_outward", "organises_inward", "specific", "tactics_follow"]
CHECKS: tuple[CheckName, ...] = get_args(CheckName)

CHOICE = re.compile(
    r"\b(?:verzicht\w*|bewusst\w*|statt|anstatt|instead|rather than|nicht .{1,80}\bsondern|not .{1,80}\bbut\b|"
    r"stay out|keep out|leave .{1,40}\bto\b|überlassen|nur\b|only\b|ausschließlich|exclusively|"
    r"in erster linie|first and|zuerst|kein\w*|\bno\b|nicht|not\b|don't|do not|never|nie\b|"
    r"konzentrier\w*|concentrat\w*|focus(?:es|ed)? on|fokus\w*|schwerpunkt\w*)",
    re.IGNORECASE,
)
GROUNDING = re.compile(
    r"\b(?:wettbewerb\w*|konkurren\w*|competitor\w*|rival\w*|unlike|anders als|im gegensatz|gegenüber|"
    r"vorteil\w*|advantage\w*|edge\b|stärke\w*|strength\w*|schwäche\w*|weakness\w*|weil|because|"
    r"die großen|the big|large\b|discount\w*|ketten|chains?|marktführer\w*|market leaders?|proof|beweis\w*|"
    r"(?:kund\w*|customers?|clients?|buyers?|käufer\w*|patient\w*|gäste|guests?|eltern|parents|bewerber\w*|"
    r"applicants?|mitglieder|members|people|leute|menschen|fahrer\w*|nutzer\w*|users?|residents?|adopt\w*)\b.{0,80}"
    r"\b(?:fragen|suchen|informieren|kaufen|vertrauen|lesen|vergleichen|ask|search|research|buy|trust|read|compare|"
    r"look|call|rufen|entscheiden|decide|prefer|bevorzugen|worry|worries|sorgen|fürchten|say|sagen|find|finden|saw|"
    r"see|sehen|use|nutzen|come|kommen|stay|bleiben|need|brauchen|expect|erwarten|complain\w*|beschwer\w*|"
    r"gekauft|bought|bekommen|get|gets))",
    re.IGNORECASE,
)
SOCIAL_METRICS = re.compile(
    r"\b(?:follower\w*|reichweite|reach|likes?|sichtbarkeit|visibility|bekannt\w*|known|awareness|engagement|"
    r"interaktion\w*|interactions?|impressions?|views?|aufrufe|abonnent\w*|subscribers?|präsen\w*|presence|"
    r"recogni\w*|knowing|kennen|anerkannt\w*|wahrgenommen|thought leader\w*|vordenker\w*)\b",
    re.IGNORECASE,
)
BUSINESS = re.compile(
    r"\b(?:umsatz\w*|verträge?|vertrag\w*|kunden\w*|buchung\w*|bewerb\w*|anfragen|leads?|sales|revenue|bookings?|"
    r"clients?|customers?|churn|kündigung\w*|image|marke\w*|brand\w*|unternehmensstrategie|geschäft\w*|business|"
    r"marketing\w*|kommunikation\w*|communication\w*|absatz|verkauf\w*|auszubildende|apprentic\w*|hires?|"
    r"mitarbeit\w*|recruit\w*|stellen|spenden|donations?|members?|mitglied\w*|orders?|bestellung\w*|termin\w*|"
    r"appointments?|marktanteil|market share|partner\w*|händler|dealers?|retention|bindung)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Check:
    """One check, whether the paper passes it, and the statements that decide it."""

    name: CheckName
    passed: bool
    statements: list[int]


def run_checks(statements: Sequence[Labelled]) -> list[Check]:
    """All six checks, in the order of `CHECKS`."""
    strategy = _indexes(statements, "strategy")
    choice = [i for i in strategy if CHOICE.search(statements[i].text)]
    grounding = [i for i, s in enumerate(statements) if s.label not in ("goal", "measure") and GROUNDING.search(s.text)]
    grounding = grounding if strategy else []
    goals = _indexes(statements, "goal")
    outward = [i for i in goals if BUSINESS.search(statements[i].text) or not SOCIAL_METRICS.search(statements[i].text)]
    tactics = _indexes(statements, "tactic")
    inward = _indexes(statements, "organisation")
    generic = [i for i in strategy if i not in choice and i not in grounding]
    specific = bool(choice) and bool(grounding)
    following = tactics if choice else []  # a tactic follows from a strategy only where there is a choice
    return [
        Check("choice", bool(choice), choice or strategy),
        Check("grounding", bool(grounding), grounding or strategy),
        Check("fits_outward", bool(outward), outward or goals),
        Check("organises_inward", bool(inward), inward),
        Check("specific", specific, [i for i in strategy if i not in generic] if specific else generic or strategy),
        Check("tactics_follow", bool(following), following or tactics),
    ]


def _indexes(statements: Sequence[Labelled], label: str) -> list[int]:
    return [i for i, statement in enumerate(statements) if statement.label == label]


def verdict_of(checks: Sequence[Check], statements: Sequence[Labelled]) -> Verdict:
    """The verdict from the checks (the quick test first, then all six)."""
    passed = {check.name: check.passed for check in checks}
    if not _indexes(statements, "strategy") or not (passed["choice"] or passed["grounding"]):
        return "action_plan"
    if all(passed.values()):
        return "strategy"
    return "strategy_with_gaps"
