"""Every user-facing string exists in every language, with the same placeholders."""

import string

import pytest

from coach.lang.copy import COPY_FILE, _copy, languages


def flattened(block, prefix: str = "") -> dict[str, object]:
    if isinstance(block, dict):
        return {
            key: value for name, inner in block.items() for key, value in flattened(inner, f"{prefix}{name}.").items()
        }
    return {prefix.rstrip("."): block}


def placeholders(text: object) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_the_coach_speaks_english_and_german():
    assert languages() == ("en", "de")


@pytest.mark.parametrize("lang", ["de"])
def test_every_key_exists_in_every_language_with_the_same_placeholders(lang: str):
    english, other = flattened(_copy()["en"]), flattened(_copy()[lang])
    assert set(other) == set(english), f"{COPY_FILE}: keys differ between en and {lang}"
    differing = [key for key in english if placeholders(english[key]) != placeholders(other[key])]
    assert differing == []
    assert all(value for value in other.values()), "an empty string"
