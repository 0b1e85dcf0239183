"""Prompt templates are files in `prompts/`; this loader fills them and refuses missing or unknown variables."""

import string
from functools import cache
from pathlib import Path

from coach.config import PROJECT_ROOT
from coach.errors import ConfigError

PROMPTS = PROJECT_ROOT / "prompts"


@cache
def template(name: str, folder: Path = PROMPTS) -> str:
    path = folder / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"The prompt file {path} is missing or unreadable ({error.strerror}).") from error


def variables(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def render(name: str, folder: Path = PROMPTS, **values: str) -> str:
    """The named template with every variable filled; raises on a missing or an unknown variable."""
    text = template(name, folder)
    expected = variables(text)
    if missing := expected - set(values):
        raise ConfigError(f"prompt {name!r} needs {', '.join(sorted(missing))}")
    if unknown := set(values) - expected:
        raise ConfigError(f"prompt {name!r} has no variable {', '.join(sorted(unknown))}")
    return text.format(**values)
