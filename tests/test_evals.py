"""The eval sets themselves: every entry is well formed and points at what exists."""

import re
from pathlib import Path

import pytest
import yaml

from bench.diagnostic import OFFTOPIC_FILES
from bench.evals import EVALS, PERSONA_FILES, STAGE_NUMBER, load_personas
from bench.main import QUESTION_SETS, load_questions
from coach.config import Settings
from coach.knowledge.articles import load_articles
from coach.readiness.model import Label, load_corpus
from coach.text import split_sentences


def test_every_question_expects_articles_that_exist():
    keys = {article.meta.key for article in load_articles(Settings().knowledge_dirs)}
    questions = [
        item for path in (*QUESTION_SETS, EVALS / "retrieval" / "tuning-dev3.yaml") for item in load_questions(path)
    ]
    assert len({item.id for item in questions}) == len(questions)
    for item in questions:
        assert item.lang in {"de", "en"}, item.id
        assert re.fullmatch(r"(dev|heldout)\d*", item.split), item.id
        assert 1 <= len(item.expected) <= 2 and set(item.expected) <= keys, item.id


@pytest.mark.parametrize("path", PERSONA_FILES, ids=lambda path: path.name)
def test_every_persona_has_a_stage_a_language_and_a_text(path: Path):
    personas = load_personas(path)
    assert len({persona.id for persona in personas}) == len(personas)
    for persona in personas:
        assert persona.stage in STAGE_NUMBER and persona.lang in {"de", "en"} and persona.text.strip(), persona.id


def test_the_persona_ids_are_unique_across_sets():
    ids = [persona.id for path in PERSONA_FILES for persona in load_personas(path)]
    assert len(ids) == len(set(ids))


def test_the_sentence_labels_of_dev4_match_its_personas():
    personas = {persona.id: persona for persona in load_personas(EVALS / "personas" / "dev4.yaml")}
    with (EVALS / "sentences" / "dev4.yaml").open(encoding="utf-8") as handle:
        labelled = yaml.safe_load(handle)
    assert {item["id"] for item in labelled} == set(personas)
    for item in labelled:
        texts = [sentence["text"] for sentence in item["sentences"]]
        assert texts == split_sentences(personas[item["id"]].text), item["id"]
        for sentence in item["sentences"]:
            labels = [Label.model_validate(label) for label in sentence["evidence"] or []]
            assert len(labels) <= 3 and not (labels and sentence.get("aspiration")), sentence["text"]


def test_the_sentence_labels_written_for_measuring_the_scorer_are_well_formed():
    sentences = load_corpus(EVALS / "sentences" / "cc.yaml")
    assert len({sentence.description for sentence in sentences}) == 96
    assert len({sentence.id for sentence in sentences}) == len(sentences)
    assert all(len(sentence.evidence) <= 3 for sentence in sentences)
    assert {sentence.lang for sentence in sentences} == {"de", "en"}


def test_every_offtopic_question_has_a_unique_id_a_language_and_a_text():
    entries = [entry for path in OFFTOPIC_FILES for entry in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert len(OFFTOPIC_FILES) >= 2 and len(entries) >= 140
    assert len({entry["id"] for entry in entries}) == len(entries)
    for entry in entries:
        assert entry["lang"] in {"de", "en"} and entry["question"].strip(), entry["id"]
        assert entry.get("split", "dev") in {"dev", "heldout"}, entry["id"]
