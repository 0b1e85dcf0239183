"""Server mode: the same sync and search against a real `chroma run` on loopback."""

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.config import Settings
from coach.errors import IndexUnavailable
from coach.knowledge.articles import chunk_articles, load_articles
from coach.knowledge.index import KnowledgeIndex
from coach.retrieval.reranker import retrieve
from coach.session.coach import Coach
from tests.support.processes import stop

pytestmark = pytest.mark.server

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def chroma_port(tmp_path: Path) -> Iterator[int]:
    """A real Chroma server on a free loopback port, stopped after the test."""
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    command = [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(tmp_path / "server")]
    server = subprocess.Popen([*command, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _heartbeat(port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        stop(server, timeout=10)
        log.close()


def test_sync_and_search_work_against_a_chroma_server(
    chroma_port: int, small_settings: Settings, counting_embedder, tmp_path: Path
):
    settings = small_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma_port})
    chunks = chunk_articles(load_articles(settings.knowledge_dirs))
    index = KnowledgeIndex.open(settings, counting_embedder)
    assert index.location == f"http://127.0.0.1:{chroma_port}"

    report = index.sync(chunks)
    assert len(report.added) == len(chunks) and report.embedded == counting_embedder.passages
    question = "Wer antwortet am Samstag auf Beschwerden?"
    hits = retrieve(index, counting_embedder.query_vector(question), "de", 3, question=question).hits
    assert (hits[0].key, hits[0].lang) == ("listening", "de")

    again = KnowledgeIndex.open(settings, counting_embedder).sync(chunks)
    assert again.nothing_changed and again.embedded == 0
    assert not (tmp_path / "data").exists(), "server mode keeps nothing in the data directory"


def test_the_coach_answers_from_a_chroma_server(chroma_port: int, small_settings: Settings, embedder):
    settings = small_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma_port})
    coach = Coach(settings, embedder=embedder)
    assert coach.ensure_index() is not None
    answer = coach.ask("Which numbers should we measure instead of likes?")
    assert answer.sources and answer.sources[0].id == "kpis-en"


def test_a_chroma_server_that_does_not_answer_is_explained(small_settings: Settings, embedder):
    settings = small_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": _free_port()})
    with pytest.raises(IndexUnavailable, match="CHROMA_HOST"):
        KnowledgeIndex.open(settings, embedder)
