"""The six checks of a strategy paper and its verdict, from the strategy articles' own tests.

Each check is a pure function of the labelled statements and returns whether it passed and the
indexes of the statements that decide it (those that pass it, or, when it fails, those it is about).
The verdict follows the quick test of the strategy-vs-action-plan article: no choice and no grounding
is an action plan; all six passed is a strategy; anything between is a strategy with gaps.
"Specific" and "tactics follow" read the strategy statements' wording (`coach/strategy/links.py`):
a generic statement (any competitor could sign it) is neither specific nor a source of tactics.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from coach.lang.detect import Lang
from coach.strategy.classifier import Labelled
from coach.strategy.labels import Verdict
from coach.strategy.links import following, is_generic

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
    r"\b(?:wettbewerb\w*|konkurren\w*|compet\w*|rival\w*|unlike|anders als|im gegensatz|gegenüber|"
    r"vorteil\w*|advantage\w*|edge\b|stärke\w*|strength\w*|schwäche\w*|weakness\w*|weil|because|outspend\w*|"
    r"die großen|the big|large\b|discount\w*|\w*ketten?\b|chains?|marktführer\w*|market leaders?|proof|beweis\w*|"
    r"umfrage\w*|befragung\w*|surveys?|interviews?|studie\w*|stud(?:y|ies)|beschwer\w*|complain\w*|"
    r"anbieter\w*|providers?|günstiger|billiger|teurer|cheaper|pricier|überlegen\w*|superior|überbiet\w*|outbid\w*|"
    r"preiskampf|price war|than (?:the|our|their|any|a)\b|wegen|due to|"
    r"(?:that|which) is why|so (?:fewer|more|less)\b|einzig\w*|the only (?:ones?\b|\w+ (?:in|to|that|who)\b)|"
    r"(?:\w*kund(?:e|en|in|innen|schaft)|customers?|clients?|buyers?|käufer\w*|patient\w*|gäste|guests?|eltern|"
    r"parents|bewerber\w*|applicants?|mitglieder|members|people|leute|menschen|fahrer\w*|fahrgäst\w*|"
    r"passengers?|pendler\w*|commuters?|players?|spieler\w*|leser\w*|readers?|zuschauer\w*|viewers?|"
    r"besucher\w*|visitors?|nutzer\w*|users?|residents?|adopt\w*)\b(?:[^,;:.|]|,\s*(?:die|der|denen|who|which|that|wo|where)\b){0,80}"
    r"\b(?:fragen|suchen|informieren|kaufen|vertrauen|lesen|vergleichen|ask|search|research|buy|trust|read|compare|"
    r"look|call|rufen|entscheiden|decide|prefer|bevorzugen|worry|worries|sorgen|fürchten|say|sagen|find|finden|saw|"
    r"see|sehen|use|nutzen|come|kommen|stay|bleiben|need|brauchen|expect|erwarten|wissen|know|knew|kennen|"
    r"found|fanden|gekauft|bought|bekommen|get|gets|wechseln|wechselt|switch\w*|leave|leaving|verlassen|"
    r"kündig\w*|cancel\w*|verlieren|lose|losing|bring|bringen|want|wollen|möchten|wählen|choose|\w*rufen))",
    re.IGNORECASE,
)
NO_CHOICE = re.compile(
    r"\b(?:komm\w* .{0,40}\bnicht\b.{0,20}\bvorbei|nicht (?:mehr )?(?:ignorier|verpass)\w*|"
    r"can(?:no|')t (?:afford to )?(?:ignore|miss)|no longer ignore|miss out)",
    re.IGNORECASE,
)
"""Negations that rule nothing out ("an Social Media kommen wir nicht vorbei")."""
NOT_A_CHOICE = re.compile(
    r"\b(?:no|kein\w*|nicht|not|never|nie|without|ohne)\s+(?:\w+\s+){0,2}?(?:spam\w*|clickbait\w*|hard[- ]sell\w*|"
    r"werbesprüch\w*|stock[- ]?(?:photos?|fotos?|bilder|images?)|stockfotos?|politi\w*|witze?\w*|jokes?|hate\w*|"
    r"hetze|beleidig\w*|offensive|insult\w*|fake\w*|bought followers|gekaufte\w* follower\w*)|"
    r"\b(?:what|was) (?:we|wir) (?:will |wollen |werden )?(?:not|nicht) (?:do|tun|machen)\b|"
    r"\b(?:not (?:just|only|merely)|nicht (?:nur|bloß|einfach)|nicht mehr als)\b|"
    r"\b(?:nur|only)\b.{0,40}\b(?:absprech\w*|abstimm\w*|freigeb\w*|freigabe|genehmig\w*|approv\w*|sign(?:ed)? off|"
    r"check\w*|prüf\w*)",
    re.IGNORECASE,
)
"""What rules nothing out that any paper would rule in: no spam, no clickbait, no politics; "not just";
"only after approval" (a process, not a choice); the lead-in "what we will not do"."""
REASONING = ("strategy", "other", "tactic")
"""Labels whose statements can give a reason (a situation fact is `other`; a channel line may quote customers)."""
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


def run_checks(statements: Sequence[Labelled], lang: Lang) -> list[Check]:
    """All six checks, in the order of `CHECKS`."""
    texts = [statement.text for statement in statements]
    strategy = _indexes(statements, "strategy")
    choice = [i for i in strategy if CHOICE.search(NOT_A_CHOICE.sub(" ", texts[i])) and not NO_CHOICE.search(texts[i])]
    reasons = [i for i, s in enumerate(statements) if s.label in REASONING and GROUNDING.search(s.text)]
    grounding = reasons if strategy else []
    goals = _indexes(statements, "goal")
    outward = [i for i in goals if BUSINESS.search(texts[i]) or not SOCIAL_METRICS.search(texts[i])]
    tactics = _indexes(statements, "tactic")
    inward = _indexes(statements, "organisation")
    generic = [i for i in strategy if is_generic(texts[i], i in reasons)]
    particular = [i for i in strategy if i not in generic] if grounding else []
    links = following(tactics, particular or [i for i in strategy if i not in generic], texts, lang)
    followed = bool(links)
    return [
        Check("choice", bool(choice), choice or strategy),
        Check("grounding", bool(grounding), grounding or strategy),
        Check("fits_outward", bool(outward), outward or goals),
        Check("organises_inward", bool(inward), inward),
        Check("specific", bool(particular), particular or generic or strategy),
        Check("tactics_follow", followed, sorted(links) if followed else [i for i in tactics if i not in links]),
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
