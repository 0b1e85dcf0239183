"""Load the Markdown articles (front matter + body) and cut them into chunks with stable ids."""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
from frontmatter.default_handlers import YAMLHandler
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter
from pydantic import BaseModel, ValidationError, field_validator

from coach.errors import BadInput
from coach.knowledge.readiness_keys import STAGE_KEYS
from coach.lang.detect import Lang
from coach.reading import read_file_capped, safe_yaml
from coach.text import clean_document, split_sentences, strip_controls

log = logging.getLogger(__name__)

CHUNK_CHARS = 900
CHUNK_OVERLAP = 120
MAX_ARTICLE_BYTES = 1_000_000
"""An article is a few pages; a file larger than this is not one (read no further)."""
MAX_FRONT_MATTER_CHARS = 20_000
"""Front matter holds a title, topics and some questions: a few KB."""


class _LimitedYAML(YAMLHandler):
    """Front matter parsed with limits: its size, no aliases (no expansion bombs), a bounded depth."""

    def load(self, fm: str, **kwargs: object):
        if len(fm) > MAX_FRONT_MATTER_CHARS:
            raise ValueError(f"the front matter is longer than {MAX_FRONT_MATTER_CHARS} characters")
        return safe_yaml(fm)


class ArticleMeta(BaseModel):
    """The front matter every article carries."""

    id: str
    key: str
    lang: Lang
    title: str
    topics: list[str] = []
    stage: str | None = None
    sources: list[str] = []
    questions: list[str] = []
    """Questions a marketer might ask that this article answers, in its language (matched against theirs)."""

    @field_validator("stage")
    @classmethod
    def _known_stage(cls, value: str | None) -> str | None:
        if value is not None and value not in STAGE_KEYS:
            raise ValueError(f"unknown stage {value!r}; use one of {', '.join(STAGE_KEYS)}")
        return value


@dataclass(frozen=True)
class Article:
    """One article in one language."""

    meta: ArticleMeta
    body: str
    path: Path


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: the unit that is embedded and retrieved."""

    id: str
    article_id: str
    key: str
    lang: Lang
    title: str
    section: str
    text: str
    sentences: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    """The article's questions; only its first chunk carries them, so each is indexed once."""

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is indexed for this chunk changes."""
        # The sentences too: a change in how they are cut re-embeds them even when the text is the same.
        payload = "\x1f".join(
            [self.article_id, self.title, self.section, self.text, *self.sentences, "?", *self.questions]
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def metadata(self) -> dict[str, str | int]:
        """What Chroma stores beside the vector."""
        return {
            "article_id": self.article_id,
            "key": self.key,
            "lang": self.lang,
            "title": self.title,
            "section": self.section,
            "hash": self.content_hash,
        }


def load_article(path: Path) -> Article:
    """Parse one file; raises ValueError naming the file when the front matter is unusable."""
    try:
        raw = read_file_capped(path, MAX_ARTICLE_BYTES, "the file")
        post = frontmatter.loads(raw.decode("utf-8"), handler=_LimitedYAML())
        meta = ArticleMeta.model_validate(clean_document(post.metadata))
    except BadInput as error:
        raise ValueError(f"{path}: {error}") from error
    except (ValidationError, ValueError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: broken front matter: {_first_line(error)}") from error
    except Exception as error:  # the YAML parser raises its own types
        raise ValueError(f"{path}: broken front matter: {_first_line(error)}") from error
    if not post.content.strip():
        raise ValueError(f"{path}: the article has no text")
    # Zero-width and bidi characters hide text from a reader, not from a model: the index never holds them.
    return Article(meta=meta, body=strip_controls(post.content), path=path)


def load_articles(folders: Iterable[Path]) -> list[Article]:
    """Every readable article below the folders; broken ones are skipped with a warning."""
    articles: dict[str, Article] = {}
    for folder in folders:
        if not folder.is_dir():
            log.warning("Knowledge folder %s does not exist; skipped", folder)
            continue
        for path in sorted(folder.rglob("*.md")):
            try:
                article = load_article(path)
            except ValueError as error:
                log.warning("Skipped an article: %s", error)
                continue
            if article.meta.id in articles:
                log.warning("Skipped %s: id %r is already used", path, article.meta.id)
                continue
            articles[article.meta.id] = article
    return list(articles.values())


_HEADERS = MarkdownHeaderTextSplitter(headers_to_split_on=[("#", "h1"), ("##", "h2")])
_SPLITTER = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)


def chunk_article(article: Article) -> list[Chunk]:
    """Split at headings, then at paragraph and sentence boundaries for long sections."""
    chunks = []
    for section in _HEADERS.split_text(article.body):
        heading = section.metadata.get("h2") or section.metadata.get("h1") or article.meta.title
        text = section.page_content.replace("  \n", "\n").strip()
        for piece in _SPLITTER.split_text(text):
            chunks.append(_make_chunk(article, heading, piece, len(chunks)))
    return chunks


def chunk_articles(articles: Iterable[Article]) -> list[Chunk]:
    """All chunks of all articles, in a stable order."""
    return [chunk for article in articles for chunk in chunk_article(article)]


def _make_chunk(article: Article, heading: str, text: str, number: int) -> Chunk:
    meta = article.meta
    return Chunk(
        id=f"{meta.id}#{number}",
        article_id=meta.id,
        key=meta.key,
        lang=meta.lang,
        title=meta.title,
        section=heading,
        text=text,
        sentences=quotable_sentences(text),
        questions=[] if number else [strip_controls(question) for question in meta.questions if question.strip()],
    )


def quotable_sentences(text: str) -> list[str]:
    """Sentences an answer may quote: no table rows, no bare list labels, no emphasis markers."""
    sentences = []
    for sentence in split_sentences(text):
        if sentence.startswith("|") or sentence.count("|") >= 2:
            continue
        sentence = sentence.replace("**", "").replace("__", "").strip()
        if len(sentence) >= 25 and not sentence.endswith(":"):
            sentences.append(sentence)
    return sentences


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
