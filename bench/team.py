"""`python -m bench --only team`: the team report on synthetic rounds with planted disagreements (`evals/team/`).

Each colleague's sentences are read by the coach's own scorer (offline, as in the diagnostic), the team report is
built from that evidence, and three figures are printed per split:
- planted first: of the rounds with planted disagreements, the share whose report puts exactly the planted
  dimensions first, each counted as a disagreement (target >= 0.9 on held-out rounds);
- false alarms: of the aligned rounds, the share whose report counts any dimension as a disagreement
  (target <= 0.1);
- team stage: the share of rounds whose team stage equals the stage rules applied to everyone's labels.
The held-out split is scored only when asked (`--split team-heldout`), and once.

Tuning (team-tuning, 2026-12-07, r_wg as landed): planted first 0.625 (15/24), false alarms 0/12, planted
dimensions flagged at all 28/36, team stage 0.694. Of the nine misses, six are readings: the planted sentence
of one side was read at another level or too vaguely to count. Tried on the tuning split, none better, so the
ranking stayed r_wg: counting readings from confidence 0.35-0.5 instead of 0.3 (0.458-0.333) or from any
confidence (0.458), r_wg weighted by each reading's confidence (0.583), ties broken by the minority's share (0.625).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.evals import EVALS
from coach.diagnostic.dialogue import DialogueState
from coach.diagnostic.team import Respondent, TeamReport, team_report
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.readiness.rules import Evidence

TEAM_FILES = {"team-tuning": EVALS / "team" / "tuning.yaml", "team-heldout": EVALS / "team" / "heldout.yaml"}
TUNING_SPLITS = ("team-tuning",)
TARGETS = {"planted first": 0.9, "false alarms": 0.1}


@dataclass(frozen=True)
class TeamSentence:
    text: str
    labels: dict[str, int]
    """Dimension -> level the sentence speaks to (empty: small talk)."""
    source: str
    """The labelled sentence it comes from (file id)."""


@dataclass(frozen=True)
class TeamRound:
    id: str
    split: str
    lang: str
    company: str
    """The labelled description the colleagues describe."""
    planted: list[str]
    """Dimensions with a planted disagreement (empty: an aligned round)."""
    stage: int
    """The team's true stage: the stage rules on everyone's labels together."""
    respondents: list[dict]
    """Each: name, role, sentences (TeamSentence)."""


def load_rounds(path: Path) -> list[TeamRound]:
    """The rounds of one file; ValueError naming the file and the round when one is malformed."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    rounds = []
    for row in rows:
        try:
            rounds.append(_round(row))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: round {row.get('id', '?') if isinstance(row, dict) else '?'}: {error}"
            ) from error
    return rounds


def _round(row: dict) -> TeamRound:
    planted = list(row["planted"])
    if not set(planted) <= set(DIMENSION_KEYS) or not 3 <= len(row["respondents"]) <= 8:
        raise ValueError("unknown planted dimension or not 3-8 respondents")
    respondents = [
        {
            "name": person["name"],
            "role": person.get("role"),
            "sentences": [
                TeamSentence(s["text"], {e["dimension"]: int(e["level"]) for e in s["evidence"]}, s["from"])
                for s in person["sentences"]
            ],
        }
        for person in row["respondents"]
    ]
    return TeamRound(row["id"], row["split"], row["lang"], row["company"], planted, int(row["stage"]), respondents)


def _labelled(person: dict, lang: str) -> Respondent:
    evidence = tuple(
        Evidence(key, level, 1.0, sentence.text, turn=n)
        for n, sentence in enumerate(person["sentences"])
        for key, level in sentence.labels.items()
    )
    return Respondent(person["name"], person["role"], DialogueState(lang, evidence=evidence))


def true_report(team_round: TeamRound) -> TeamReport:
    """The report on the labels themselves: what a perfect reading of every sentence would give."""
    return team_report([_labelled(person, team_round.lang) for person in team_round.respondents])


def true_disagreements(team_round: TeamRound) -> list[str]:
    return [spread.dimension for spread in true_report(team_round).dimensions if spread.disagreement]


