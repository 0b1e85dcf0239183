"""The Chroma index: incremental sync by content hash, embedder changes, damaged stores, the data directory."""

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.config import Settings
from coach.errors import DataDirError
from coach.knowledge.articles import Chunk, chunk_articles, load_articles
from coach.knowledge.index import KnowledgeIndex, embedder_fingerprint, open_client
from coach.retrieval.reranker import FEATURES, candidate_features, prepare, retrieve
from coach.session.coach import Coach


def _chunks(settings: Settings) -> list[Chunk]:
    return chunk_articles(load_articles(settings.knowledge_dirs))


def _texts(chunks: list[Chunk]) -> int:
    """How many texts a full embedding of these chunks takes: each passage, its sentences and questions."""
    return sum(1 + len(chunk.sentences) + len(chunk.questions) for chunk in chunks)


def _open(settings: Settings, embedder) -> KnowledgeIndex:
    return KnowledgeIndex.open(settings, embedder)


def _best_key(index: KnowledgeIndex, embedder, question: str, lang: str) -> str:
    return retrieve(index, embedder.query_vector(question), lang, limit=3, question=question).hits[0].key


def test_the_first_sync_embeds_every_passage_and_sentence(small_settings: Settings, counting_embedder):
    chunks = _chunks(small_settings)
    report = _open(small_settings, counting_embedder).sync(chunks)
    assert sorted(report.added) == sorted(chunk.id for chunk in chunks)
    assert (report.changed, report.removed, report.unchanged) == ([], [], 0)
    assert report.embedded == counting_embedder.passages == _texts(chunks)


def test_a_sync_with_nothing_changed_embeds_nothing(small_settings: Settings, counting_embedder):
    chunks = _chunks(small_settings)
    index = _open(small_settings, counting_embedder)
    index.sync(chunks)
    before = counting_embedder.passages
    report = _open(small_settings, counting_embedder).sync(_chunks(small_settings))
    assert report.nothing_changed and report.embedded == 0
    assert report.unchanged == len(chunks)
    assert counting_embedder.passages == before
    assert index.is_current(chunks)


def test_an_added_article_embeds_only_its_own_passages(
    small_settings: Settings, small_corpus: Path, counting_embedder, write_article: Callable[..., Path]
):
    index = _open(small_settings, counting_embedder)
    index.sync(_chunks(small_settings))
    before = counting_embedder.passages
    body = "## Roles\nA community manager answers questions and passes complaints to the right team."
    write_article(small_corpus, "roles-en", "roles", "en", "Roles", body)
    report = index.sync(_chunks(small_settings))
    new = [chunk for chunk in _chunks(small_settings) if chunk.article_id == "roles-en"]
    assert report.added == [chunk.id for chunk in new]
    assert (report.changed, report.removed) == ([], [])
    assert counting_embedder.passages - before == report.embedded == _texts(new)
    assert _best_key(index, counting_embedder, "What does a community manager do?", "en") == "roles"


def test_a_changed_paragraph_embeds_only_the_changed_passage(
    small_settings: Settings, small_corpus: Path, counting_embedder
):
    index = _open(small_settings, counting_embedder)
    index.sync(_chunks(small_settings))
    path = small_corpus / "en" / "kpis.md"
    path.write_text(path.read_text().replace("every month", "every quarter"), encoding="utf-8")
    before = counting_embedder.passages
    report = index.sync(_chunks(small_settings))
    assert (report.added, report.changed, report.removed) == ([], ["kpis-en#1"], [])
    changed = [chunk for chunk in _chunks(small_settings) if chunk.id == "kpis-en#1"]
    assert counting_embedder.passages - before == report.embedded == _texts(changed)
    assert any("every quarter" in text for text in index.sentence_table().texts)
    assert not any("every month" in text for text in index.sentence_table().texts)


