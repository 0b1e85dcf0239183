"""Loading articles, validating front matter, chunking and hashing."""

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from coach.config import PROJECT_ROOT
from coach.knowledge.articles import CHUNK_CHARS, chunk_article, chunk_articles, load_article, load_articles

ARTICLES = PROJECT_ROOT / "knowledge" / "articles"

VALID_FRONT_MATTER = 'id: broken-en\nkey: broken\nlang: en\ntitle: "A title"\n'
BROKEN_FILES = [
    pytest.param("---\nid: broken-en\ntitle: [unclosed\n---\nSome text.\n", id="yaml-syntax-error"),
    pytest.param("---\nid: broken-en\nlang: en\ntitle: No key\n---\nSome text.\n", id="missing-key"),
    pytest.param("---\n" + VALID_FRONT_MATTER.replace("lang: en", "lang: fr") + "---\nTexte.\n", id="unknown-language"),
    pytest.param("---\n" + VALID_FRONT_MATTER + "stage: stage_7\n---\nSome text.\n", id="unknown-stage"),
    pytest.param("---\n" + VALID_FRONT_MATTER + "topics: 12\n---\nSome text.\n", id="topics-not-a-list"),
    pytest.param("Just text, no front matter at all.\n", id="no-front-matter"),
    pytest.param("---\n" + VALID_FRONT_MATTER + "---\n\n   \n", id="empty-body"),
    pytest.param(b"---\nid: broken-en\n---\n\xff\xfe not utf-8\n", id="not-utf-8"),
]


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_a_valid_article_loads_with_its_front_matter(small_corpus: Path):
    article = load_article(small_corpus / "de" / "kpis.md")
    assert (article.meta.id, article.meta.key, article.meta.lang) == ("kpis-de", "kpis", "de")
    assert article.meta.title == "Messen mit Kennzahlen"
    assert article.body.startswith("# Messen mit Kennzahlen")


@pytest.mark.parametrize("content", BROKEN_FILES)
def test_an_article_with_broken_front_matter_raises_naming_the_file(tmp_path: Path, content):
    path = _write(tmp_path / "en" / "broken.md", content)
    with pytest.raises(ValueError, match=r"broken\.md"):
        load_article(path)


@pytest.mark.parametrize("content", BROKEN_FILES)
def test_a_broken_article_is_skipped_with_a_warning_and_the_rest_are_loaded(
    small_corpus: Path, content, caplog: pytest.LogCaptureFixture
):
    _write(small_corpus / "en" / "broken.md", content)
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.articles"):
        articles = load_articles([small_corpus])
    assert sorted(article.meta.id for article in articles) == ["kpis-de", "kpis-en", "listening-de", "listening-en"]
    assert any("broken.md" in record.getMessage() for record in caplog.records)


def test_a_duplicate_id_is_skipped_with_a_warning(
    small_corpus: Path, caplog: pytest.LogCaptureFixture, write_article: Callable[..., Path]
):
    copy = write_article(small_corpus, "kpis-en", "later-copy", "en", "A copy", "Same id as another article.")
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.articles"):
        articles = load_articles([small_corpus])
    assert len(articles) == 4
    assert all(article.path != copy for article in articles)
    assert any("later-copy.md" in record.getMessage() for record in caplog.records)


def test_a_missing_knowledge_folder_is_skipped_with_a_warning(
    small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.articles"):
        articles = load_articles([tmp_path / "nowhere", small_corpus])
    assert len(articles) == 4
    assert any("nowhere" in record.getMessage() for record in caplog.records)


def test_headings_become_the_sections_of_the_chunks(small_corpus: Path):
    chunks = chunk_article(load_article(small_corpus / "en" / "listening.md"))
    assert [chunk.section for chunk in chunks] == ["Listening and escalation", "Who answers a complaint"]
    assert chunks[1].text.startswith("A complaint on a Saturday evening")
    assert all(chunk.title == "Listening and escalation" and chunk.lang == "en" for chunk in chunks)


def test_text_before_the_first_heading_gets_the_title_as_its_section(
    tmp_path: Path, write_article: Callable[..., Path]
):
    path = write_article(tmp_path, "intro-en", "intro", "en", "The title", "An opening paragraph without a heading.")
    (chunk,) = chunk_article(load_article(path))
    assert chunk.section == "The title"


def test_chunk_ids_are_stable_and_numbered_per_article(small_corpus: Path):
    first = chunk_articles(load_articles([small_corpus]))
    second = chunk_articles(load_articles([small_corpus]))
    assert [chunk.id for chunk in first] == [chunk.id for chunk in second]
    assert [chunk.id for chunk in first if chunk.article_id == "kpis-en"] == ["kpis-en#0", "kpis-en#1"]


def test_a_long_section_is_split_into_chunks_below_the_size_limit(tmp_path: Path, write_article: Callable[..., Path]):
    paragraphs = "\n\n".join(f"Paragraph {n} says one thing about listening to customers. " * 4 for n in range(12))
    path = write_article(tmp_path, "long-en", "long", "en", "Long", f"## One long section\n{paragraphs}")
    chunks = chunk_article(load_article(path))
    assert len(chunks) > 3
    assert all(len(chunk.text) <= CHUNK_CHARS for chunk in chunks)
    assert {chunk.section for chunk in chunks} == {"One long section"}


def test_a_chunk_keeps_only_sentences_long_enough_to_quote(tmp_path: Path, write_article: Callable[..., Path]):
    body = "## Section\nShort one. This sentence is long enough to be quoted in an answer. Ok."
    (chunk,) = chunk_article(load_article(write_article(tmp_path, "s-en", "s", "en", "S", body)))
    assert chunk.sentences == ["This sentence is long enough to be quoted in an answer."]


def test_the_content_hash_is_a_stable_hex_digest(small_corpus: Path):
    first = chunk_articles(load_articles([small_corpus]))
    second = chunk_articles(load_articles([small_corpus]))
    assert [chunk.content_hash for chunk in first] == [chunk.content_hash for chunk in second]
    assert all(len(chunk.content_hash) == 16 and int(chunk.content_hash, 16) >= 0 for chunk in first)
    assert len({chunk.content_hash for chunk in first}) == len(first)


@pytest.mark.parametrize(
    ("change", "hash_changes"),
    [
        ({"text": "Different words."}, True),
        ({"title": "Another title"}, True),
        ({"section": "Another heading"}, True),
        ({"article_id": "other-en"}, True),
        ({"id": "kpis-en#9"}, False),
        ({"sentences": ["Only this sentence is quoted now."]}, True),
    ],
)
def test_the_content_hash_follows_what_is_indexed(small_corpus: Path, change: dict, hash_changes: bool):
    chunk = chunk_article(load_article(small_corpus / "en" / "kpis.md"))[0]
    assert (replace(chunk, **change).content_hash != chunk.content_hash) is hash_changes


def test_every_bundled_article_loads_without_a_warning(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.articles"):
        articles = load_articles([ARTICLES])
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    assert len(articles) >= 34


def test_every_bundled_article_exists_in_german_and_english():
    languages: dict[str, set[str]] = {}
    for article in load_articles([ARTICLES]):
        languages.setdefault(article.meta.key, set()).add(article.meta.lang)
    assert {key for key, langs in languages.items() if langs != {"de", "en"}} == set()


def test_bundled_chunk_ids_are_unique_and_chunks_fit_the_size_limit():
    chunks = chunk_articles(load_articles([ARTICLES]))
    assert len({chunk.id for chunk in chunks}) == len(chunks)
    assert all(0 < len(chunk.text) <= CHUNK_CHARS for chunk in chunks)
