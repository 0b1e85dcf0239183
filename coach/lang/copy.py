"""Every user-facing string, from `copy.yaml`: one block per language, sections by where the text is shown."""

from functools import cache
from pathlib import Path

import yaml

from coach.lang.detect import Lang

COPY_FILE = Path(__file__).with_name("copy.yaml")


@cache
def _copy() -> dict[str, dict]:
    with COPY_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def languages() -> tuple[str, ...]:
    return tuple(_copy())


def section(name: str) -> dict[Lang, dict[str, str]]:
    """One section in every language: {lang: {key: text}}."""
    return {lang: block[name] for lang, block in _copy().items()}


def texts(name: str, key: str) -> dict[Lang, str]:
    """One string in every language: {lang: text}."""
    return {lang: block[name][key] for lang, block in _copy().items()}


def quoted(text: str, lang: Lang) -> str:
    """A quote in the language's quotation marks („…“ in German, “…” in English)."""
    marks = _copy()[lang]["quotes"]
    return f"{marks['open']}{text}{marks['close']}"
