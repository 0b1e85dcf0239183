"""The readiness model as data: complete in both languages, and consistent with the articles."""

from pathlib import Path

import pytest

from bench.evals import PERSONA_FILES, load_personas
from coach.config import PROJECT_ROOT, Settings
from coach.knowledge.readiness_keys import CORE_DIMENSIONS, DIMENSION_KEYS, STAGE_KEYS
from coach.readiness.model import load_corpus, load_model

MODEL = load_model(Settings().readiness_file)
ARTICLES = PROJECT_ROOT / "knowledge" / "articles"
LANGS = ("en", "de")


def article_exists(key: str) -> bool:
    return all((ARTICLES / lang / f"{key}.md").is_file() for lang in LANGS)


def test_the_model_has_the_four_stages_and_eight_dimensions_in_order() -> None:
    assert tuple(stage.key for stage in MODEL.stages) == STAGE_KEYS
    assert [stage.number for stage in MODEL.stages] == [0, 1, 2, 3]
    assert tuple(dimension.key for dimension in MODEL.dimensions) == DIMENSION_KEYS
    assert set(CORE_DIMENSIONS) < set(DIMENSION_KEYS)


@pytest.mark.parametrize("stage", MODEL.stages, ids=lambda stage: stage.key)
@pytest.mark.parametrize("lang", LANGS)
def test_every_stage_is_described_in_both_languages(stage, lang: str) -> None:
    assert stage.name(lang).strip()
    assert len(stage.summary(lang)) > 40
    assert article_exists(stage.article)


@pytest.mark.parametrize("dimension", MODEL.dimensions, ids=lambda dimension: dimension.key)
@pytest.mark.parametrize("lang", LANGS)
def test_every_dimension_is_complete_in_both_languages(dimension, lang: str) -> None:
    assert dimension.name(lang).strip() and dimension.short(lang).strip() and dimension.description(lang).strip()
    assert {1, 2, 3} <= set(dimension.levels)
    assert all(text(lang).strip() for text in dimension.levels.values())
    assert 1 <= len(dimension.questions) <= 2
    for question in dimension.questions:
        assert question.id.startswith(f"{dimension.key}-")
        assert question.text(lang).rstrip().endswith("?")
        assert 3 <= len(question.replies) <= 4
        assert all(reply.level in dimension.levels and reply(lang).strip() for reply in question.replies)
    for level, examples in dimension.examples.items():
        assert level in dimension.levels
        assert len(getattr(examples, lang)) >= 10, f"{dimension.key} level {level} needs examples in {lang}"


@pytest.mark.parametrize("dimension", MODEL.dimensions, ids=lambda dimension: dimension.key)
def test_every_next_step_cites_an_article_that_exists(dimension) -> None:
    assert article_exists(dimension.article)
    for level, step in dimension.next_steps.items():
        assert level in dimension.levels and level < 3
        assert step.en.strip() and step.de.strip()
        assert article_exists(step.article or dimension.article)


def test_small_talk_examples_exist_in_both_languages() -> None:
    assert len(MODEL.background.en) >= 10 and len(MODEL.background.de) >= 10


def test_a_broken_model_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    broken = tmp_path / "readiness.yaml"
    broken.write_text("version: 1\nstages: []\ndimensions: []\nbackground: {en: [], de: []}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="stages must be"):
        load_model(broken)


@pytest.mark.parametrize(
    ("text", "lang", "named"),
    [
        (
            "Wie kommen wir von Stufe 1 auf Stufe 2?",
            "de",
            "Stufe 1 (Bolt-On) auf Stufe 2 (Optimizing your Social Media",
        ),
        ("What does stage 3 look like?", "en", "stage 3 (Optimizing your business) look"),
        ("Are we in Phase 0?", "en", "Phase 0 (Not started)?"),
    ],
)
def test_a_stage_number_gets_the_stage_s_name(text: str, lang: str, named: str):
    assert named in MODEL.with_stage_names(text, lang)


@pytest.mark.parametrize("text", ["We have 3 stages of approval", "level 2 of our building", "stage 7", "Stufe3x"])
def test_text_without_a_stage_number_is_left_alone(text: str):
    assert MODEL.with_stage_names(text, "en") == text


def test_the_corpus_loads_and_its_ids_are_unique():
    corpus = load_corpus(Settings().readiness_corpus_file)
    assert len(corpus) >= 400
    assert len({sentence.id for sentence in corpus}) == len(corpus)
    assert {sentence.lang for sentence in corpus} == {"de", "en"}


def test_the_corpus_holds_no_sentence_of_a_held_out_persona():
    """Sentences of the eval personas may teach the scorer only when they come from a tuning split."""
    splits = {persona.id: persona.split for path in PERSONA_FILES for persona in load_personas(path)}
    for sentence in load_corpus(Settings().readiness_corpus_file):
        assert splits.get(sentence.description, "dev").startswith("dev"), sentence.id


def test_a_broken_corpus_is_reported_with_its_path(tmp_path: Path):
    path = tmp_path / "corpus.yaml"
    path.write_text("- id: x\n  lang: fr\n  text: hello\n", encoding="utf-8")
    with pytest.raises(ValueError, match=str(path)):
        load_corpus(path)