def true_stage(team_round: TeamRound) -> int:
    return true_report(team_round).team.stage


def read_round(score, team_round: TeamRound) -> TeamReport:
    """The report on what the scorer reads in each colleague's sentences (`score`: text -> ScoredText)."""
    respondents = []
    for person in team_round.respondents:
        text = " ".join(sentence.text for sentence in person["sentences"])
        evidence = tuple(score(text).evidence)
        respondents.append(
            Respondent(person["name"], person["role"], DialogueState(team_round.lang, evidence=evidence))
        )
    return team_report(respondents)


def planted_first(team_round: TeamRound, report: TeamReport) -> bool:
    """The planted dimensions are the first ones of the report, each counted as a disagreement."""
    first = report.dimensions[: len(team_round.planted)]
    return {s.dimension for s in first} == set(team_round.planted) and all(s.disagreement for s in first)


@dataclass
class TeamFigures:
    planted: int = 0
    planted_first: int = 0
    aligned: int = 0
    false_alarms: int = 0
    rounds: int = 0
    stage_right: int = 0
    extra_alarms: int = 0
    planted_dimensions: int = 0
    planted_flagged: int = 0

    def add(self, team_round: TeamRound, report: TeamReport) -> None:
        flagged = [s.dimension for s in report.dimensions if s.disagreement]
        self.rounds += 1
        self.stage_right += report.team is not None and report.team.stage == team_round.stage
        if team_round.planted:
            self.planted += 1
            self.planted_first += planted_first(team_round, report)
            self.extra_alarms += bool(set(flagged) - set(team_round.planted))
            self.planted_dimensions += len(team_round.planted)
            self.planted_flagged += len(set(flagged) & set(team_round.planted))
        else:
            self.aligned += 1
            self.false_alarms += bool(flagged)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def bench_team(coach, only_splits: Sequence[str] = (), show: bool = True) -> dict[str, TeamFigures]:
    chosen = [split for split in TEAM_FILES if split in (only_splits or TUNING_SPLITS)]
    print(f"\n== Team report on synthetic rounds (evals/team): splits {', '.join(chosen)}")
    results = {}
    for split in chosen:
        figures = TeamFigures()
        tuning = split in TUNING_SPLITS
        for team_round in load_rounds(TEAM_FILES[split]):
            report = read_round(coach.score, team_round)
            figures.add(team_round, report)
            if tuning and show:
                _explain(team_round, report)
        kind = "tuning" if tuning else "held out"
        print(f"{split} ({kind}): {figures.rounds} rounds, {figures.planted} with planted disagreements")
        first = _ratio(figures.planted_first, figures.planted)
        alarms = _ratio(figures.false_alarms, figures.aligned)
        print(f"  planted first: {first:.3f} ({figures.planted_first}/{figures.planted}) (target >= 0.9)")
        print(
            f"  false alarms on aligned rounds: {alarms:.3f} ({figures.false_alarms}/{figures.aligned}) (target <= 0.1)"
        )
        print(f"  other dimensions also flagged in planted rounds: {figures.extra_alarms}/{figures.planted}")
        flagged = _ratio(figures.planted_flagged, figures.planted_dimensions)
        counts = f"{figures.planted_flagged}/{figures.planted_dimensions}"
        print(f"  planted dimensions flagged at all: {flagged:.3f} ({counts})")
        print(f"  team stage exact: {_ratio(figures.stage_right, figures.rounds):.3f}")
        results[split] = figures
    return results


def _explain(team_round: TeamRound, report: TeamReport) -> None:
    """A tuning round the report got wrong: what it put first (held-out rounds are never printed)."""
    flagged = [f"{s.dimension}:{s.agreement}" for s in report.dimensions if s.disagreement]
    wrong = (team_round.planted and not planted_first(team_round, report)) or (not team_round.planted and flagged)
    if wrong:
        print(f"    {team_round.id} planted {team_round.planted or '-'} flagged {flagged or '-'}")
