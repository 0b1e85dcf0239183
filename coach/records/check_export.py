"""The strategy check in the exports: the line the summary gives it, and its PDF page part with the table."""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from coach.lang.copy import section
from coach.records.conversation import Conversation, Turn
from coach.strategy.check import StrategyCheck, label_word, verdict_word
from coach.strategy.render import summary_line

COPY = section("strategy")
COLUMNS = (9, 30, 86, 65)
"""Widths in mm of the table's columns: number, label, statement, reason (an A4 page's 190 mm)."""


def check_of(turn: Turn) -> StrategyCheck | None:
    """The turn's strategy check, or None when it has none (or a stored one no longer reads)."""
    if turn.check is None:
        return None
    try:
        return StrategyCheck.from_json(turn.check)
    except ValueError:
        return None


def check_summary(conversation: Conversation) -> str | None:
    """The summary's line about the latest strategy check, if the conversation has one."""
    turn = conversation.last_check
    check = check_of(turn) if turn else None
    return summary_line(check) if check else None


def pdf_check(pdf: FPDF, check: StrategyCheck, family: str) -> None:
    """The verdict and why, the checks, the labelled statements as a table, and the suggestions."""
    copy = COPY[check.lang]
    pdf.set_font(family, "B", 10.5)
    _cell(pdf, f"{copy['heading']}: {verdict_word(check.verdict, check.lang)}")
    pdf.set_font(family, "", 10)
    _cell(pdf, check.why)
    for item in check.checks:
        _cell(pdf, f"{'✓' if item.passed else '✗'} {copy['check_' + item.name]}")
    pdf.ln(1)
    pdf.set_font(family, "", 8.5)
    with pdf.table(col_widths=COLUMNS, text_align="LEFT", line_height=4.5, first_row_as_headings=True) as table:
        table.row(["#", copy["statements_heading"], "", copy["reasons"]])
        for number, statement in enumerate(check.statements):
            table.row([str(number), label_word(statement.label, check.lang), statement.text, statement.reason])
    pdf.set_font(family, "", 10)
    pdf.ln(1)
    for suggestion in check.suggestions:
        title = suggestion.source.get("title", suggestion.source.get("key", ""))
        _cell(pdf, f"• {suggestion.text} ({title})")


def _cell(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
