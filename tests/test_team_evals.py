"""The synthetic team rounds of evals/team load and are what evals/README.md says they are."""

from collections import Counter

import pytest

from bench.team import TEAM_FILES, load_rounds, true_disagreements, true_stage
from coach.knowledge.readiness_keys import DIMENSION_KEYS


@pytest.mark.parametrize("split", sorted(TEAM_FILES))
def test_each_split_has_thirty_or_more_well_formed_rounds(split):
    rounds = load_rounds(TEAM_FILES[split])
    assert len(rounds) >= 30 and len({r.id for r in rounds}) == len(rounds)
    assert all(r.split == split for r in rounds)
    assert Counter(r.lang for r in rounds) == {"de": len(rounds) // 2, "en": len(rounds) // 2}
    assert {len(r.planted) for r in rounds} == {0, 1, 2}  # aligned rounds, one and two planted disagreements
    for team_round in rounds:
        assert 3 <= len(team_round.respondents) <= 8
        assert len({p["role"] for p in team_round.respondents}) >= 2 or len(team_round.respondents) <= 3
        assert set(team_round.planted) <= set(DIMENSION_KEYS)
        for person in team_round.respondents:
            assert person["name"] and any(sentence.labels for sentence in person["sentences"])
            for sentence in person["sentences"]:
                assert sentence.text.strip() and all(0 <= level <= 3 for level in sentence.labels.values())


@pytest.mark.parametrize("split", sorted(TEAM_FILES))
def test_the_planted_dimensions_and_the_stage_hold_on_the_labels(split):
    for team_round in load_rounds(TEAM_FILES[split]):
        assert sorted(true_disagreements(team_round)) == team_round.planted, team_round.id
        assert true_stage(team_round) == team_round.stage, team_round.id


def test_a_malformed_round_is_refused_naming_the_file_and_the_round(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {id: x1, split: s, lang: de, company: c, planted: [budget], stage: 1, respondents: []}\n")
    with pytest.raises(ValueError, match=r"bad.yaml: round x1"):
        load_rounds(bad)