def test_a_deleted_article_is_removed_with_its_sentences(
    small_settings: Settings, small_corpus: Path, counting_embedder
):
    index = _open(small_settings, counting_embedder)
    index.sync(_chunks(small_settings))
    (small_corpus / "de" / "listening.md").unlink()
    before = counting_embedder.passages
    report = index.sync(_chunks(small_settings))
    assert report.removed == ["listening-de#0", "listening-de#1"]
    assert (report.added, report.changed, report.embedded) == ([], [], 0)
    assert counting_embedder.passages == before
    assert not any(cid.startswith("listening-de") for cid in index.stored_hashes())
    assert not any(cid.startswith("listening-de") for cid in index.sentence_table().chunk_ids)


def test_a_rebuild_embeds_everything_again(small_settings: Settings, counting_embedder):
    chunks = _chunks(small_settings)
    index = _open(small_settings, counting_embedder)
    index.sync(chunks)
    report = index.sync(chunks, rebuild=True)
    assert report.rebuilt_because == "requested"
    assert report.embedded == _texts(chunks)
    assert index.stats().chunks == len(chunks)


def test_progress_reports_reach_the_total(small_settings: Settings, counting_embedder):
    calls: list[tuple[int, int]] = []
    _open(small_settings, counting_embedder).sync(_chunks(small_settings), progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] == _texts(_chunks(small_settings))


@pytest.mark.parametrize(
    ("question", "lang", "key"),
    [
        ("Who answers a complaint at the weekend?", "en", "listening"),
        ("Wer antwortet am Wochenende auf eine Beschwerde?", "de", "listening"),
        ("Which numbers should we measure instead of likes?", "en", "kpis"),
        ("Welche Kennzahlen sollen wir statt Likes messen?", "de", "kpis"),
    ],
)
def test_search_finds_the_article_in_the_question_s_language(
    small_settings: Settings, embedder, question: str, lang: str, key: str
):
    index = _open(small_settings, embedder)
    index.sync(_chunks(small_settings))
    best = retrieve(index, embedder.query_vector(question), lang, limit=3, question=question).hits[0]
    assert (best.key, best.lang) == (key, lang)
    assert 0.0 < best.score <= 1.0


def _collection_names(settings: Settings) -> set[str]:
    client, _ = open_client(settings)
    return {collection.name for collection in client.list_collections()}


def test_another_embedder_gets_a_fresh_index_and_the_old_one_is_dropped(
    small_settings: Settings, counting_embedder, other_embedder, caplog: pytest.LogCaptureFixture
):
    chunks = _chunks(small_settings)
    _open(small_settings, counting_embedder).sync(chunks)
    other = other_embedder
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.index"):
        index = _open(small_settings, other)
        report = index.sync(chunks)
    assert report.rebuilt_because and "test/e5-first-128-dims" in report.rebuilt_because
    assert "embedder changed" in caplog.text
    assert other.passages == report.embedded == _texts(chunks)
    fingerprint = embedder_fingerprint(other)
    assert _collection_names(small_settings) == {
        f"knowledge-{fingerprint}-chunks",
        f"knowledge-{fingerprint}-sentences",
        f"knowledge-{fingerprint}-questions",
    }
    assert index.sentence_table().vectors.shape == (sum(len(chunk.sentences) for chunk in chunks), 128)
    assert _best_key(index, other, "Welche Kennzahlen sollen wir statt Likes messen?", "de") == "kpis"


def test_switching_back_to_the_first_embedder_rebuilds_again_and_never_mixes(
    small_settings: Settings, embedder, counting_embedder, other_embedder
):
    chunks = _chunks(small_settings)
    _open(small_settings, counting_embedder).sync(chunks)
    _open(small_settings, other_embedder).sync(chunks)
    before = counting_embedder.passages
    index = _open(small_settings, counting_embedder)
    report = index.sync(chunks)
    assert report.rebuilt_because and report.embedded == _texts(chunks) == counting_embedder.passages - before
    assert _collection_names(small_settings) == {
        f"knowledge-{embedder_fingerprint(embedder)}-chunks",
        f"knowledge-{embedder_fingerprint(embedder)}-sentences",
        f"knowledge-{embedder_fingerprint(embedder)}-questions",
    }
    assert index.sentence_table().vectors.shape[1] == embedder.dimension


