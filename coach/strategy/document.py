"""A pasted or uploaded document as text, within limits, in German or English, and plan-like.

Uploads are read with kept libraries: `pypdf` for text PDFs, `python-docx` for Word files; `.txt`
and `.md` as UTF-8. Every refusal is a `BadInput` whose message says what to do instead.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from coach.errors import BadInput
from coach.lang.copy import section
from coach.lang.detect import Lang, detect_language
from coach.strategy.cues import cues_in
from coach.strategy.split import Piece, split_pieces

log = logging.getLogger(__name__)

COPY = section("strategy")
MAX_FILE_MB = 20
"""Larger uploads are refused before they are parsed; a 5 MB paper is read and its first part checked."""
MAX_CHARS = 100_000
"""Characters read from a document: some 40 pages, far more than any strategy paper."""
MAX_STATEMENTS = 300
"""Statements checked; the rest are left out with a notice (the check stays a few seconds on two cores)."""
MIN_CUED = 2
"""Statements with the wording of a goal, approach, channel, measure or role a plan must have at least."""
CODE_SHARE = 0.3
"""A document whose statements look like source code this often is not a plan."""
READABLE = (".txt", ".md", ".markdown", ".docx", ".pdf")
_CODE = re.compile(r"[{};=<>]|^\s*(?:def|class|import|from|return|function|var|const|let|public|private|#include)\b")
_FOREIGN = set(
    "le la les des et est une un du au aux nous vous pour avec dans sur par pas que qui sont notre nos "
    "el los las y es con para por una del que en nuestra nuestros il di che della per sono".split()
)
_OURS = set("der die das und ist wir mit auf für von the and is we with on for of to our unsere unser are sind".split())


@dataclass(frozen=True)
class Document:
    """The statements to check, the paper's language, the language the check speaks, and its notices."""

    pieces: list[Piece]
    lang: Lang
    """The paper's own language: its words are read (stemmed) in it."""
    notices: list[str]
    speaks: Lang
    """The check's language: the reader's choice when there is one (the app's language, `--lang`), else the
    paper's."""


def read_upload(name: str, data: bytes, lang: Lang = "en") -> str:
    """The text of an uploaded file; BadInput for a type, size or content that cannot be read."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in READABLE:
        raise BadInput(COPY[lang]["error_file_type"].format(name=name))
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise BadInput(COPY[lang]["error_file_size"].format(name=name, limit=MAX_FILE_MB))
    if suffix == ".pdf":
        return _pdf_text(name, data, lang)
    if suffix == ".docx":
        return _docx_text(name, data, lang)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(COPY[lang]["error_text_encoding"].format(name=name)) from None


def _pdf_text(name: str, data: bytes, lang: Lang) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise BadInput(COPY[lang]["error_pdf_encrypted"].format(name=name))
        pages, length = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length > MAX_CHARS:
                break
    except BadInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        log.info("Unreadable PDF %s: %s", name, type(error).__name__)
        raise BadInput(COPY[lang]["error_pdf_broken"].format(name=name)) from None
    text = "\n".join(pages)
    if not text.strip():
        raise BadInput(COPY[lang]["error_pdf_scanned"].format(name=name))
    return text


def _docx_text(name: str, data: bytes, lang: Lang) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        log.info("Unreadable Word file %s: %s", name, type(error).__name__)
        raise BadInput(COPY[lang]["error_docx_broken"].format(name=name)) from None
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_paragraph(docx.text.paragraph.Paragraph(block, document)))
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            lines += ["| " + " | ".join(cell.text.strip() for cell in row.cells) + " |" for row in table.rows]
    return "\n".join(lines)


def _paragraph(paragraph) -> str:
    """A Word paragraph as a line: headings and list items keep their role for the splitter."""
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if style.startswith(("heading", "title", "überschrift", "titel")):
        return f"# {paragraph.text}"
    if "list" in style or "liste" in style:
        return f"- {paragraph.text}"
    return paragraph.text


def prepare(text: str, lang: Lang | None = None) -> Document:
    """The document's statements, cut to the limits with a notice; BadInput when there is nothing to check.

    `lang` is the reader's choice: the check and its messages speak it; without it, the paper's language.
    """
    said_lang: Lang = lang or "en"
    text = (text or "").replace("\x00", "")
    if not text.strip():
        raise BadInput(COPY[said_lang]["error_empty"])
    pieces = split_pieces(text[:MAX_CHARS])
    if not pieces:
        raise BadInput(COPY[said_lang]["error_empty"])
    sample = " ".join(piece.text for piece in pieces[:MAX_STATEMENTS])
    if _foreign(sample):
        raise BadInput(COPY[said_lang]["error_language"])
    paper_lang = detect_language(sample)
    doc_lang = lang or paper_lang
    notices = []
    total = len(pieces) if len(text) <= MAX_CHARS else len(split_pieces(text))
    if total > MAX_STATEMENTS:
        pieces = pieces[:MAX_STATEMENTS]
        notices.append(COPY[doc_lang]["notice_truncated"].format(limit=MAX_STATEMENTS, dropped=total - MAX_STATEMENTS))
    if not _plan_like(pieces):
        raise BadInput(COPY[doc_lang]["error_no_plan"])
    return Document(pieces, paper_lang, notices, doc_lang)


def _foreign(text: str) -> bool:
    words = re.findall(r"[a-zàâäçéèêëîïôöùûüñß]+", text.lower())
    foreign = sum(word in _FOREIGN for word in words)
    return foreign >= 5 and foreign > 2 * sum(word in _OURS for word in words)


def _plan_like(pieces: list[Piece]) -> bool:
    code = sum(bool(_CODE.search(piece.text)) for piece in pieces)
    if code > CODE_SHARE * len(pieces):
        return False
    return sum(bool(cues_in(piece.text)) for piece in pieces) >= MIN_CUED
