"""The team report's content (issue 21): the quotes at the two ends, what to discuss with its articles, roles
instead of names, same names told apart, one respondent, a silent one, thirty, and the recall check."""

import json
from dataclasses import replace

import numpy as np
import pytest
import yaml

from coach.diagnostic.dialogue import DialogueState
from coach.diagnostic.team import Respondent, team_report
from coach.diagnostic.team_labels import shown_as
from coach.diagnostic.team_meeting import ARTICLES, MEETING_FILE, agenda, article_title
from coach.diagnostic.team_quotes import quote_pairs
from coach.diagnostic.team_recall import SAME_PURPOSE, recall_check
from coach.diagnostic.team_render import render_team_report, team_report_json
from coach.knowledge.articles import load_article
from coach.knowledge.readiness_keys import DIMENSION_KEYS, MODEL_FILE
from coach.readiness.model import load_model
from coach.readiness.rules import Evidence
from coach.records.team_export import team_export

MODEL = load_model(MODEL_FILE)


def said(*items: tuple[str, int, str], lang: str = "en") -> DialogueState:
    return DialogueState(
        lang, evidence=tuple(Evidence(key, level, 0.8, quote, turn=n) for n, (key, level, quote) in enumerate(items))
    )


def person(name: str, role: str | None, *items: tuple[str, int, str], purpose: str | None = None) -> Respondent:
    respondent = Respondent(name, role, said(*items))
    return replace(respondent, purpose=purpose) if purpose is not None else respondent


MARKETING = person(
    "Anna",
    "Marketing",
    ("roles", 3, "Every channel has a named owner."),
    ("processes", 2, "Posts go through an approval workflow."),
    ("presence", 2, "We post twice a week."),
)
SERVICE = person(
    "Ben",
    "Service",
    ("roles", 1, "Nobody tells us who answers complaints."),
    ("processes", 2, "There is an editorial plan."),
    ("presence", 2, "We are on three channels."),
)
SALES = person(
    "Cara",
    "Sales",
    ("roles", 1, "Whoever has time answers."),
    ("processes", 2, "Approvals follow the plan."),
    ("presence", 2, "We post every week."),
)


def test_the_largest_disagreement_is_quoted_from_the_colleagues_at_its_two_ends():
    report = team_report([MARKETING, SERVICE, SALES])
    (pair,) = quote_pairs(report)  # roles is the only disagreement: 3, 1, 1
    assert pair.dimension == "roles"
    assert (pair.high.name, pair.high.level, pair.high.quote) == ("Anna", 3, "Every channel has a named owner.")
    assert (pair.low.name, pair.low.level, pair.low.quote) == ("Ben", 1, "Nobody tells us who answers complaints.")
    text = render_team_report(MODEL, report, "Q1", "en")
    roles = MODEL.dimension("roles").name("en")
    assert (
        f"- {roles}: Anna (Marketing) (level 3): “Every channel has a named owner.” – "
        "Ben (Service) (level 1): “Nobody tells us who answers complaints.”"
    ) in text
    data = team_report_json(report, "r1", "Q1", model=MODEL)
    assert data["quotes_side_by_side"][0]["high"]["quote"] == "Every channel has a named owner."
    assert data["quotes_side_by_side"][0]["low"]["name"] == "Ben"


def test_an_aligned_team_has_no_quotes_side_by_side_and_a_meeting_that_tests_the_strategy():
    aligned = [MARKETING, replace(SERVICE, state=MARKETING.state)]
    report = team_report(aligned)
    assert quote_pairs(report) == []
    items = agenda(MODEL, report, "en")
    assert [item.article for item in items.questions] == ["organizational-alignment"]
    assert "No dimension counts as a disagreement." in render_team_report(MODEL, report, "Q1", "en")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_three_meeting_questions_and_the_steps_address_the_disagreements_first_with_their_articles(lang):
    coordination = person("Dora", "IT", ("coordination", 3, "A council meets monthly."), ("roles", 1, "No owner."))
    lone = person("Emil", "HR", ("coordination", 1, "Every department posts alone."), ("roles", 3, "Owners."))
    report = team_report([MARKETING, SERVICE, coordination, lone])
    disagreements = [s.dimension for s in report.dimensions if s.disagreement]
    assert disagreements == ["coordination", "roles"]  # both r_wg 0 and spread 2: the model's order
    items = agenda(MODEL, report, lang)
    assert len(items.questions) == 3 and len(items.steps) == 3
    assert [item.article for item in items.questions] == [
        "organizational-alignment",
        "coordination-and-governance",
        "roles-and-responsibilities",
    ]
    assert [item.article for item in items.steps] == [item.article for item in items.questions]
    largest = MODEL.dimension("coordination").name(lang)
    assert largest in items.questions[0].text and "1" in items.questions[0].text and "3" in items.questions[0].text
    for item in items.questions + items.steps:
        assert item.title == load_article(ARTICLES / lang / f"{item.article}.md").meta.title
    text = render_team_report(MODEL, report, "Q1", lang)
    assert f"1. {items.questions[0].text}" in text and items.questions[0].title in text


