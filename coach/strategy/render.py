"""The strategy check as text: the verdict on top, then the checks, the labelled statements, the suggestions."""

from collections.abc import Callable

from coach.lang.copy import section
from coach.strategy.check import StrategyCheck, label_word, verdict_word

COPY = section("strategy")


def render_check(check: StrategyCheck, escape: Callable[[str], str] = lambda text: text) -> str:
    """Plain text readable as it is (the chat and the exports make it inert; `escape` is for other uses)."""
    copy = COPY[check.lang]
    lines = [f"{copy['heading']}: {verdict_word(check.verdict, check.lang)}", "", escape(check.why), ""]
    lines += [*(f"> {notice}" for notice in check.notices), ""] if check.notices else []
    lines += [f"{copy['checks_heading']}:", ""]
    for item in check.checks:
        mark = "✓" if item.passed else "✗"
        lines.append(f"- {mark} {copy['check_' + item.name]} ({copy['passed' if item.passed else 'failed']})")
    lines += ["", f"{copy['statements_heading']}:", ""]
    for number, statement in enumerate(check.statements):
        label = label_word(statement.label, check.lang)
        lines.append(f"- {number} [{label}] {escape(statement.text)} — {escape(statement.reason)}")
    lines += ["", f"{copy['suggestions_heading']}:", ""]
    for suggestion in check.suggestions:
        title = suggestion.source.get("title", suggestion.source.get("key", ""))
        lines.append(f"- {escape(suggestion.text)} ({escape(title)})")
    return "\n".join(lines)


def summary_line(check: StrategyCheck) -> str:
    """One line for the conversation's summary: the verdict and how many statements it rests on."""
    return COPY[check.lang]["summary_line"].format(
        verdict=verdict_word(check.verdict, check.lang), statements=len(check.statements)
    )
