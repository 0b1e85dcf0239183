"""Marketers' words read as the articles' words, before a question is retrieved.

Two general steps, both explainable from data (`Vocabulary`, built once from the indexed passages):
- German typed without umlauts ("fuer", "muessen", "laeuft") is spelled as the articles spell it: a word
  the articles never use whose umlaut-folded form is a word they do use gets the articles' spelling;
- jargon and Denglisch ("insta", "Konzept", "Content-Plan", "Owner", "FTE", "Shitstorm") get the
  articles' words for the same thing added in brackets (`knowledge/vocabulary.yaml`), in the question's
  language, so both the embedding and the word indexes find the article that uses them. Only the table's
  words that the articles never use count: a question already in the articles' words is searched as asked.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coach.config import PROJECT_ROOT
from coach.reading import safe_yaml

VOCABULARY_FILE = PROJECT_ROOT / "knowledge" / "vocabulary.yaml"
FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Entry:
    """Marketers' words and the articles' words for them, per language."""

    words: tuple[str, ...]
    adds: dict[str, str]
    replace: bool = False
    """A short form ("insta"): the articles' word takes its place instead of being added."""

    def pattern(self, articles: str = "") -> re.Pattern | None:
        """The words the articles never use (in `articles`, folded) as one regex; None if they use them all."""
        kept = [word for word in self.words if not _used(word, articles)] if articles else list(self.words)
        return _pattern(kept) if kept else None


def _used(word: str, articles: str) -> bool:
    """Whether the folded article text uses the word (a stem with *: any word it begins)."""
    stem = fold(word.rstrip("*"))
    ending = r"\w*" if word.endswith("*") else ""
    body = r"[\s-]+".join(re.escape(piece) for piece in re.split(r"[\s-]+", stem))
    return re.search(rf"(?<!\w){body}{ending}(?!\w)", articles) is not None


def fold(text: str) -> str:
    """Lowercase with umlauts spelled out, as a phone keyboard without umlauts types it."""
    return text.lower().translate(FOLD)


def _pattern(words: list[str], flags: int = 0) -> re.Pattern:
    """One regex for an entry's words: whole words, a trailing * for any ending, space or hyphen alike."""
    parts = []
    for word in words:
        stem = word.rstrip("*")
        body = r"[\s-]+".join(re.escape(piece) for piece in re.split(r"[\s-]+", fold(stem)))
        parts.append(body + (r"\w*" if word.endswith("*") else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", flags)


@cache
def load_vocabulary(path: Path = VOCABULARY_FILE) -> tuple[Entry, ...]:
    """The expansion table; raises ValueError naming the entry when one is malformed."""
    entries = []
    for number, row in enumerate(safe_yaml(path.read_text(encoding="utf-8")) or [], 1):
        if not isinstance(row, dict) or not row.get("words") or not row.get("en") or not row.get("de"):
            raise ValueError(f"{path}: entry {number} needs words, en and de")
        words = tuple(str(word) for word in row["words"])
        entries.append(Entry(words, {"en": str(row["en"]), "de": str(row["de"])}, bool(row.get("replace"))))
    return tuple(entries)


class Vocabulary:
    """What the articles' own words tell about a question's words: their spelling, and which of the table's
    marketer words they never use (only those are jargon: a question in the articles' words stays as it is)."""

    def __init__(self, texts: list[str], entries: tuple[Entry, ...] | None = None):
        used = {word.lower() for text in texts for word in _WORD.findall(text)}
        self._umlauted = {fold(word): word for word in used if fold(word) != word and fold(word) not in used}
        articles = fold(" ".join(texts))
        table = load_vocabulary() if entries is None else entries
        patterns = [(entry.pattern(articles), entry.adds) for entry in table if not entry.replace]
        self._entries = [(pattern, adds) for pattern, adds in patterns if pattern is not None]
        self._short = [(_pattern(list(entry.words), re.IGNORECASE), entry.adds) for entry in table if entry.replace]

    def expansions(self, text: str, lang: str) -> list[str]:
        """The articles' words for the jargon in `text`, in `lang`, each once, in the table's order."""
        folded = fold(text)
        found = [adds.get(lang, adds["en"]) for pattern, adds in self._entries if pattern.search(folded)]
        return list(dict.fromkeys(found))

    def restore(self, text: str) -> str:
        """`text` with each word the articles spell with an umlaut spelled so ("fuer" -> "für")."""

        def spelled(match: re.Match) -> str:
            word = match.group(0)
            restored = self._umlauted.get(word.lower())
            if restored is None:
                return word
            return restored.capitalize() if word[0].isupper() else restored

        return _WORD.sub(spelled, text)

    def read(self, text: str, lang: str) -> str:
        """The question in the articles' spelling, with the articles' words for its jargon in brackets."""
        spelled = self.restore(text)
        for pattern, adds in self._short:
            spelled = pattern.sub(adds.get(lang, adds["en"]), spelled)
        added = self.expansions(text, lang)
        return f"{spelled} ({'; '.join(added)})" if added else spelled