def test_every_meeting_text_exists_in_both_languages_and_cites_an_article_of_both():
    data = yaml.safe_load(MEETING_FILE.read_text(encoding="utf-8"))
    entries = [data["disagreement"], data["recall"], data["aligned"], *data["dimensions"].values()]
    assert sorted(data["dimensions"]) == sorted(DIMENSION_KEYS)
    for entry in entries:
        for lang in ("en", "de"):
            assert (ARTICLES / lang / f"{entry['article']}.md").is_file(), entry["article"]
            assert article_title(entry["article"], lang) != entry["article"]
        for kind in ("question", "step"):
            if kind in entry:
                texts = entry[kind]
                assert set(texts) == {"en", "de"} and texts["en"] != texts["de"]
                for text in texts.values():
                    text.format(dimension="X", low=1, high=3)  # only the placeholders the report fills in
    assert data["disagreement"]["article"] == "organizational-alignment"


def test_roles_instead_of_names_leave_no_name_in_the_markdown_the_json_or_the_pdf():
    from io import BytesIO

    from pypdf import PdfReader

    team = [
        replace(MARKETING, name="Annegret Quast"),
        replace(SERVICE, name="Bertram Ulm"),
        replace(SALES, name="Cordula Vogt", role="Service"),
        Respondent("Dietlinde Wex", None, said(("roles", 2, "Lea owns it."))),
    ]
    names = ["Annegret", "Quast", "Bertram", "Cordula", "Dietlinde", "Wex"]
    model_args = (MODEL, "r1", "Q1", team)
    markdown = team_export(*model_args, "markdown", "en", show_names=False).decode()
    data = team_export(*model_args, "json", "de", show_names=False).decode()
    pdf = team_export(*model_args, "pdf", "en", show_names=False)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for text in (markdown, data, pdf_text):
        assert not [name for name in names if name in text]
    assert "Service 1" in markdown and "Service 2" in markdown and "Person 1" in markdown
    assert "- Marketing: stage" in markdown  # the role is the label, not repeated in brackets
    assert json.loads(data)["names_shown"] is False
    assert {r["name"] for r in json.loads(data)["respondents"]} == {"Marketing", "Service 1", "Service 2", "Person 1"}
    assert "Service 2" in pdf_text
    named = team_export(*model_args, "markdown", "en").decode()
    assert "Annegret Quast (Marketing)" in named
    built = team_report(team, show_names=False)  # the app's page builds it once for its chart and its text
    for form in ("markdown", "json"):
        given = team_export(*model_args, form, "en", show_names=False, report=built)
        assert given == team_export(*model_args, form, "en", show_names=False)


def test_two_colleagues_with_the_same_name_or_role_are_told_apart():
    team = [replace(MARKETING, name="Anna"), replace(SERVICE, name="anna", role="Marketing"), SALES]
    assert [r.name for r in shown_as(team)] == ["Anna (1)", "anna (2)", "Cara"]
    assert [r.name for r in shown_as(team, show_names=False)] == ["Marketing 1", "Marketing 2", "Sales"]
    report = team_report(team)
    roles = next(s for s in report.dimensions if s.dimension == "roles")
    assert [(p.name, p.level) for p in roles.positions] == [("Anna (1)", 3), ("anna (2)", 1), ("Cara", 1)]
    chosen = [Respondent("Anna", None, None), Respondent("Anna", None, None), Respondent("Anna (2)", None, None)]
    labels = [r.name for r in shown_as(chosen)]
    assert len(set(labels)) == 3 and labels[:2] == ["Anna (1)", "Anna (2)"]


