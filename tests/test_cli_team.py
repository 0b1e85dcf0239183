"""`python -m coach team create|list|status|close|revoke|report` on the local store (the machine's owner)."""

import json
import re

import pytest

from coach.cli import main
from coach.config import Settings
from coach.diagnostic.dialogue import DialogueState
from coach.readiness.rules import Evidence
from coach.records.access import Viewer
from coach.records.rounds import TeamRounds
from coach.records.store import Store
from tests.support.processes import run_coach
from tests.support.store_support import sample_conversation

LINK = re.compile(r"^http://localhost:8501/\?team=([A-Za-z0-9_-]{43})$", re.MULTILINE)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def join(token: str, name: str, role: str | None, *said: tuple[str, int, str]) -> None:
    """A colleague's own conversation (an anonymous session holding it) joined to the round of `token`."""
    store = Store(Settings().store_url)
    conversation = sample_conversation()
    evidence = tuple(Evidence(key, level, 0.8, quote, turn=n) for n, (key, level, quote) in enumerate(said))
    conversation.dialogue = DialogueState("de", evidence=evidence)
    viewer = Viewer("anonymous", holds=frozenset({conversation.id}))
    store.save(conversation, 0, viewer=viewer)
    TeamRounds(store).join(token, conversation.id, name, role, viewer=viewer, links="public")
    store.close()


def created(capsys, *args: str) -> tuple[str, str]:
    code, out, err = run(capsys, "team", "create", *args)
    assert code == 0, err
    round_id = out.splitlines()[0]
    return round_id, LINK.search(out).group(1)


def test_a_round_from_create_to_the_report(capsys):
    round_id, token = created(capsys, "Social Media Q1 – Stadtwerke", "--roles", "Marketing", "Service")
    join(token, "Anna", "Marketing", ("presence", 2, "Wir posten."), ("roles", 3, "Jeder Kanal hat eine Owner."))
    join(token, "Ben", "service", ("presence", 2, "We post."), ("roles", 1, "Nobody tells us who answers."))

    code, out, _ = run(capsys, "team", "list")
    assert code == 0 and round_id in out and "open  2 answer(s)" in out and "Social Media Q1 – Stadtwerke" in out
    code, out, _ = run(capsys, "team", "status", round_id)
    assert "Anna (Marketing)" in out and "Ben (Service)" in out and "Owner" not in out  # who, not what

    code, _, err = run(capsys, "team", "report", round_id)
    assert code == 2 and "still open" in err and f"team close {round_id}" in err
    assert run(capsys, "team", "close", round_id)[0] == 0

    code, out, err = run(capsys, "team", "report", round_id)
    assert code == 0, err
    assert out.startswith("# Team report: Social Media Q1 – Stadtwerke") and "2 of 2 colleagues answered" in out
    assert "agreement r_wg 0, spread 2 level(s)" in out  # roles 3 vs 1: s² = 2 > 1.25
    code, out, _ = run(capsys, "team", "report", round_id, "--markdown", "--lang", "de")
    assert out.startswith("# Teambericht:") and "Übereinstimmung r_wg 0," in out
    code, out, _ = run(capsys, "team", "report", round_id, "--json")
    data = json.loads(out)
    assert data["round"] == {"id": round_id, "name": "Social Media Q1 – Stadtwerke"}
    assert data["dimensions"][0]["dimension"] == "roles" and data["dimensions"][0]["spread"] == 2
    assert data["role_gaps"][0]["higher_role"] == "Marketing" and data["role_gaps"][0]["lower_role"] == "Service"


def test_a_closed_round_with_one_answer_says_a_report_needs_two(capsys):
    round_id, token = created(capsys, "Allein")
    join(token, "Anna", None, ("roles", 2, "Lea ist zuständig."))
    run(capsys, "team", "close", round_id)
    code, out, _ = run(capsys, "team", "report", round_id)
    assert code == 0 and "1 of 1 colleagues answered" in out and "at least two colleagues" in out


