"""Tables derived from the index, stored beside it so that a start loads them instead of computing them.

A stored table is a folder of files (numpy's `.npy`/`.npz`, bm25s's own) and a manifest naming the embedder
and the fingerprint of what was indexed when it was built. A table that is missing, stale (the articles
changed behind its back), built with another embedder or unreadable is never used: `load` says why in a
warning and returns None, and the owner builds it anew and saves it.
"""

import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
MANIFEST = "manifest.json"


def fingerprint(lines: Iterable[str]) -> str:
    """A short digest of what a table was derived from (one line per indexed row, in row order)."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:20]


class DerivedStore:
    """One named table of one embedder, in `root/name`."""

    def __init__(self, root: Path, name: str, embedder: str) -> None:
        self.folder = root / name
        self.name = name
        self.embedder = embedder

    def load(self, fingerprint: str, read: Callable[[Path], T]) -> T | None:
        """The stored table when it was derived from exactly this index with this embedder; otherwise None."""
        problem = self._mismatch(fingerprint)
        if problem is None:
            try:
                return read(self.folder)
            except Exception as error:  # numpy, json and bm25s raise their own types on a damaged file
                problem = f"is unreadable ({type(error).__name__}: {error})"
        log.warning("The stored %s table at %s %s; it is rebuilt", self.name, self.folder, problem)
        return None

    def _mismatch(self, fingerprint: str) -> str | None:
        if not (self.folder / MANIFEST).is_file():
            return "is missing"
        try:
            manifest = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
            embedder, built_from = manifest["embedder"], manifest["fingerprint"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            return f"has an unreadable manifest ({error})"
        if embedder != self.embedder:
            return f"was built with another embedder ({embedder})"
        if built_from != fingerprint:
            return "is stale (the index changed since it was built)"
        return None

    def save(self, fingerprint: str, write: Callable[[Path], None]) -> bool:
        """Write the table into a fresh folder, then swap it in: a reader never sees half a table."""
        partial = self.folder.with_name(f".{self.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
        try:
            partial.mkdir(parents=True)
            write(partial)
            manifest = {"embedder": self.embedder, "fingerprint": fingerprint}
            (partial / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            self._swap_in(partial)
        except OSError as error:
            log.warning("Could not store the %s table at %s (%s); it stays in memory", self.name, self.folder, error)
            shutil.rmtree(partial, ignore_errors=True)
            return False
        return True

    def _swap_in(self, partial: Path) -> None:
        old = partial.with_suffix(".old")
        if self.folder.exists():
            os.replace(self.folder, old)
        os.replace(partial, self.folder)
        shutil.rmtree(old, ignore_errors=True)
