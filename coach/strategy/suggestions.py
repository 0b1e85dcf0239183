"""Three suggestions, each naming the statement it would change and citing the article it comes from.

The failed checks come first, in the order of `CHECKS`; each picks the statement it is about (the
first vague strategy statement, a goal that counts only followers, a tactic that stands alone). When
fewer than three checks fail, the rest go to further statements of the failed checks, then to what a
passed check still leaves weak (a tactic that stands alone beside others that follow, a generic strategy
statement beside a particular one, a goal of followers beside a business goal), then to keeping the paper's
choices sharp and its goals measurable; no two suggestions name the same statement.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.strategy.checks import Check, CheckName
from coach.strategy.classifier import Labelled

COPY = section("strategy")
COUNT = 3
ARTICLES: dict[CheckName | str, str] = {
    "choice": "strategy-vs-action-plan",
    "grounding": "strategy-vs-action-plan",
    "fits_outward": "strategy-hierarchy",
    "organises_inward": "two-jobs-of-strategy",
    "specific": "organizational-alignment",
    "tactics_follow": "strategy-layers",
    "keep": "two-jobs-of-strategy",
    "keep_goal": "strategy-hierarchy",
}
"""The article each suggestion comes from: the quick test, the hierarchy, the two jobs, the layers."""

Cite = Callable[[str, str, Lang], dict | None]
"""(statement, article key, language) -> {"key", "title", "text"} of the passage that backs the suggestion."""


@dataclass(frozen=True)
class Suggestion:
    """One concrete change to one statement, and the article it comes from."""

    text: str
    statement: int
    source: dict


def suggest(statements: Sequence[Labelled], checks: Sequence[Check], lang: Lang, cite: Cite | None) -> list[Suggestion]:
    """Three suggestions (fewer only when the paper has fewer statements)."""
    picks: list[tuple[str, int]] = []
    failed = [check for check in checks if not check.passed]
    for _ in range(COUNT):  # round by round, each failed check takes its next statement
        for check in failed:
            candidates = [i for i in _about(check, statements) if i not in {index for _, index in picks}]
            if candidates and len(picks) < COUNT:
                picks.append((check.name, candidates[0]))
    for name, index in [*_weak_spots(checks, statements), *_keepers(statements)]:
        if len(picks) < COUNT and index not in {i for _, i in picks}:
            picks.append((name, index))
    return [_suggestion(name, index, statements, lang, cite) for name, index in picks[:COUNT]]


def _about(check: Check, statements: Sequence[Labelled]) -> list[int]:
    """The statements a failed check would change: its own, else the first that say anything."""
    if check.statements:
        return list(check.statements)
    wanted = {"organises_inward": "tactic", "fits_outward": "goal"}.get(check.name, "strategy")
    found = [i for i, s in enumerate(statements) if s.label == wanted]
    return found or [i for i, s in enumerate(statements) if s.label != "other"][:1]


WEAK: dict[CheckName, str] = {"tactics_follow": "tactic", "specific": "strategy", "fits_outward": "goal"}
"""The label of the statements a passed check did not count: a passed check lists only those it rests on."""


def _weak_spots(checks: Sequence[Check], statements: Sequence[Labelled]) -> list[tuple[str, int]]:
    """Statements of a passed check's label that it does not rest on, in the order of `CHECKS`."""
    spots = []
    for check in checks:
        label = WEAK.get(check.name)
        if check.passed and label:
            spots += [
                (check.name, i) for i, s in enumerate(statements) if s.label == label and i not in check.statements
            ]
    return spots


def _keepers(statements: Sequence[Labelled]) -> list[tuple[str, int]]:
    """Keep the first choice sharp, make the goals measurable, then the other statements (the same advice twice
    only when a paper has nothing else)."""
    order = ("strategy", "goal", "tactic", "organisation", "measure", "other")
    ranked = sorted(range(len(statements)), key=lambda i: (order.index(statements[i].label), i))
    first = ranked[:1] if ranked and statements[ranked[0]].label == "strategy" else []
    goals = [i for i in ranked if statements[i].label == "goal"]
    rest = [i for i in ranked if i not in first and i not in goals]
    return [*(("keep", i) for i in first), *(("keep_goal", i) for i in goals), *(("keep", i) for i in rest)]


def _suggestion(name: str, index: int, statements: Sequence[Labelled], lang: Lang, cite: Cite | None) -> Suggestion:
    statement = statements[index].text
    text = COPY[lang][f"suggest_{name}"].format(statement=_short(statement))
    key = ARTICLES[name]
    source = (cite(f"{statement} {text}", key, lang) if cite else None) or {"key": key, "title": key}
    return Suggestion(text, index, source)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