def test_bad_input_on_the_command_line(capsys):
    code, _, err = run(capsys, "team", "report", "0" * 32)
    assert code == 2 and "No team round with id" in err
    code, _, err = run(capsys, "team", "create", "\x1b\x07 ")
    assert code == 2 and "visible character" in err
    round_id, _ = created(capsys, "Q1")
    assert run(capsys, "team", "revoke", round_id)[0] == 0
    code, _, err = run(capsys, "team", "revoke", round_id)
    assert code == 2 and "revoked already" in err
    code, out, _ = run(capsys, "team", "list")
    assert "link revoked" in out


def test_no_invitation_links_when_share_links_are_off(capsys, monkeypatch):
    monkeypatch.setenv("COACH_SHARE_LINKS", "off")
    code, out, err = run(capsys, "team", "create", "Q1")
    assert code == 2 and "switched off" in err and out == ""


def test_the_command_line_in_a_process(tmp_path):
    data_dir = tmp_path / "data"
    made = run_coach("team", "create", "Quartal 1", "--roles", "Vertrieb", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    round_id = made.stdout.splitlines()[0]
    assert LINK.search(made.stdout)
    listed = run_coach("team", "list", data_dir=data_dir)
    assert listed.returncode == 0 and round_id in listed.stdout and "Quartal 1" in listed.stdout


@pytest.mark.parametrize("command", [["team"], ["team", "report"], ["team", "report", "x", "--json", "--markdown"]])
def test_incomplete_team_commands_are_usage_errors(capsys, command):
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 2


MARKETING_DE = [
    "Wir haben ein Social-Media-Team mit drei Leuten, jeder Kanal hat eine verantwortliche Person.",
    "Es gibt ein festes Budget für Tools, Anzeigen und Schulungen.",
    "Jeder Beitrag läuft über einen Redaktionsplan mit Freigabe, und Beschwerden werden an den Service eskaliert.",
    "Die Abteilungen stimmen sich über unser zentrales Team ab und halten sich an gemeinsame Richtlinien.",
]
SERVICE_EN = [
    "We have Instagram and LinkedIn and post when someone finds the time.",
    "Nobody really owns it, it is a side job for our office manager.",
    "There is no budget for social media at all.",
    "Each department opened its own accounts and nobody coordinates them.",
]


def test_two_colleagues_answer_in_the_terminal_and_the_report_shows_where_they_differ(
    capsys, monkeypatch, knowledge_data_dir, tmp_path
):
    monkeypatch.setenv("COACH_DATA_DIR", str(knowledge_data_dir))  # the session's index; the store elsewhere
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'team.db'}")
    round_id, token = created(capsys, "Social Media Q1", "--roles", "Marketing", "Service")
    for name, role, lines in (("Anna", "Marketing", MARKETING_DE), ("Ben", "Service", SERVICE_EN)):
        answers = tmp_path / f"{name}.txt"
        answers.write_text("\n".join(lines), encoding="utf-8")
        code, out, err = run(capsys, "team", "answer", token, "--name", name, "--role", role, "--answers", str(answers))
        assert code == 0, err
        assert f"answered team round {round_id}" in err and out.strip()  # the dialogue was shown
    code, _, err = run(capsys, "team", "answer", token, "--name", "Cara", "--role", "HR", "--answers", str(answers))
    assert code == 2 and "Unknown role HR" in err  # refused before the first question: nothing printed
    run(capsys, "team", "close", round_id)
    code, out, err = run(capsys, "team", "report", round_id, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [(r["name"], r["role"]) for r in data["respondents"]] == [("Anna", "Marketing"), ("Ben", "Service")]
    stages = {r["name"]: r["stage"] for r in data["respondents"]}
    assert stages["Anna"] >= 2 and stages["Ben"] <= 1
    first = data["dimensions"][0]
    assert first["disagreement"] and first["dimension"] in ("roles", "resources", "coordination", "processes")
    levels = {level["name"]: level["level"] for level in first["levels"]}
    assert levels["Anna"] >= 2 > levels["Ben"]
    assert data["role_gaps"] and all(gap["higher_role"] == "Marketing" for gap in data["role_gaps"])
