"""The team report's pure functions, against values computed by hand (in the comments)."""

import pytest

from coach.diagnostic.dialogue import DialogueState
from coach.diagnostic.team import Respondent, RoleGap, rwg, team_report
from coach.diagnostic.team_render import number, render_team_report, team_report_json
from coach.knowledge.readiness_keys import MODEL_FILE
from coach.readiness.model import load_model
from coach.readiness.rules import Evidence

MODEL = load_model(MODEL_FILE)


def said(lang: str, *items: tuple[str, int, float, str]) -> DialogueState:
    evidence = tuple(
        Evidence(key, level, confidence, quote, turn=turn) for turn, (key, level, confidence, quote) in enumerate(items)
    )
    return DialogueState(lang, evidence=evidence)


ANNA = Respondent(
    "Anna",
    "Marketing",
    said(
        "de",
        ("presence", 2, 0.9, "Wir posten jede Woche."),
        ("roles", 3, 0.8, "Jeder Kanal hat eine benannte Verantwortliche."),
        ("processes", 2, 0.7, "Freigaben laufen über einen Redaktionsplan."),
        ("resources", 2, 0.6, "Wir haben ein festes Budget."),
        ("coordination", 2, 0.6, "Wir stimmen uns wöchentlich ab."),
    ),
)
BEN = Respondent(
    "Ben",
    "Service",
    said(
        "en",
        ("presence", 2, 0.9, "We post every week."),
        ("roles", 1, 0.8, "Nobody tells us who answers complaints."),
        ("processes", 2, 0.7, "There is an approval workflow."),
        ("resources", 2, 0.6, "There is a budget."),
        ("coordination", 1, 0.5, "Every department posts on its own."),
    ),
)
CARA = Respondent(
    "Cara",
    "Service",
    said(
        "de",
        ("roles", 1, 0.9, "Wer Beschwerden beantwortet, weiß keiner."),
        ("processes", 2, 0.6, "Es gibt einen Redaktionsplan."),
        ("resources", 1, 0.6, "Zeit dafür hat niemand."),
    ),
)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([2, 2, 2], 1.0),  # no variance
        ([1, 2], 0.6),  # s² = 0.5; 1 - 0.5/1.25
        ([2, 2, 1], 0.733),  # s² = 1/3; 1 - 0.2667
        ([3, 1, 1], 0.0),  # s² = 4/3 > 1.25: more spread than chance, clipped to 0
        ([0, 3], 0.0),  # s² = 4.5
        ([0, 1, 2, 3], 0.0),  # s² = 5/3
        ([2, 2, 2, 3], 0.8),  # s² = 0.25; 1 - 0.2
        ([2], None),  # agreement needs two
        ([], None),
    ],
)
def test_rwg_on_the_four_point_scale(levels, expected):
    assert rwg(levels) == expected


def test_each_dimension_has_everyones_level_its_spread_and_agreement_most_disagreement_first():
    report = team_report([ANNA, BEN, CARA])
    by_key = {spread.dimension: spread for spread in report.dimensions}
    assert [(s.dimension, s.agreement, s.spread) for s in report.dimensions[:5]] == [
        ("roles", 0.0, 2),  # 3, 1, 1
        ("coordination", 0.6, 1),  # 2, 1 (Cara said nothing about it)
        ("resources", 0.733, 1),  # 2, 2, 1
        ("presence", 1.0, 0),  # 2, 2: ties in agreement keep the model's order
        ("processes", 1.0, 0),  # 2, 2, 2
    ]
    assert [s.dimension for s in report.dimensions[5:]] == ["alignment", "integration", "culture"]
    assert all(s.agreement is None and s.spread is None for s in report.dimensions[5:])
    assert [s.dimension for s in report.dimensions if s.disagreement] == ["roles", "coordination"]
    assert [(p.name, p.level) for p in by_key["roles"].positions] == [("Anna", 3), ("Ben", 1), ("Cara", 1)]
    assert [p.level for p in by_key["coordination"].positions] == [2, 1, None]
    assert by_key["roles"].positions[1].quote == "Nobody tells us who answers complaints."


def test_the_team_stage_comes_from_everyones_evidence_by_the_same_rules():
    report = team_report([ANNA, BEN, CARA])
    assert [r.assessment.stage for r in report.respondents] == [2, 1, 1]
    # Combined roles: level 3 weighs 0.8, level 1 weighs 0.8 + 0.9 = 1.7: level 1 with confidence 1.7/2.5 = 0.68,
    # clearer than the second-clearest practice (resources 1.2/1.8 = 0.667), so the core deficit holds: stage 1.
    assert report.team.stage == 1
    assert report.team.dimensions["roles"].level == 1 and report.team.dimensions["roles"].confidence == 0.68
    assert report.team.dimensions["resources"].level == 2
    assert report.answered == 3 and report.enough


