"""The explainable rules: evidence -> dimension levels -> stage -> confidence."""

import pytest

from coach.diagnostic.summary import SECOND_QUOTE_CONFIDENCE, holding_gaps, shown_quotes
from coach.knowledge.readiness_keys import DIMENSION_KEYS
from coach.readiness.rules import (
    DECISIVE,
    DimensionResult,
    Evidence,
    assess_evidence,
    decide_stage,
    decisive_levels,
    dimension_results,
)

UNKNOWN = dict.fromkeys(DIMENSION_KEYS)


def levels(**known: int) -> dict[str, int | None]:
    return {**UNKNOWN, **known}


@pytest.mark.parametrize(
    ("known", "stage"),
    [
        ({}, 1),
        ({"presence": 0}, 0),
        ({"presence": 0, "roles": 1, "resources": 1, "culture": 1}, 0),
        ({"presence": 0, "culture": 2}, 0),
        ({"resources": 0}, 0),
        ({"resources": 0, "roles": 1}, 0),
        ({"resources": 0, "coordination": 1}, 1),
        ({"presence": 0, "coordination": 1}, 0),
        ({"presence": 0, "processes": 2}, 1),
        ({"presence": 0, "integration": 2}, 1),
        ({"presence": 1}, 1),
        ({"presence": 2, "roles": 1}, 1),
        ({"roles": 2, "processes": 2}, 2),
        ({"roles": 2, "processes": 2, "resources": 2, "coordination": 2}, 2),
        ({"roles": 2, "alignment": 2}, 2),
        ({"roles": 2}, 1),
        ({"alignment": 2, "culture": 2}, 1),
        ({"roles": 2, "processes": 2, "coordination": 1}, 1),
        ({"roles": 3, "processes": 2, "resources": 1}, 1),
        ({"integration": 3, "culture": 3}, 3),
        ({"integration": 3, "alignment": 3, "roles": 2}, 3),
        ({"integration": 3, "culture": 2, "roles": 2, "processes": 2}, 2),
        ({"integration": 3, "culture": 3, "coordination": 1}, 1),
        ({"integration": 2, "culture": 3, "roles": 3, "processes": 3}, 2),
    ],
)
def test_stage_rules_follow_the_readiness_model(known: dict[str, int], stage: int) -> None:
    assert decide_stage(levels(**known)) == stage


def test_stage_two_needs_roles_and_processes_not_only_a_mood() -> None:
    assert decide_stage(levels(culture=2, alignment=2, presence=2)) == 1
    assert decide_stage(levels(culture=2, alignment=2, presence=2, roles=2)) == 2


def evidence(dimension: str, level: int, confidence: float = 0.8, quote: str = "q") -> Evidence:
    return Evidence(dimension, level, confidence, quote)


def test_a_dimension_takes_the_level_with_the_most_confidence_behind_it() -> None:
    results = dimension_results([evidence("roles", 1, 0.4), evidence("roles", 2, 0.5), evidence("roles", 2, 0.3)])
    assert results["roles"].level == 2
    assert len(results["roles"].evidence) == 3


def test_what_speaks_mainly_to_a_dimension_outweighs_any_number_of_passing_mentions() -> None:
    # Seen in a walkthrough: "Kein Budget, Gratis-Tools, läuft nebenbei" (the resources question's quick reply)
    # lost to three sentences about roles and processes whose second reading was resources level 2.
    passing = [Evidence("resources", 2, 0.4, f"q{number}", primary=False) for number in range(3)]
    reply = Evidence("resources", 1, 0.9, "Kein Budget, Gratis-Tools, läuft nebenbei", "reply")
    result = dimension_results([*passing, reply])["resources"]
    assert result.level == 1 and len(result.evidence) == 4  # all still listed; the direct answer decides
    assert dimension_results(passing)["resources"].level == 2  # with nothing direct, the mentions decide


def test_a_tie_goes_to_the_lower_level() -> None:
    assert dimension_results([evidence("roles", 1, 0.5), evidence("roles", 2, 0.5)])["roles"].level == 1


def test_weak_evidence_is_shown_but_does_not_decide_the_stage() -> None:
    results = dimension_results([evidence("roles", 2, 0.9), evidence("processes", 2, 0.9)])
    weak = dimension_results(
        [evidence("roles", 2, 0.9), evidence("processes", 2, 0.9), evidence("coordination", 1, 0.1)]
    )
    assert weak["coordination"].level == 1
    assert weak["coordination"].confidence < DECISIVE
    assert decisive_levels(weak)["coordination"] is None
    assert decide_stage(decisive_levels(weak)) == decide_stage(decisive_levels(results)) == 2


def test_confidence_grows_with_the_dimensions_that_have_evidence() -> None:
    few = assess_evidence([evidence("roles", 2), evidence("processes", 2)])
    many = assess_evidence([evidence(key, 2) for key in ("roles", "processes", "resources", "coordination")])
    assert few.stage == many.stage == 2
    assert 0 < few.confidence < many.confidence <= 1


def test_no_evidence_means_no_confidence_and_every_dimension_unknown() -> None:
    assessment = assess_evidence([])
    assert assessment.confidence == 0.0
    assert assessment.unknown == list(DIMENSION_KEYS)


