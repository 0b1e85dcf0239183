"""The layers' fitted thresholds as data (`coach.fitted`): the shipped files, what the code reads, refusals."""

import importlib
import json
import re

import pytest

from coach.config import PROJECT_ROOT
from coach.fitted import (
    ANSWER,
    DIAGNOSTIC,
    READINESS,
    THRESHOLDS,
    FittedNumbersError,
    Thresholds,
    read_thresholds,
    shipped_values,
)

FILES = {"READINESS": READINESS, "DIAGNOSTIC": DIAGNOSTIC, "ANSWER": ANSWER}
READ = re.compile(r"^(\w+) = (READINESS|DIAGNOSTIC|ANSWER)\.value\(\"(\w+)\"\)$", re.MULTILINE)


def constants_read() -> list[tuple[str, str, str, str]]:
    """(module, constant, file, name) for every module constant set from a thresholds file."""
    found = []
    for path in sorted((PROJECT_ROOT / "coach").rglob("*.py")):
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        found += [(module, *match) for match in READ.findall(path.read_text(encoding="utf-8"))]
    return found


def test_every_layer_file_ships_beside_its_code_and_loads():
    assert [thresholds.path.relative_to(PROJECT_ROOT).as_posix() for thresholds in THRESHOLDS] == [
        "coach/readiness/thresholds.json",
        "coach/diagnostic/thresholds.json",
        "coach/answer/thresholds.json",
    ]
    for thresholds in THRESHOLDS:
        assert set(read_thresholds(thresholds)) == set(thresholds.names)


def test_the_files_name_exactly_the_constants_the_code_reads_from_them():
    read = constants_read()
    assert all(constant == name for _, constant, _, name in read), "a constant is named as in its file"
    for label, thresholds in FILES.items():
        names = [name for _, _, file, name in read if file == label]
        assert sorted(names) == sorted(thresholds.names), label


def test_the_code_uses_the_values_the_files_hold():
    read = constants_read()
    assert len(read) == sum(len(thresholds.names) for thresholds in THRESHOLDS)
    for module, constant, file, name in read:
        assert getattr(importlib.import_module(module), constant) == shipped_values(FILES[file])[name], constant
    from coach.diagnostic import team
    from coach.readiness import rules

    assert team.DECISIVE == rules.DEMONSTRATED == shipped_values(READINESS)["DECISIVE"]


def test_every_value_says_where_it_came_from_and_how_it_is_measured():
    for thresholds in THRESHOLDS:
        provenance = json.loads(thresholds.path.read_text(encoding="utf-8"))["provenance"]
        for name, why in provenance.items():
            assert "python -m bench" in why, f"{name}: which command measures it"
            assert re.search(r"\b[0-9a-f]{7}\b", why), f"{name}: the commit that chose it"


NAMES = ("DECISIVE", "CLEAR")
CHECK = "`python -m bench --only personas`"
WHY = {"DECISIVE": "chosen on dev..dev5", "CLEAR": "chosen on dev6, dev7"}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "is missing"),
        ("{not json", "cannot be read"),
        ("[0.3, 0.4]", "not a JSON object"),
        ({"provenance": WHY}, "missing: values"),
        ({"values": [0.3, 0.4], "provenance": WHY}, "'values' must be an object"),
        ({"values": {"DECISIVE": "0.3", "CLEAR": 0.4}, "provenance": WHY}, "DECISIVE in 'values' is '0.3'"),
        ({"values": {"DECISIVE": True, "CLEAR": 0.4}, "provenance": WHY}, "not a finite number"),
        ({"values": {"DECISIVE": None, "CLEAR": 0.4}, "provenance": WHY}, "not a finite number"),
        ({"values": {"DECISIVE": float("nan"), "CLEAR": 0.4}, "provenance": WHY}, "DECISIVE in 'values' is nan"),
        ({"values": {"DECISIVE": 0.3, "CLEAR": float("inf")}, "provenance": WHY}, "CLEAR in 'values' is inf"),
        ({"values": {"DECISIVE": 0.3}, "provenance": WHY}, "'values' does not name exactly what the code reads"),
        ({"values": {"DECISIVE": 0.3}, "provenance": WHY}, "(missing: CLEAR)"),
        ({"values": {"DECISIVE": 0.3, "CLEAR": 0.4, "SHOE_SIZE": 44}, "provenance": WHY}, "(foreign: SHOE_SIZE)"),
        ({"values": {"DECISIVE": 0.3, "CLEAR": 0.4}, "provenance": {"DECISIVE": "dev"}}, "'provenance'"),
        ({"values": {"DECISIVE": 0.3, "CLEAR": 0.4}, "provenance": {**WHY, "CLEAR": " "}}, "of CLEAR says nothing"),
        ({"values": {"DECISIVE": 0.3, "CLEAR": 0.4}, "provenance": WHY, "date": "today"}, "(foreign: date)"),
    ],
)
def test_a_missing_malformed_or_foreign_thresholds_file_is_refused_naming_it_and_the_check(tmp_path, content, says):
    path = tmp_path / "thresholds.json"
    if content is not None:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    with pytest.raises(FittedNumbersError) as refused:
        read_thresholds(Thresholds(path, NAMES, CHECK))
    message = str(refused.value)
    assert says in message and str(path) in message
    assert "python -m bench --only personas" in message


def test_a_sound_file_gives_its_numbers_as_written(tmp_path):
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps({"values": {"CLEAR": 0.4, "DECISIVE": 2}, "provenance": WHY}), encoding="utf-8")
    values = read_thresholds(Thresholds(path, NAMES, CHECK))
    assert values == {"DECISIVE": 2, "CLEAR": 0.4} and isinstance(values["DECISIVE"], int)


def test_the_shipped_files_name_the_commands_that_measure_them():
    assert "python -m bench --only evidence --split dev8" in READINESS.check
    assert "python -m bench --only personas" in DIAGNOSTIC.check
    assert "python -m bench --only answers" in ANSWER.check
