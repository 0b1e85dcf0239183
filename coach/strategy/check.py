"""The strategy check of one document: labelled statements, the six checks, the verdict, three suggestions.

`build_check` is pure: it takes statements already labelled (offline or by a model) and decides the
rest with the same rules either way. `StrategyCheck.to_json` is the JSON of `python -m coach check`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.strategy.checks import CHECKS, Check, run_checks, verdict_of
from coach.strategy.classifier import Labelled
from coach.strategy.labels import LABELS, VERDICTS, Verdict
from coach.strategy.suggestions import Cite, Suggestion, suggest

COPY = section("strategy")


@dataclass(frozen=True)
class StrategyCheck:
    """What the check found in one document."""

    verdict: Verdict
    why: str
    statements: list[Labelled]
    checks: list[Check]
    suggestions: list[Suggestion]
    lang: Lang
    mode: str = "offline"
    notices: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "verdict": self.verdict,
            "why": self.why,
            "statements": [{"text": s.text, "label": s.label, "reason": s.reason} for s in self.statements],
            "checks": [{"name": c.name, "passed": c.passed, "statements": list(c.statements)} for c in self.checks],
            "suggestions": [
                {"text": s.text, "statement": s.statement, "source": dict(s.source)} for s in self.suggestions
            ],
            "lang": self.lang,
            "mode": self.mode,
            "notices": list(self.notices),
        }

    @classmethod
    def from_json(cls, data: dict) -> "StrategyCheck":
        """Read back what `to_json` wrote (a stored conversation); ValueError when it is not one."""
        try:
            statements = [Labelled(s["text"], _one_of(s["label"], LABELS), s["reason"]) for s in data["statements"]]
            checks = [
                Check(_one_of(c["name"], CHECKS), bool(c["passed"]), list(c["statements"])) for c in data["checks"]
            ]
            suggestions = [Suggestion(s["text"], int(s["statement"]), dict(s["source"])) for s in data["suggestions"]]
            return cls(
                _one_of(data["verdict"], VERDICTS), str(data["why"]), statements, checks, suggestions,
                _one_of(data["lang"], ("de", "en")), str(data.get("mode", "offline")), list(data.get("notices", [])),
            )  # fmt: skip
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a strategy check: {error}") from None

    def counts(self) -> dict[str, int]:
        return {label: sum(s.label == label for s in self.statements) for label in LABELS}


def _one_of(value, allowed):
    if value not in allowed:
        raise ValueError(f"not a strategy check: {value!r} is not one of {', '.join(allowed)}")
    return value


def build_check(
    statements: Sequence[Labelled],
    lang: Lang,
    cite: Cite | None = None,
    mode: str = "offline",
    notices=(),
    paper_lang: Lang | None = None,
) -> StrategyCheck:
    """The checks, the verdict with its paragraph, and three suggestions for labelled statements, in `lang`;
    the statements' words are read in `paper_lang` (the same when not given)."""
    checks = run_checks(statements, paper_lang or lang)
    verdict = verdict_of(checks, statements)
    return StrategyCheck(
        verdict, why(verdict, checks, statements, lang), list(statements), checks,
        suggest(statements, checks, lang, cite), lang, mode, list(notices),
    )  # fmt: skip


def why(verdict: Verdict, checks: Sequence[Check], statements: Sequence[Labelled], lang: Lang) -> str:
    """One paragraph: what the paper does and lacks, in the words of the checks."""
    copy = COPY[lang]
    passed = ", ".join(copy[f"check_{c.name}"] for c in checks if c.passed) or copy["none"]
    failed = ", ".join(copy[f"check_{c.name}"] for c in checks if not c.passed) or copy["none"]
    tactics = sum(s.label == "tactic" for s in statements)
    return copy[f"why_{verdict}"].format(passed=passed, failed=failed, tactics=tactics)


def label_word(label: str, lang: Lang) -> str:
    return COPY[lang][f"label_{label}"]


def verdict_word(verdict: str, lang: Lang) -> str:
    return COPY[lang][f"verdict_{verdict}"]
