"""How the team report names its respondents: by name, or by role when the round hides names.

The labels replace the names before the report is built, so a hidden name reaches no part of it (Markdown,
JSON, PDF). Two respondents with the same name (or, with names hidden, the same role) are told apart by
their order of joining: "Anna (1)", "Anna (2)"; "Marketing 1", "Marketing 2". Without a role, a respondent
whose name is hidden is "Person 1", "Person 2" (the same word in German and English).
"""

from collections import Counter
from dataclasses import replace
from typing import Protocol, TypeVar


class Named(Protocol):
    name: str
    role: str | None


Someone = TypeVar("Someone", bound=Named)
NO_ROLE = "Person"
"""The label of a respondent without a role when names are hidden (numbered)."""


def shown_as(respondents: list[Someone], show_names: bool = True) -> list[Someone]:
    """The respondents with the label the report shows in place of each name (roles kept for role gaps)."""
    bases = [_base(respondent, show_names) for respondent in respondents]
    counts = Counter(base.casefold() for base in bases)
    numbers: Counter[str] = Counter()
    used: set[str] = set()
    labels = []
    for base in bases:
        label, key = base, base.casefold()
        numbered = counts[key] > 1 or (not show_names and base == NO_ROLE)
        while numbered or label.casefold() in used:  # a chosen name may look like a numbered one: "Anna (2)"
            numbers[key] += 1
            label, numbered = _numbered(base, numbers[key], show_names), False
        used.add(label.casefold())
        labels.append(label)
    return [replace(respondent, name=label) for respondent, label in zip(respondents, labels, strict=True)]


def _base(respondent: Named, show_names: bool) -> str:
    if show_names:
        return respondent.name
    return respondent.role or NO_ROLE


def _numbered(base: str, number: int, show_names: bool) -> str:
    return f"{base} ({number})" if show_names else f"{base} {number}"