def test_a_garbage_database_file_is_moved_aside_and_rebuilt_with_a_warning(
    small_settings: Settings, embedder, caplog: pytest.LogCaptureFixture
):
    store = small_settings.data_dir / "chroma"
    store.mkdir(parents=True)
    (store / "chroma.sqlite3").write_bytes(b"this is not a database\x00\xff" * 100)
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.index"):
        coach = Coach(small_settings, embedder=embedder)
        report = coach.ensure_index()
    assert "damaged" in caplog.text and str(store) in caplog.text
    assert report is not None and report.embedded == _texts(_chunks(small_settings))
    assert [path.name for path in small_settings.data_dir.glob("chroma.broken-*")]
    assert coach.ask("Wer antwortet am Wochenende auf eine Beschwerde?").sources[0].id == "listening-de"


@pytest.mark.parametrize("lost", ["chunks", "sentences", "questions"])
def test_a_deleted_collection_is_rebuilt_with_a_warning(
    small_settings: Settings, embedder, counting_embedder, lost: str, caplog: pytest.LogCaptureFixture
):
    chunks = _chunks(small_settings)
    _open(small_settings, embedder).sync(chunks)
    client, _ = open_client(small_settings)
    client.delete_collection(f"knowledge-{embedder_fingerprint(embedder)}-{lost}")
    with caplog.at_level(logging.WARNING, logger="coach.knowledge.index"):
        coach = Coach(small_settings, embedder=counting_embedder)
        report = coach.ensure_index()
    assert lost in caplog.text
    assert report is not None and report.embedded == _texts(chunks)
    # and the reranker's tables, built once the index changed, embed each article's titles
    assert counting_embedder.passages == _texts(chunks) + len({(chunk.key, chunk.title) for chunk in chunks})
    assert coach.index.is_current(chunks)
    assert len(coach.index.sentence_table().texts) == sum(len(chunk.sentences) for chunk in chunks)
    assert coach.ask("Which numbers should we measure instead of likes?").sources[0].id == "kpis-en"


def test_a_current_index_is_not_synced_again(small_settings: Settings, counting_embedder):
    Coach(small_settings, embedder=counting_embedder).ensure_index()
    before = counting_embedder.passages
    assert Coach(small_settings, embedder=counting_embedder).ensure_index() is None
    assert counting_embedder.passages == before


def test_a_data_dir_that_cannot_be_created_names_the_directory_and_the_setting(tmp_path: Path, embedder):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    settings = Settings(data_dir=blocker / "data", knowledge_dirs=[])
    with pytest.raises(DataDirError) as raised:
        Coach(settings, embedder=embedder)
    assert str(blocker / "data") in str(raised.value)
    assert "COACH_DATA_DIR" in str(raised.value)


def test_the_data_dir_is_created_when_missing(tmp_path: Path, small_corpus: Path, embedder):
    settings = Settings(data_dir=tmp_path / "new" / "nested" / "data", knowledge_dirs=[small_corpus])
    coach = Coach(settings, embedder=embedder)
    assert (settings.data_dir / "chroma").is_dir()
    assert coach.index.stats().location == str(settings.data_dir / "chroma")


def test_stats_count_articles_and_passages(small_settings: Settings, embedder):
    chunks = _chunks(small_settings)
    index = _open(small_settings, embedder)
    index.sync(chunks)
    stats = index.stats()
    assert (stats.articles, stats.chunks, stats.embedder) == (4, len(chunks), embedder.name)
    assert stats.updated_at


QUESTIONS = '["Who replies when a customer is angry in the comments?", "Do we need a community manager?"]'
ROLES_BODY = "## Roles\nA community manager answers questions and passes complaints to the right team."


