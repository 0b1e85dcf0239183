"""The PDF export (fpdf2): a printable page with the stage, confidence, a dimension chart, evidence,
next steps and the full transcript.

Text is set in the bundled DejaVu Sans (Latin with umlauts, Greek, Cyrillic and more); fonts found on
the system for other scripts (CJK, for one) are added as fallbacks. Everything is printed as plain
text: HTML, Markdown images or script in a message appear as the characters that were typed.
"""

import logging
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from coach.diagnostic.summary import LABELS as SUMMARY_LABELS
from coach.diagnostic.summary import (
    Summary,
    dimension_names,
    gaps_heading,
    reason_line,
    shown_quotes,
    steps_heading,
    strengths_heading,
)
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.lang.copy import quoted
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.check_export import check_of, check_summary, pdf_check
from coach.records.conversation import Conversation, Turn, now
from coach.records.transcript import LABELS, corrected_note, readable_time, title_of

log = logging.getLogger(__name__)

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
SYSTEM_FALLBACKS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",
)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<!\w)_(.+?)_(?!\w)", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_PDF_CHARS = 200_000
"""What the PDF prints of the transcript: about a hundred pages; fpdf2 lays text out slowly and in memory."""
MAX_PDF_TURNS = 600
"""What the PDF prints of a conversation's messages: a diagnostic has about twenty, a long chat a few hundred."""
MAX_PDF_TURN_CHARS = 20_000
"""What the PDF prints of one message (a question is capped at 4,000 characters, an answer at 12,000)."""
INK, MUTED, ACCENT, TRACK = (33, 37, 41), (108, 117, 125), (38, 110, 180), (225, 229, 235)


def pdf_bytes(model: ReadinessModel, conversation: Conversation, exported_at: str | None = None) -> bytes:
    """The conversation as a PDF document."""
    text = LABELS[conversation.lang]
    pdf = _document(title_of(conversation) or text["title"])
    pdf.add_page()
    _heading(pdf, text["title"], size=17)
    _muted(pdf, text["exported"].format(when=readable_time(exported_at or now()), id=conversation.id))
    _heading(pdf, text["summary"], size=14)
    if conversation.summary:
        _summary(pdf, model, conversation.summary)
    else:
        _paragraph(pdf, text["no_summary"])
    if line := check_summary(conversation):
        _paragraph(pdf, line)
    _heading(pdf, text["transcript"], size=14)
    if not conversation.turns:
        _paragraph(pdf, text["empty"])
    printed = 0
    corrections = conversation.corrections()
    for shown, turn in enumerate(conversation.turns):
        if printed >= MAX_PDF_CHARS or shown >= MAX_PDF_TURNS:
            total = len(conversation.turns)
            _muted(pdf, text["pdf_cut"].format(shown=shown, total=total, limit=f"{MAX_PDF_CHARS:,}"))
            break
        printed += _turn(pdf, model, turn, conversation.lang, corrections.get(shown, []))
    return bytes(pdf.output())


def plain(text: str) -> str:
    """The coach's Markdown emphasis removed; control characters dropped; everything else as typed."""
    return _CONTROL.sub("", _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text))


def _document(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(18, 16, 18)
    pdf.set_title(title)
    pdf.set_creator("Social media strategy coach")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    fallbacks = []
    for number, path in enumerate(SYSTEM_FALLBACKS):
        if Path(path).is_file():
            try:
                pdf.add_font(f"fallback{number}", "", path)
                fallbacks.append(f"fallback{number}")
            except Exception:  # an unreadable font only costs its glyphs
                log.warning("Cannot use the fallback font %s", path, exc_info=True)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*INK)
    return pdf


