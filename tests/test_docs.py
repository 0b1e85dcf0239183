"""Tests that keep the README honest."""

import re

import pytest

from coach.cli import build_parser
from coach.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def environment_names(field) -> list[str]:
    return [name for name in field.validation_alias.choices if name.isupper()]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_with_its_variable(name: str) -> None:
    variables = environment_names(Settings.model_fields[name])
    assert variables, f"setting {name} has no environment variable"
    for variable in variables:
        assert f"`{variable}`" in README, f"{variable} is missing from the README"


def test_every_setting_has_a_description() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_the_readme_starts_with_the_two_commands() -> None:
    commands = re.findall(r"^bash scripts/(\w+)", README.split("# Social media strategy coach")[0], re.MULTILINE)
    assert commands == ["run", "test"]
    for script in commands:
        assert (PROJECT_ROOT / "scripts" / script).is_file()


def test_ci_runs_the_readmes_test_command() -> None:
    assert "bash scripts/test" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_documented() -> None:
    subcommands = build_parser()._subparsers._group_actions[0].choices
    for command in subcommands:
        assert f"`{command}" in README, f"python -m coach {command} is missing from the README"


@pytest.mark.parametrize(
    "document", ["README.md", "ARCHITECTURE.md", "evals/README.md", "knowledge/training/README.md"]
)
def test_every_path_a_document_names_exists(document: str) -> None:
    text = (PROJECT_ROOT / document).read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:coach|ui|bench|evals|tests|knowledge|scripts|prompts)/[\w./-]*)`", text))
    named |= {
        f"evals/{name}"
        for name in re.findall(
            r"`((?:retrieval|side|answers|offtopic|personas|sentences|descriptions)/[\w.-]+\.yaml)`", text
        )
    }
    missing = [path for path in sorted(named) if not (PROJECT_ROOT / path.rstrip("/")).exists()]
    assert missing == [], f"{document} names paths that do not exist"


def test_the_readme_links_the_architecture() -> None:
    assert "(ARCHITECTURE.md)" in README
