"""A synthetic knowledge base N times the shipped one: the articles plus copies under new ids and keys."""

import re
from pathlib import Path

COPY_MARK = "--copy"
"""Between an article's key (or id) and the number of its copy: `stage-bolt-on--copy2`."""
_ID_OR_KEY = re.compile(r"^(id|key):\s*(\S+)\s*$", re.MULTILINE)


def original_key(key: str) -> str:
    """The shipped article's key of a copy's key (a shipped key is its own)."""
    return key.split(COPY_MARK, 1)[0]


def renamed(text: str, copy: int) -> str:
    """An article's text whose front matter `id:` and `key:` carry the copy's number."""
    head, separator, body = text.partition("\n---\n")
    return _ID_OR_KEY.sub(lambda match: f"{match[1]}: {match[2]}{COPY_MARK}{copy}", head) + separator + body


def build_copies(source: Path, target: Path, times: int) -> int:
    """Write the articles below `source` and `times - 1` renamed copies of each below `target`; returns the files."""
    files = sorted(source.rglob("*.md"))
    for path in files:
        relative = path.relative_to(source)
        text = path.read_text(encoding="utf-8")
        for copy in range(times):
            destination = target / f"copy{copy}" / relative if copy else target / "shipped" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(renamed(text, copy) if copy else text, encoding="utf-8")
    return len(files) * times