def test_one_respondent_gets_a_clear_note_instead_of_a_report_in_every_format():
    from io import BytesIO

    from pypdf import PdfReader

    markdown = team_export(MODEL, "r1", "Alone", [MARKETING], "markdown", "en").decode()
    assert "1 of 1 colleagues answered" in markdown and "at least two colleagues" in markdown
    assert "What to discuss" not in markdown and "disagree" not in markdown.lower().replace("at least", "")
    data = json.loads(team_export(MODEL, "r1", "Alone", [MARKETING], "json", "en"))
    assert data["enough"] is False and data["discuss"] is None and data["quotes_side_by_side"] == []
    pdf = team_export(MODEL, "r1", "Alone", [MARKETING], "pdf", "de")
    assert "mindestens zwei" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_a_colleague_who_answered_nothing_is_named_and_not_counted_as_a_disagreement():
    silent = Respondent("Finn", "IT", DialogueState("de"))
    report = team_report([MARKETING, replace(SERVICE, state=MARKETING.state), silent])
    assert not [s for s in report.dimensions if s.disagreement]
    assert all("Finn" not in [p.name for p in s.positions] for s in report.dimensions)
    text = render_team_report(MODEL, report, "Q1", "en")
    assert "- Finn (IT): answered nothing that counts yet" in text
    assert "Answered nothing that counts (so not counted as agreeing or disagreeing): Finn" in text
    data = team_report_json(report, "r1", "Q1", model=MODEL)
    assert [r["answered"] for r in data["respondents"]] == [True, True, False]


def test_thirty_colleagues_make_one_report_in_every_format():
    team = [
        person(
            f"Colleague {n}",
            ["Marketing", "Service", "HR"][n % 3],
            ("roles", 3 if n % 3 == 0 else 1, f"Sentence {n} about owners."),
            ("presence", 2, f"We post, says {n}."),
        )
        for n in range(30)
    ]
    report = team_report(team)
    assert report.answered == 30 and report.dimensions[0].dimension == "roles"
    assert len(report.dimensions[0].known) == 30 and report.dimensions[0].disagreement
    assert [gap.dimension for gap in report.role_gaps] == ["roles"]
    assert team_export(MODEL, "r1", "Big", team, "pdf", "en").startswith(b"%PDF")
    assert "Colleague 29 (HR)" in team_export(MODEL, "r1", "Big", team, "markdown", "en").decode()


def fake_embed(vectors: dict[str, list[float]]):
    def embed(texts: list[str]) -> np.ndarray:
        return np.array([vectors[text] for text in texts])

    return embed


def test_the_recall_check_shows_each_sentence_beside_its_similarity():
    team = [
        replace(MARKETING, purpose="To find apprentices."),
        replace(SERVICE, purpose="Auszubildende gewinnen."),
        replace(SALES, purpose="To sell more heat pumps."),
        Respondent("Dora", "IT", said(("presence", 2, "We post."))),
    ]
    embed = fake_embed(
        {"To find apprentices.": [1, 0], "Auszubildende gewinnen.": [1, 0], "To sell more heat pumps.": [0, 1]}
    )
    recall = recall_check(team, embed)
    # cosines: 1 (Anna, Ben), 0 (Anna, Cara), 0 (Ben, Cara): mean 1/3; Anna's mean to the others (1 + 0)/2
    assert recall.similarity == 0.333 and recall.differs
    assert [(a.name, a.similarity) for a in recall.answers] == [("Anna", 0.5), ("Ben", 0.5), ("Cara", 0.0)]
    assert recall.missing == ["Dora"]
    text = render_team_report(MODEL, team_report(team), "Q1", "en", recall)
    assert "- Anna (Marketing): “To find apprentices.” (similarity to the others 0.5)" in text
    assert "Similarity of the answers: 0.33" in text and "No sentence from: Dora" in text
    assert "point in different directions" in text
    items = agenda(MODEL, team_report(team), "en", recall)
    assert any(item.text.startswith("Our one-sentence answers") for item in items.questions)
    same = recall_check(team[:2], embed)
    assert same.similarity == 1.0 and not same.differs and SAME_PURPOSE < 1
    assert recall_check(team, None).similarity is None  # no embedder: the sentences, no figure


def test_an_embedder_that_fails_costs_the_recall_figure_not_the_report(caplog):
    def broken(texts: list[str]) -> np.ndarray:
        raise ConnectionError("the embeddings endpoint is down")

    team = [replace(MARKETING, purpose="To find apprentices."), replace(SERVICE, purpose="To sell more.")]
    data = json.loads(team_export(MODEL, "r1", "Q1", team, "json", "en", embed=broken))
    assert data["recall"]["similarity"] is None and len(data["recall"]["answers"]) == 2
    assert data["dimensions"][0]["dimension"] == "roles"
    assert "could not be measured" in caplog.text
