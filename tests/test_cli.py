"""The command line contract of DESIGN.md, run as other tools run it: `python -m coach` in a subprocess."""

import json
from pathlib import Path

import pytest

from tests.support.processes import run_coach


def test_ask_json_has_exactly_the_documented_fields(knowledge_data_dir: Path):
    result = run_coach(
        "ask", "Was ist der Unterschied zwischen Strategie und Maßnahmenplan?", "--json", data_dir=knowledge_data_dir
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) - {"notices"} == {"answer", "sources", "mode", "lang"}
    assert (data["mode"], data["lang"]) == ("offline", "de")
    assert isinstance(data["answer"], str) and "[1]" in data["answer"]
    assert data["sources"], "a grounded answer lists its sources"
    for source in data["sources"]:
        assert set(source) == {"id", "title", "lang", "text", "score"}
        assert isinstance(source["score"], float) and 0 < source["score"] <= 1
        assert source["lang"] == "de" and source["text"] and source["title"]


def test_ask_prints_the_answer_and_numbered_sources(knowledge_data_dir: Path):
    result = run_coach("ask", "Is posting three times a week a strategy?", data_dir=knowledge_data_dir)
    assert result.returncode == 0, result.stderr
    answer, _, sources = result.stdout.partition("\n\n")
    assert "[1]" in answer
    assert sources.splitlines()[0].startswith("[1] ")


def test_ask_json_of_an_off_topic_question_has_no_sources(knowledge_data_dir: Path):
    result = run_coach("ask", "Can you give me a good pizza recipe?", "--json", data_dir=knowledge_data_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["sources"], data["lang"]) == ([], "en")


def test_ask_json_of_a_long_question_carries_a_notice(knowledge_data_dir: Path):
    question = "Is posting three times a week on Instagram a strategy? " * 100
    result = run_coach("ask", question, "--json", data_dir=knowledge_data_dir)
    assert result.returncode == 0, result.stderr
    notices = json.loads(result.stdout)["notices"]
    # The cut is said once; the question read out of the long message is said too ("I read this as: ...").
    assert len([notice for notice in notices if "4000" in notice]) == 1


@pytest.mark.parametrize("question", ["", "   ", "\t\n ", "\x07\x1b", "\u200b\u200d"])
def test_an_empty_question_exits_2_with_one_line_on_stderr(question: str):
    result = run_coach("ask", question)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["error: the question is empty"]


def test_an_empty_question_fails_before_touching_the_data_dir(tmp_path: Path):
    result = run_coach("ask", "   ", data_dir=tmp_path / "untouched")
    assert result.returncode == 2
    assert not (tmp_path / "untouched").exists()


def test_ingest_twice_says_nothing_changed_the_second_time(knowledge_data_dir: Path):
    run_coach("ingest", data_dir=knowledge_data_dir)  # catches up if an article changed since the session began
    result = run_coach("ingest", data_dir=knowledge_data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing changed")
    assert "nothing was embedded" in result.stdout


def test_ingest_of_an_extra_folder_lists_what_was_added_and_rebuild_starts_over(
    tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("COACH_KNOWLEDGE_DIRS", json.dumps([str(tmp_path / "empty")]))  # only the extra folder
    result = run_coach("ingest", str(small_corpus))
    assert result.returncode == 0, result.stderr
    assert "added    kpis-de (2 passages)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].startswith("8 added, 0 changed, 0 removed, 0 unchanged passages;")
    rebuilt = run_coach("ingest", str(small_corpus), "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.splitlines()[0] == "rebuilt: requested"


def test_ingest_of_an_unknown_folder_exits_2_naming_it(tmp_path: Path):
    missing = tmp_path / "no-such-folder"
    result = run_coach("ingest", str(missing))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and str(missing) in line


def test_a_data_dir_that_cannot_be_created_exits_1_naming_it_and_the_setting(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = run_coach("ask", "What is a strategy?", data_dir=blocker / "data")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert str(blocker / "data") in line and "COACH_DATA_DIR" in line


def test_an_unknown_command_exits_2():
    result = run_coach("teach")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
