"""Small text helpers shared by ingest, answers and the diagnostic: cleaning, sentences, language."""

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

# Zero-width and bidi controls hide text from a reader but not from a model: drop them too.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c"}
_INVISIBLE |= {"\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


@dataclass(frozen=True)
class CleanText:
    """A user message after cleaning: the text and whether it was cut."""

    text: str
    truncated: bool
    original_length: int


def strip_controls(text: str) -> str:
    """Drop control and invisible characters, keep newlines and tabs; normalise to NFC."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if char in "\n\t":
            kept.append(char)
        elif char in _INVISIBLE or unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}:
            continue
        else:
            kept.append(char)
    return "".join(kept)


class UnusableDocument(ValueError):
    """A nested document that is too deep or holds a number that is not finite."""


def clean_document(data: Any, max_depth: int = 64) -> Any:
    """A JSON-like document (dicts, lists, scalars) with every string, keys too, put through `strip_controls`.

    Walks without recursion and raises `UnusableDocument` beyond `max_depth` levels or at a NaN or an
    infinity (naming where), so a hostile document can neither exhaust the stack, nor smuggle control
    characters (terminal escapes, bidi overrides, lone surrogates) or non-numbers into what is stored.
    """
    root: list[Any] = [None]
    pending: list[tuple[Any, Any, Any, tuple]] = [(data, root, 0, ())]
    while pending:
        value, parent, slot, where = pending.pop()
        if len(where) > max_depth:
            raise UnusableDocument(f"nested more than {max_depth} levels deep")
        if isinstance(value, str):
            parent[slot] = strip_controls(value)
        elif isinstance(value, dict):
            keys = [strip_controls(str(key)) for key in value]
            copy = dict.fromkeys(keys)
            parent[slot] = copy
            pending += [(item, copy, key, (*where, key)) for key, item in zip(keys, value.values(), strict=True)]
        elif isinstance(value, list | tuple):
            copy = [None] * len(value)
            parent[slot] = copy
            pending += [(item, copy, index, (*where, index)) for index, item in enumerate(value)]
        elif isinstance(value, float) and not math.isfinite(value):
            raise UnusableDocument(f"{'.'.join(map(str, where)) or 'the value'} is {value}, not a finite number")
        else:
            parent[slot] = value
    return root[0]


def clean_message(text: str, max_chars: int) -> CleanText:
    """Clean a message and cap it at max_chars, cutting at a word boundary where one is near."""
    cleaned = strip_controls(text).strip()
    if len(cleaned) <= max_chars:
        return CleanText(cleaned, False, len(cleaned))
    cut = cleaned[:max_chars]
    space = cut.rfind(" ", max_chars - 200)
    return CleanText(cut[:space] if space > 0 else cut, True, len(cleaned))


# A sentence ends at . ! ? (or …) followed by space and an upper-case letter, digit or quote,
# or at a line break. Abbreviations common in German and English are protected. Chat text often
# starts sentences in lower case ("about 700 drivers. theyre the best"): a lower-case letter starts
# one too after ! ? … or after a full stop that ends a word of three or more letters.
_ABBREVIATIONS = r"(?<!\bz\.B\.)(?<!\bd\.h\.)(?<!\bu\.a\.)(?<!\bbzw\.)(?<!\bca\.)(?<!\betc\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
_SHORTENED_WORDS = "".join(rf"(?<!\b{word}\.)" for word in "usw vgl inkl ggf evtl bspw Mio Mrd".split())
_SENTENCE_END = re.compile(
    _ABBREVIATIONS
    + r"(?:(?<=[.!?…])\s+(?=[\"'„“(\[A-ZÄÖÜ0-9])"
    + r"|(?:(?<=[!?…])|(?<=\w{3}\.)"
    + _SHORTENED_WORDS
    + r")\s+(?=[a-zäöüß]))"
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; bullet lines and line breaks end a sentence too."""
    sentences = []
    for line in re.split(r"\n+", text):
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line).strip()
        if not line:
            continue
        sentences.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return sentences