@pytest.mark.parametrize(("dimension", "level"), [("roles", 4), ("roles", -1), ("budget", 2)])
def test_evidence_outside_the_model_is_refused(dimension: str, level: int) -> None:
    with pytest.raises(ValueError):
        Evidence(dimension, level, 0.5, "quote")


def test_goals_are_kept_beside_the_assessment_not_in_it() -> None:
    assessment = assess_evidence([evidence("roles", 1)], goals=["One day we'd like to co-create."])
    assert assessment.goals == ["One day we'd like to co-create."]
    assert all(
        item.quote != assessment.goals[0] for result in assessment.dimensions.values() for item in result.evidence
    )


def test_level_two_practices_support_a_demonstrated_level_three() -> None:
    results = dimension_results(
        [evidence("integration", 2, 0.9), evidence("integration", 2, 0.6), evidence("integration", 3, 0.6)]
    )
    assert results["integration"].level == 3


@pytest.mark.parametrize(("clarity", "level"), [(0.35, 3), (0.25, 2)])
def test_one_level_three_statement_clear_enough_to_decide_demonstrates_level_three(clarity: float, level: int):
    results = dimension_results(
        [evidence("culture", 2, 0.8, "a"), evidence("culture", 2, 0.6, "b"), evidence("culture", 3, clarity)]
    )
    assert results["culture"].level == level


def test_deficits_outweighing_practices_keep_the_low_level() -> None:
    results = dimension_results([evidence("roles", 1, 0.9), evidence("roles", 1, 0.5), evidence("roles", 3, 0.6)])
    assert results["roles"].level == 1


def test_a_deficit_less_clear_than_two_practices_does_not_block_the_core() -> None:
    doubtful = evidence("coordination", 1, 0.7)
    practices = [evidence("roles", 2, 0.9), evidence("resources", 2, 0.8)]
    assert assess_evidence([*practices, doubtful]).stage == 2
    assert assess_evidence([evidence("roles", 2, 0.9), evidence("resources", 2, 0.6), doubtful]).stage == 1
    assert assess_evidence([evidence("roles", 2, 0.9), doubtful]).stage == 1


def test_a_single_unclear_deficit_does_not_outweigh_two_clear_practices() -> None:
    stray = evidence("coordination", 1, 0.4)
    practices = [evidence("roles", 2, 0.9), evidence("resources", 2, 0.8)]
    assert assess_evidence([*practices, stray]).stage == 2
    assert assess_evidence([practices[0], evidence("alignment", 2, 0.8), stray]).stage == 2
    beyond_the_core = [evidence("integration", 3, 0.9), evidence("culture", 3, 0.8)]
    assert assess_evidence([*beyond_the_core, stray]).stage == 3


def test_a_regular_presence_does_not_outweigh_a_deficit() -> None:
    stray = evidence("coordination", 1, 0.4)
    assert assess_evidence([evidence("roles", 2, 0.9), evidence("presence", 2, 0.9), stray]).stage == 1


@pytest.mark.parametrize(
    "deficits",
    [
        [evidence("coordination", 1, 0.9)],
        [evidence("coordination", 1, 0.45, "a"), evidence("coordination", 1, 0.45, "b")],
    ],
)
def test_a_deficit_as_clear_as_the_practices_still_blocks_the_core(deficits: list[Evidence]) -> None:
    practices = [evidence("roles", 2, 0.9), evidence("resources", 2, 0.8), evidence("processes", 2, 0.8)]
    assert assess_evidence([*practices, *deficits]).stage == 1


def _assessed(**known: int):
    return assess_evidence([Evidence(key, level, 0.9, f"{key} at {level}") for key, level in known.items()])


def test_nothing_holds_a_company_at_the_last_stage():
    assessment = _assessed(integration=3, culture=3, roles=2)
    assert assessment.stage == 3 and holding_gaps(assessment, 3) == []


@pytest.mark.parametrize("shown", ["culture", "alignment"])
def test_stage_three_needs_culture_or_alignment_so_the_other_is_no_gap(shown: str):
    assessment = _assessed(roles=2, processes=2, resources=2, coordination=2, integration=2, **{shown: 3})
    assert assessment.stage == 2
    gaps = holding_gaps(assessment, 3)
    assert gaps[0] == "integration" and "culture" not in gaps and "alignment" not in gaps


def test_below_the_last_stage_known_shortfalls_come_before_unknown_dimensions():
    assessment = _assessed(roles=2, processes=2, resources=2, coordination=2, integration=2)
    assert assessment.stage == 2
    assert holding_gaps(assessment, 3) == ["integration", "culture", "alignment"]


def test_a_second_quote_is_shown_only_when_the_scorer_is_sure_of_it() -> None:
    def result(second: float) -> DimensionResult:
        evidence = [
            Evidence("roles", 2, 0.9, "Each channel has a named owner."),
            Evidence("roles", 2, second, "Tina does LinkedIn."),
            Evidence("roles", 2, 0.95, "Tina does Instagram.", primary=False),
            Evidence("roles", 1, 0.99, "Nobody answers comments."),
        ]
        return DimensionResult(2, 0.8, evidence)

    assert shown_quotes(result(SECOND_QUOTE_CONFIDENCE)) == ["Each channel has a named owner.", "Tina does LinkedIn."]
    assert shown_quotes(result(SECOND_QUOTE_CONFIDENCE - 0.01)) == ["Each channel has a named owner."]
