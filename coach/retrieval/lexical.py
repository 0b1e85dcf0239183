"""BM25 over words and over character 4-grams, the reranker's lexical features; storable with bm25s's own files."""

import logging
import re
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

# bm25s sets its own logger to DEBUG on import; its progress lines are not the coach's business.
logging.getLogger("bm25s").setLevel(logging.WARNING)

GRAM_SIZE = 4
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
Tokenizer = Callable[[str], list[str]]


class LexicalIndex:
    """BM25 over texts with one tokenizer; scores are scaled so the best text has 1."""

    def __init__(self, texts: list[str], tokenize: Tokenizer):
        self._tokenize = tokenize
        self._size = len(texts)
        self._bm25 = bm25s.BM25()
        if texts:
            self._bm25.index([tokenize(text) for text in texts], show_progress=False)

    @property
    def size(self) -> int:
        return self._size

    def scores(self, question: str) -> np.ndarray:
        tokens = self._tokenize(question)  # bm25s raises on an empty query ("🚀🚀🚀" has no words)
        scores = self._bm25.get_scores(tokens) if self._size and tokens else np.zeros(self._size)
        top = float(scores.max()) if scores.size else 0.0
        return scores / top if top > 0 else scores

    def save(self, folder: Path) -> None:
        """bm25s's files (its score matrix as .npy, its vocabulary as JSON); nothing for an empty index."""
        if self._size:
            self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, tokenize: Tokenizer, size: int) -> "LexicalIndex":
        """The index `save` wrote for `size` texts, its score matrix memory-mapped."""
        index = cls([], tokenize)
        if size:
            index._bm25 = bm25s.BM25.load(str(folder), mmap=True)
            if index._bm25.scores["num_docs"] != size:
                raise ValueError(f"{folder} holds {index._bm25.scores['num_docs']} texts, not {size}")
            index._size = size
        return index


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def grams(text: str) -> list[str]:
    """Character GRAM_SIZE-grams of each word, umlauts spelled out, word boundaries marked."""
    found = []
    for word in tokens(text.lower().translate(_UMLAUTS)):
        word = f"_{word}_"
        found += [word[start : start + GRAM_SIZE] for start in range(max(1, len(word) - GRAM_SIZE + 1))]
    return found
