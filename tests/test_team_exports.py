"""The team report's exports (issue 21): the PDF with its dot chart, and `team report --format` on the command line."""

import io
import json
import re

import pytest
from pypdf import PdfReader

from coach.cli import main
from coach.config import Settings
from coach.diagnostic.dialogue import DialogueState
from coach.diagnostic.team import Respondent, team_report
from coach.knowledge.readiness_keys import MODEL_FILE
from coach.readiness.model import load_model
from coach.readiness.rules import Evidence
from coach.records.access import Viewer
from coach.records.rounds import TeamRounds
from coach.records.store import Store
from coach.records.team_pdf import team_report_pdf
from tests.support.store_support import sample_conversation

MODEL = load_model(MODEL_FILE)
LINK = re.compile(r"\?team=([A-Za-z0-9_-]{43})$", re.MULTILINE)
CIRCLE = re.compile(rb"(?:[-\d.]+ ){6}c\n(?:[-\d.]+ ){6}c\n(?:[-\d.]+ ){6}c\n(?:[-\d.]+ ){6}c B\n")
"""fpdf2 draws a filled circle with an outline as four Bézier curves (c) closed by a fill-and-stroke (B)."""


def state(*items: tuple[str, int, str]) -> DialogueState:
    return DialogueState(
        "en", evidence=tuple(Evidence(k, level, 0.8, q, turn=n) for n, (k, level, q) in enumerate(items))
    )


TEAM = [
    Respondent("Anna", "Marketing", state(("roles", 3, "Every channel has an owner."), ("presence", 2, "We post."))),
    Respondent("Ben", "Service", state(("roles", 1, "Nobody answers complaints."), ("presence", 2, "We post too."))),
    Respondent("Cara", "Sales", state(("roles", 1, "No owner."), ("processes", 2, "There is a plan."))),
]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def circles(data: bytes) -> int:
    return sum(len(CIRCLE.findall(page.get_contents().get_data())) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_opens_and_draws_one_dot_per_known_level_with_its_axis_and_legend():
    report = team_report(TEAM)
    data = team_report_pdf(MODEL, report, "Social Media Q1", "r1", "en")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Team report: Social Media Q1" in text and "Each colleague's level per dimension" in text
    assert all(f"level {level}" in text for level in range(4))
    assert "1 Anna (Marketing); 2 Ben (Service); 3 Cara (Sales)" in text
    assert "Roles: Anna (Marketing) (level 3)" not in text  # the pair line uses the dimension's full name
    assert "Every channel has an owner." in text and "What to discuss" in text
    known = sum(len(spread.known) for spread in report.dimensions)  # roles 3, presence 2, processes 1
    assert known == 6 and circles(data) == known


def test_the_german_pdf_and_a_pdf_without_enough_answers_draw_no_dots():
    german = team_report_pdf(MODEL, team_report(TEAM), "Q1", "r1", "de")
    assert "Stufe jeder Kollegin" in pdf_text(german) and circles(german) == 6
    alone = team_report_pdf(MODEL, team_report(TEAM[:1]), "Q1", "r1", "de")
    assert circles(alone) == 0 and "mindestens zwei" in pdf_text(alone)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def joined(token: str, name: str, role: str, purpose: str, *said: tuple[str, int, str]) -> None:
    store = Store(Settings().store_url)
    conversation = sample_conversation()
    conversation.dialogue = DialogueState("en", evidence=state(*said).evidence)
    viewer = Viewer("anonymous", holds=frozenset({conversation.id}))
    store.save(conversation, 0, viewer=viewer)
    rounds = TeamRounds(store)
    rounds.join(token, conversation.id, name, role, viewer=viewer, links="public")
    rounds.record_purpose(token, conversation.id, purpose, viewer=viewer, links="public")
    store.close()


def closed_round(capsys, *create: str) -> str:
    code, out, err = run(capsys, "team", "create", "Q1 – Stadtwerke", *create)
    assert code == 0, err
    round_id, token = out.splitlines()[0], LINK.search(out).group(1)
    joined(token, "Annegret", "Marketing", "To find apprentices.", ("roles", 3, "Every channel has an owner."))
    joined(token, "Bertram", "Service", "Um Auszubildende zu gewinnen.", ("roles", 1, "Nobody answers complaints."))
    assert run(capsys, "team", "close", round_id)[0] == 0
    return round_id


def test_team_report_formats_on_the_command_line(capsys, tmp_path):
    round_id = closed_round(capsys)
    code, out, err = run(capsys, "team", "report", round_id, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["quotes_side_by_side"][0]["high"]["name"] == "Annegret"
    assert data["recall"]["similarity"] is not None and len(data["recall"]["answers"]) == 2
    assert json.loads(run(capsys, "team", "report", round_id, "--json")[1]) == data
    markdown = run(capsys, "team", "report", round_id, "--format", "markdown")[1]
    assert (
        markdown
        == run(capsys, "team", "report", round_id, "--markdown")[1]
        == run(capsys, "team", "report", round_id)[1]
    )
    assert "## What to discuss" in markdown and "“Um Auszubildende zu gewinnen.”" in markdown
    target = tmp_path / "report.pdf"
    code, out, err = run(capsys, "team", "report", round_id, "--format", "pdf", "-o", str(target), "--lang", "de")
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert "Teambericht: Q1 – Stadtwerke" in pdf_text(target.read_bytes()) and circles(target.read_bytes()) == 2
    code, _, err = run(capsys, "team", "report", round_id, "--format", "pdf", "-o", str(tmp_path))
    assert code == 2 and err.startswith("error:")
    with pytest.raises(SystemExit) as usage:
        main(["team", "report", round_id, "--format", "pdf", "--json"])
    assert usage.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_a_round_created_roles_only_and_with_a_closing_date_hides_names_in_every_format(capsys, tmp_path):
    round_id = closed_round(capsys, "--roles-only", "--closes", "2099-12-31")
    for form in ("markdown", "json"):
        out = run(capsys, "team", "report", round_id, "--format", form)[1]
        assert "Annegret" not in out and "Bertram" not in out and "Marketing" in out
    target = tmp_path / "roles.pdf"
    assert run(capsys, "team", "report", round_id, "--format", "pdf", "-o", str(target))[0] == 0
    text = pdf_text(target.read_bytes())
    assert "Annegret" not in text and "Bertram" not in text and "Service" in text
    code, _, err = run(capsys, "team", "create", "Late", "--closes", "2001-01-01")
    assert code == 2 and "closing date" in err
