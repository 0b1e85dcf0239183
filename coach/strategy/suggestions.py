"""Three suggestions, each naming the statement it would change and citing the article it comes from.

The failed checks come first, in the order of `CHECKS`; each picks the statement it is about (the
first vague strategy statement, a goal that counts only followers, a tactic that stands alone). When
fewer than three checks fail, the rest go to further statements of the failed checks, then to keeping
the paper's choices sharp.
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
    for index in _keepers(statements):
        if len(picks) < COUNT and index not in {i for _, i in picks}:
            picks.append(("keep", index))
    return [_suggestion(name, index, statements, lang, cite) for name, index in picks[:COUNT]]


def _about(check: Check, statements: Sequence[Labelled]) -> list[int]:
    """The statements a failed check would change: its own, else the first that say anything."""
    if check.statements:
        return list(check.statements)
    wanted = {"organises_inward": "tactic", "fits_outward": "goal"}.get(check.name, "strategy")
    found = [i for i, s in enumerate(statements) if s.label == wanted]
    return found or [i for i, s in enumerate(statements) if s.label != "other"][:1]


def _keepers(statements: Sequence[Labelled]) -> list[int]:
    order = ("strategy", "goal", "tactic", "organisation", "measure", "other")
    return sorted(range(len(statements)), key=lambda i: (order.index(statements[i].label), i))


def _suggestion(name: str, index: int, statements: Sequence[Labelled], lang: Lang, cite: Cite | None) -> Suggestion:
    statement = statements[index].text
    text = COPY[lang][f"suggest_{name}"].format(statement=_short(statement))
    key = ARTICLES[name]
    source = (cite(f"{statement} {text}", key, lang) if cite else None) or {"key": key, "title": key}
    return Suggestion(text, index, source)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