def test_roles_that_differ_by_a_full_level_are_listed_largest_gap_first():
    report = team_report([ANNA, BEN, CARA])
    # roles: Marketing 3 vs Service (1 + 1)/2 = 1; coordination: 2 vs 1; resources: 2 vs (2 + 1)/2 = 1.5 is no gap
    assert report.role_gaps == [
        RoleGap("roles", "Marketing", 3, "Service", 1),
        RoleGap("coordination", "Marketing", 2, "Service", 1),
    ]
    assert report.role_gaps[0].gap == 2


def test_respondents_without_roles_show_no_role_gaps():
    unnamed = [Respondent(r.name, None, r.state) for r in (ANNA, BEN, CARA)]
    assert team_report(unnamed).role_gaps == []


def test_a_reading_too_unclear_to_decide_a_stage_is_not_counted_as_a_level():
    vague = Respondent(
        "Dora", "IT", said("en", ("roles", 3, 0.2, "Maybe someone owns it?"), ("presence", 2, 0.9, "We post."))
    )
    report = team_report([BEN, vague])
    roles = next(s for s in report.dimensions if s.dimension == "roles")
    assert [p.level for p in roles.positions] == [1, None] and roles.agreement is None


def test_fewer_than_two_answers_give_no_team_report_and_say_so():
    silent = Respondent("Emil", "HR", DialogueState("de"))
    never_started = Respondent("Finn", None, None)
    report = team_report([ANNA, silent, never_started])
    assert not report.enough and report.team is None and report.dimensions == []
    assert report.answered == 1 and len(report.respondents) == 3
    assert [r.assessment is None for r in report.respondents] == [False, True, True]
    english = render_team_report(MODEL, report, "Q1", "en")
    german = render_team_report(MODEL, report, "Q1", "de")
    assert "1 of 3 colleagues answered" in english and "at least two colleagues" in english
    assert "1 von 3" in german and "mindestens zwei" in german
    assert team_report_json(report, "r1", "Q1")["team"] is None
    assert team_report([]).answered == 0 and not team_report([]).enough


def test_the_markdown_report_in_english_and_german():
    report = team_report([ANNA, BEN, CARA])
    english = render_team_report(MODEL, report, "Social Media Q1 – Stadtwerke", "en")
    german = render_team_report(MODEL, report, "Social Media Q1 – Stadtwerke", "de")
    assert english.startswith("# Team report: Social Media Q1 – Stadtwerke")
    assert "3 of 3 colleagues answered" in english
    roles_name, coordination_name = MODEL.dimension("roles").name("en"), MODEL.dimension("coordination").name("en")
    assert english.index(f"### {roles_name}: disagreement") < english.index(f"### {coordination_name}: disagreement")
    assert "agreement r_wg 0.6, spread 1 level(s)" in english
    assert "- Ben (Service): level 1 – “Nobody tells us who answers complaints.”" in english
    assert f"- {roles_name}: Marketing at 3, Service at 1" in english
    assert "- Anna (Marketing): stage 2" in english
    assert german.startswith("# Teambericht:")
    assert "Übereinstimmung r_wg 0,6" in german and "r_wg 0,73" in german
    assert "„Wer Beschwerden beantwortet, weiß keiner.“" in german
    assert "Stufe 1 – " in german


def test_the_json_report_carries_every_level():
    data = team_report_json(team_report([ANNA, BEN, CARA]), "r1", "Q1")
    assert data["team"]["stage"] == 1 and data["answered"] == 3
    assert data["dimensions"][0]["dimension"] == "roles" and data["dimensions"][0]["agreement"] == 0.0
    assert [level["level"] for level in data["dimensions"][0]["levels"]] == [3, 1, 1]
    assert data["role_gaps"][0] == {
        "dimension": "roles",
        "higher_role": "Marketing",
        "higher_mean": 3,
        "lower_role": "Service",
        "lower_mean": 1,
        "gap": 2,
    }


@pytest.mark.parametrize(
    ("value", "lang", "text"), [(0.6, "en", "0.6"), (0.733, "de", "0,73"), (1.0, "de", "1"), (2, "en", "2")]
)
def test_figures_are_written_the_readers_way(value, lang, text):
    assert number(value, lang) == text
