"""An inventory of a batch folder that does not trust the reader: the accounting check lists the folder here, by
a different code path (bytes names, os.listdir, lstat, realpath; the reader uses str names, os.scandir and
(device, inode) pairs), so a reader bug that skips an entry cannot hide itself by skipping it in the check too.

Every entry is classified; an entry is an input (it must have a `documents` or `quarantine` row under its
`source_path`) unless it is a folder that is listed (a real folder, or a link to a folder inside the batch that is
followed) or one of the batch folder's own completion markers. The rules are the ones `newsdesk.ingest.walk`
documents.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsdesk.ingest.names import MARKER_FILES, display_path

_MARKERS = frozenset(os.fsencode(m) for m in MARKER_FILES)
_SPECIAL = ((stat.S_ISREG, "file"), (stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket"),
            (stat.S_ISCHR, "char_device"), (stat.S_ISBLK, "block_device"))
# Kinds that are folders the listing descends into, and the top-level markers: the only entries that are not inputs.
NOT_INPUTS = frozenset({"dir", "symlink_to_dir_inside", "marker"})


@dataclass(frozen=True)
class InventoryEntry:
    path: str  # relative to the batch folder, as stored in documents/quarantine.source_path
    kind: str  # file | fifo | socket | char_device | block_device | other | dir | marker | marker_in_subfolder |
    #            hidden_file | hidden_dir | symlink_to_file_inside | symlink_to_file_outside | symlink_to_dir_inside |
    #            symlink_to_dir_outside | broken_symlink | symlink_loop | unreadable_dir | vanished

    @property
    def is_input(self) -> bool:
        return self.kind not in NOT_INPUTS


def inventory(batch_dir: Path) -> list[InventoryEntry]:
    """Every entry under `batch_dir`, classified, sorted by path."""
    base = os.fsencode(batch_dir)
    root = os.path.realpath(base)
    found: list[InventoryEntry] = []
    pending: list[tuple[bytes, tuple[bytes, ...]]] = [(b"", (root,))]
    while pending:
        rel_dir, chain = pending.pop()
        try:
            names = os.listdir(os.path.join(base, rel_dir) if rel_dir else base)
        except OSError:
            found.append(_entry(rel_dir, "unreadable_dir"))
            continue
        for name in names:
            rel = os.path.join(rel_dir, name) if rel_dir else name
            kind, real = _classify(os.path.join(base, rel), name, not rel_dir, root, chain)
            found.append(_entry(rel, kind))
            if real is not None:
                pending.append((rel, chain + (real,)))
    return sorted(found, key=lambda e: e.path)


def input_paths(batch_dir: Path) -> set[str]:
    """The source_path of every input of the batch: each must have a documents or quarantine row."""
    return {e.path for e in inventory(batch_dir) if e.is_input}


def kind_counts(entries: list[InventoryEntry]) -> dict[str, int]:
    return dict(Counter(e.kind for e in entries))


def _entry(rel: bytes, kind: str) -> InventoryEntry:
    return InventoryEntry(display_path(os.fsdecode(rel)), kind)


def _classify(full: bytes, name: bytes, top: bool, root: bytes,
              chain: tuple[bytes, ...]) -> tuple[str, bytes | None]:
    """(kind, real path of a folder to list next, or None)."""
    if top and name in _MARKERS:
        return "marker", None
    try:
        own = os.lstat(full)
    except OSError:
        return "vanished", None
    if name.startswith(b"."):
        return ("hidden_dir" if stat.S_ISDIR(own.st_mode) else "hidden_file"), None
    if name in _MARKERS:
        return "marker_in_subfolder", None
    if stat.S_ISDIR(own.st_mode):
        return "dir", os.path.realpath(full)
    if not stat.S_ISLNK(own.st_mode):
        return next((kind for test, kind in _SPECIAL if test(own.st_mode)), "other"), None
    try:
        target = os.stat(full)
    except OSError as exc:
        return ("symlink_loop" if exc.errno == errno.ELOOP else "broken_symlink"), None
    real = os.path.realpath(full)
    inside = real == root or real.startswith(root + b"/")
    if not stat.S_ISDIR(target.st_mode):
        return ("symlink_to_file_inside" if inside else "symlink_to_file_outside"), None
    if not inside:
        return "symlink_to_dir_outside", None
    if real in chain:
        return "symlink_loop", None
    return "symlink_to_dir_inside", real
