"""A document as statements: lines, bullets, table rows and the sentences of running text.

Heading marks, bullet signs, a table's outer pipes and its separator row are dropped; a table row
keeps its inner pipes (`Instagram | Neuwagen | 4x pro Woche`). A line of running text is cut into
sentences at `.`, `!` or `?` before a capital, never after an abbreviation or inside a number.
"""

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["heading", "bullet", "header", "row", "line", "sentence"]
HEADING_WORDS = 6
"""A line alone of at most this many words, with no full stop, reads as a heading ("Ziele", "Where we win")."""


@dataclass(frozen=True)
class Piece:
    """One statement and the kind of line it came from."""

    text: str
    kind: Kind


_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^(?:[-*•–·▪◦]|\d{1,2}[.)])\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"“”»)]?\s+(?=[\"„“«(]?[A-ZÄÖÜ0-9])")
_ABBREVIATIONS = {
    "z. b.",
    "z.b.",
    "d. h.",
    "d.h.",
    "u. a.",
    "u.a.",
    "bzw.",
    "ca.",
    "ggf.",
    "usw.",
    "etc.",
    "inkl.",
    "nr.",
    "dr.",
    "st.",
    "e.g.",
    "i.e.",
    "vs.",
    "mr.",
    "mrs.",
    "ms.",
    "no.",
    "approx.",
    "incl.",
    "jan.",
    "feb.",
    "ff.",
    "s.",
    "vgl.",
    "evtl.",
    "max.",
    "min.",
    "mio.",
    "mrd.",
    "tsd.",
    "abs.",
    "str.",
    "co.",
    "inc.",
    "ltd.",
}
# `z. B.` ends in "B." and is read with the word before it.
_SHORT_TAIL = re.compile(r"(?:^|\s)(\S+\s?\S*\.)$")


def split_statements(text: str) -> list[str]:
    """The statements of a document, in order, without empty ones."""
    return [piece.text for piece in split_pieces(text)]


def split_pieces(text: str) -> list[Piece]:
    """The statements of a document with the kind of line each came from."""
    pieces: list[Piece] = []
    in_table = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if _TABLE_SEPARATOR.match(line):
            continue
        if line.startswith("|") or (line.endswith("|") and "|" in line[:-1]):
            pieces.append(Piece(_table_row(line), "row" if in_table else "header"))
            in_table = True
            continue
        in_table = False
        if not line:
            continue
        pieces += _pieces_of_line(line)
    return [piece for piece in pieces if piece.text]


def _pieces_of_line(line: str) -> list[Piece]:
    if _HEADING.match(line):
        return [Piece(_HEADING.sub("", line).strip(), "heading")]
    if _BULLET.match(line):
        return [Piece(text, "bullet") for text in sentences(_BULLET.sub("", line).strip())]
    parts = sentences(line)
    if len(parts) == 1 and _looks_like_heading(parts[0]):
        return [Piece(parts[0], "heading")]
    return [Piece(text, "sentence" if len(parts) > 1 else "line") for text in parts]


def _looks_like_heading(text: str) -> bool:
    return text.endswith(":") or (len(text.split()) <= HEADING_WORDS and not text.endswith((".", "!", "?", "…")))


def _table_row(line: str) -> str:
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return " | ".join(cells)


def sentences(line: str) -> list[str]:
    """The sentences of one line of running text."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        head = line[start : match.start()].rstrip()
        if _ends_in_abbreviation(head) or _ends_in_ordinal(head) or _quoted_ellipsis(head, match.group()):
            continue
        parts.append(line[start : match.start()].strip())
        start = match.end()
    parts.append(line[start:].strip())
    return [part for part in parts if part]


def _ends_in_abbreviation(head: str) -> bool:
    words = head.lower().split()
    tail_one = words[-1] if words else ""
    tail_two = " ".join(words[-2:]) if len(words) > 1 else tail_one
    return tail_one in _ABBREVIATIONS or tail_two in _ABBREVIATIONS or re.fullmatch(r"[a-zäöü]\.", tail_one) is not None


def _quoted_ellipsis(head: str, gap: str) -> bool:
    """`"Shift with..." takeover`: an ellipsis closing a quoted title does not end the sentence."""
    return head.endswith(("...", "…")) and gap[:1] in '"“”»'


def _ends_in_ordinal(head: str) -> bool:
    """`am 1. Mai`: a number with a point is an ordinal, not a sentence end (German)."""
    return re.search(r"(?:^|\s)\d{1,2}\.$", head) is not None
