"""Whether a side question names the dimension the diagnostic is asking about.

During the diagnostic a marketer asks back in few words ("What do you mean by presence?"). Such a
question alone is too short for the embedder: it may rank the wrong article or fall below the
relevance gate. When it uses a word of the open dimension's name, it is about that dimension, so it
is retrieved together with the dimension's description, and never refused as off-topic.

Words are compared as Snowball stems, so "Signalen" names "Prozesse und Signale". A stem that most
articles of the language use ("social", "media", "and") names nothing in particular and is left out.
"""

import re
from collections import Counter

import snowballstemmer

from coach.knowledge.index import ChunkTable
from coach.lang.detect import Lang
from coach.readiness.model import Dimension, ReadinessModel

# A stem in more than this share of the articles of its language is too common to name a dimension.
MAX_ARTICLE_SHARE = 0.5
_STEMMERS = {"en": "english", "de": "german"}


class DimensionWords:
    """Per language and dimension, the stems of its name and short name that few articles use."""

    def __init__(self, model: ReadinessModel, table: ChunkTable):
        self._model = model
        self._words: dict[tuple[Lang, str], set[str]] = {}
        for lang in _STEMMERS:
            common = _common_stems(table, lang)
            for dimension in model.dimensions:
                named = stems(f"{dimension.name(lang)} {dimension.short(lang)}", lang)
                self._words[(lang, dimension.key)] = named - common

    def named(self, text: str, lang: Lang, dimension_key: str | None) -> Dimension | None:
        """The open dimension when the text uses a word of its name, else None."""
        if dimension_key is None or (lang, dimension_key) not in self._words:
            return None
        if stems(text, lang) & self._words[(lang, dimension_key)]:
            return self._model.dimension(dimension_key)
        return None


def stems(text: str, lang: Lang) -> set[str]:
    """The Snowball stems of the words of three letters or more."""
    stemmer = snowballstemmer.stemmer(_STEMMERS.get(lang, "english"))
    return set(stemmer.stemWords([word for word in re.findall(r"\w{3,}", text.lower()) if not word.isdigit()]))


def _common_stems(table: ChunkTable, lang: Lang) -> set[str]:
    """Stems used by more than MAX_ARTICLE_SHARE of the language's articles."""
    by_article: dict[str, set[str]] = {}
    for key, article_lang, text in zip(table.keys, table.langs, table.texts, strict=True):
        if article_lang == lang:
            by_article.setdefault(key, set()).update(stems(text, lang))
    counts = Counter(stem for words in by_article.values() for stem in words)
    return {stem for stem, count in counts.items() if count > MAX_ARTICLE_SHARE * len(by_article)}