def _summary(pdf: FPDF, model: ReadinessModel, summary: Summary) -> None:
    lang, assessment = summary.lang, summary.assessment
    labels = SUMMARY_LABELS[lang]
    stage = model.stage(assessment.stage)
    pdf.set_font(FAMILY, "B", 13)
    pdf.set_text_color(*ACCENT)
    _line(pdf, f"{labels['stage']}: {stage.number} – {stage.name(lang)}", 7)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    _line(pdf, f"{labels['confidence'].capitalize()}: {assessment.confidence:.0%}", 6)
    _bar(pdf, assessment.confidence, width=60)
    _paragraph(pdf, reason_line(model, assessment, lang))
    _paragraph(pdf, stage.summary(lang))
    if summary.prose:
        _paragraph(pdf, plain(summary.prose))
    _subheading(pdf, labels["dimensions"])
    for key in DIMENSION_KEYS:
        _dimension_row(pdf, model.dimension(key).name(lang), assessment.dimensions[key], labels, lang)
    pdf.ln(2)
    strengths = dimension_names(model, summary.strengths, lang) or labels["none"]
    gaps = dimension_names(model, summary.gaps, lang) or labels["none"]
    _paragraph(pdf, f"{strengths_heading(summary)}: {strengths}")
    if assessment.stage < 3:
        _paragraph(pdf, f"{gaps_heading(summary)}: {gaps}")
    _subheading(pdf, steps_heading(model, summary))
    for number, step in enumerate(summary.next_steps, start=1):
        title = step.source.title if step.source else step.article
        _paragraph(pdf, f"{number}. {plain(step.text)} ({title})")
    if assessment.goals:
        _subheading(pdf, labels["goals"])
        for goal in assessment.goals:
            _paragraph(pdf, f"• {goal}")
    _muted(pdf, labels["reminder"])


def _dimension_row(pdf: FPDF, name: str, result, labels: dict[str, str], lang: Lang) -> None:
    """Three blocks for levels 1-3 (filled up to the level), then the name and level, then the quotes."""
    if pdf.will_page_break(12):
        pdf.add_page()
    y = pdf.get_y()
    for level in range(1, 4):
        filled = result.level is not None and result.level >= level
        pdf.set_fill_color(*(ACCENT if filled else TRACK))
        pdf.rect(pdf.l_margin + (level - 1) * 9, y + 1.3, 8, 3.4, style="F")
    value = labels["unknown"] if result.level is None else f"{labels['level']} {result.level}"
    pdf.set_x(pdf.l_margin + 30)
    pdf.multi_cell(0, 6, f"{name}: {value}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    quotes = shown_quotes(result)
    if quotes:
        pdf.set_text_color(*MUTED)
        pdf.set_x(pdf.l_margin + 30)
        text = "; ".join(quoted(quote, lang) for quote in quotes)
        pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)


def _turn(pdf: FPDF, model: ReadinessModel, turn: Turn, lang: Lang, corrected: list[str]) -> int:
    """Print one turn (its text cut at MAX_PDF_TURN_CHARS, with a note, and what a later message corrected);
    returns the characters printed."""
    text = LABELS[lang]
    if pdf.will_page_break(18):
        pdf.add_page()
    pdf.ln(1.5)
    pdf.set_font(FAMILY, "B", 10)
    pdf.set_text_color(*(ACCENT if turn.role == "coach" else INK))
    _line(pdf, f"{text[turn.role]} · {readable_time(turn.created_at)}", 6)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    body = turn.text[:MAX_PDF_TURN_CHARS]
    if check := check_of(turn):
        pdf_check(pdf, check, FAMILY)
    else:
        _paragraph(pdf, plain(body) if turn.role == "coach" else _CONTROL.sub("", body))
        if len(turn.text) > MAX_PDF_TURN_CHARS:
            _muted(pdf, text["pdf_turn_cut"].format(limit=f"{MAX_PDF_TURN_CHARS:,}"))
    if corrected:
        _muted(pdf, corrected_note(model, corrected, lang))
    for notice in turn.notices[:5]:
        _muted(pdf, _CONTROL.sub("", notice[:1000]))
    if turn.sources:
        listed = "; ".join(f"[{s.number}] {s.title} ({s.section})" for s in turn.sources[:20])
        _muted(pdf, _CONTROL.sub("", f"{text['sources']}: {listed}"))
    return len(body)


def _heading(pdf: FPDF, text: str, size: int) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", size)
    _line(pdf, text, size * 0.6)
    pdf.set_font(FAMILY, "", 10)
    pdf.ln(1)


def _subheading(pdf: FPDF, text: str) -> None:
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", 10.5)
    _line(pdf, text, 6)
    pdf.set_font(FAMILY, "", 10)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _muted(pdf: FPDF, text: str) -> None:
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, "", 8.5)
    pdf.multi_cell(0, 4.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*INK)
    pdf.ln(1)


def _line(pdf: FPDF, text: str, height: float) -> None:
    pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _bar(pdf: FPDF, value: float, width: float) -> None:
    y = pdf.get_y()
    pdf.set_fill_color(*TRACK)
    pdf.rect(pdf.l_margin, y, width, 2.5, style="F")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, y, width * max(0.0, min(value, 1.0)), 2.5, style="F")
    pdf.ln(4.5)
