"""Reading input with its limits checked while it is read: standard input, files, front matter, YAML.

Nothing is read whole before its size is known to be acceptable: a reader stops one chunk after the
limit (so `/dev/zero` or an endless pipe costs at most the limit), and YAML is parsed without aliases
(a "billion laughs" document is refused before anything is expanded).
"""

import io
from pathlib import Path
from typing import BinaryIO

import yaml

from coach.errors import BadInput

CHUNK_BYTES = 64 * 1024
MAX_TEXT_BYTES = 1_000_000
"""A description to assess or a file of scripted answers: far more than anyone types."""
MAX_ANSWER_LINES = 100
"""A diagnostic asks 6 to 10 questions; lines left over are each scored, so their number is capped."""


def read_capped(stream: BinaryIO, limit: int, what: str) -> bytes:
    """All of `stream`, or BadInput as soon as more than `limit` bytes have arrived."""
    buffer = io.BytesIO()
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - buffer.tell())):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise BadInput(f"{what} is larger than {_size(limit)}")
    return buffer.getvalue()


def read_file_capped(path: Path, limit: int, what: str | None = None) -> bytes:
    """The bytes of a file (any kind: a pipe or a device is read up to the limit); BadInput when unreadable."""
    try:
        with open(path, "rb") as stream:
            return read_capped(stream, limit, what or str(path))
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from error


def read_text(source: str, stdin: BinaryIO, limit: int = MAX_TEXT_BYTES) -> str:
    """UTF-8 text from a file or, for "-", from `stdin`; BadInput when too large or not UTF-8."""
    what = "the standard input" if source == "-" else source
    raw = read_capped(stdin, limit, what) if source == "-" else read_file_capped(Path(source), limit)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(f"cannot read {what}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def answer_lines(text: str, limit: int = MAX_ANSWER_LINES) -> list[str]:
    """The lines of a scripted answers file; BadInput when there are more than `limit`."""
    lines = text.splitlines()
    if len(lines) > limit:
        raise BadInput(f"the answers file has {len(lines)} lines; at most {limit} are read (one per question)")
    return lines


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases (front matter never needs them)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"YAML aliases are not allowed (line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)


MAX_YAML_DEPTH = 20


def safe_yaml(text: str):
    """YAML parsed without aliases and at most MAX_YAML_DEPTH levels deep; raises yaml.YAMLError."""
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_depth(node)
        return loader.construct_document(node)
    except RecursionError:
        raise yaml.YAMLError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def _check_depth(node) -> None:
    pending = [(node, 1)] if node is not None else []
    while pending:
        current, depth = pending.pop()
        if depth > MAX_YAML_DEPTH:
            raise yaml.YAMLError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep")
        if isinstance(current, yaml.SequenceNode):
            pending += [(child, depth + 1) for child in current.value]
        elif isinstance(current, yaml.MappingNode):
            pending += [(child, depth + 1) for pair in current.value for child in pair]