def test_an_article_s_questions_are_indexed_once_as_queries(
    small_settings: Settings, small_corpus: Path, counting_embedder, write_article: Callable[..., Path]
):
    write_article(small_corpus, "roles-en", "roles", "en", "Roles", ROLES_BODY, questions=QUESTIONS)
    chunks = _chunks(small_settings)
    index = _open(small_settings, counting_embedder)
    report = index.sync(chunks)
    table = index.question_table()
    assert sorted(table.texts) == [
        "Do we need a community manager?",
        "Who replies when a customer is angry in the comments?",
    ]
    assert set(table.chunk_ids) == {"roles-en#0"} and table.vectors.shape == (2, counting_embedder.dimension)
    assert counting_embedder.queries == 2  # a question is compared with a question: embedded as a query
    assert report.embedded == _texts(chunks) == counting_embedder.passages + 2


def test_changing_only_the_questions_re_embeds_only_the_first_passage(
    small_settings: Settings, small_corpus: Path, counting_embedder, write_article: Callable[..., Path]
):
    path = write_article(small_corpus, "roles-en", "roles", "en", "Roles", ROLES_BODY, questions=QUESTIONS)
    index = _open(small_settings, counting_embedder)
    index.sync(_chunks(small_settings))
    path.write_text(path.read_text().replace("Do we need", "Why hire"), encoding="utf-8")
    report = index.sync(_chunks(small_settings))
    assert (report.added, report.changed, report.removed) == ([], ["roles-en#0"], [])
    assert "Why hire a community manager?" in index.question_table().texts
    assert "Do we need a community manager?" not in index.question_table().texts


def test_an_article_s_questions_raise_its_score_and_are_never_quoted(
    small_settings: Settings, small_corpus: Path, embedder, write_article: Callable[..., Path]
):
    question = "Who replies when a customer is angry in the comments?"
    path = write_article(small_corpus, "roles-en", "roles", "en", "Roles", ROLES_BODY)
    coach = Coach(small_settings, embedder=embedder)
    coach.ensure_index()
    without = _article_score(coach.index, embedder, question, "roles")
    path.unlink()
    write_article(small_corpus, "roles-en", "roles", "en", "Roles", ROLES_BODY, questions=QUESTIONS)
    coach.ensure_index()
    assert _article_score(coach.index, embedder, question, "roles") > without
    answer = coach.ask(question)
    assert "Do we need a community manager" not in answer.text and question not in answer.text


def test_articles_without_questions_still_answer_what_they_cover(small_settings: Settings, embedder):
    coach = Coach(small_settings, embedder=embedder)  # no article of the small corpus names questions
    coach.ensure_index()
    answer = coach.ask("Who answers a complaint on a Saturday evening, and who decides when it is a crisis?")
    assert answer.grounded and answer.sources[0].key == "listening"


def _article_score(index: KnowledgeIndex, embedder, question: str, key: str) -> float:
    return retrieve(index, embedder.query_vector(question), "en", 40, question).scores[key]


def test_after_preparing_retrieval_the_first_answer_embeds_only_the_question(
    small_settings: Settings, counting_embedder
):
    coach = Coach(small_settings, embedder=counting_embedder)
    coach.ensure_index()
    prepare(coach.index)  # what Coach.warm_up does for retrieval, without the scorer
    passages, queries = counting_embedder.passages, counting_embedder.queries
    coach.ask("Who answers a complaint on a Saturday evening?")
    assert (counting_embedder.passages, counting_embedder.queries) == (passages, queries + 1)


def test_a_question_worded_like_an_example_question_matches_it_letter_by_letter(
    small_settings: Settings, small_corpus: Path, embedder, write_article: Callable[..., Path]
):
    write_article(small_corpus, "roles-en", "roles", "en", "Roles", ROLES_BODY, questions=QUESTIONS)
    coach = Coach(small_settings, embedder=embedder)
    coach.ensure_index()
    query, vector = coach.query("do we realy need a comunity managr?", "en")  # typed in a hurry
    features = candidate_features(coach.index, vector, query)[2]
    grams = FEATURES.index("question grams")
    assert features["roles"][grams] == pytest.approx(1.0), "the best example question of the index scores 1"
    assert all(vector[grams] < 1.0 for key, vector in features.items() if key != "roles")
