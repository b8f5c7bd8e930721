"""The reader's listing of a batch directory: every entry that is an input, in reading order.

Rules (the accounting check applies the same ones through `newsdesk.ingest.inventory`, which lists
the folder by its own code path):
- the batch folder's own `_SUCCESS`/`_STARTED`/`_MANIFEST` are completion markers, not inputs; a
  marker file in a sub-folder is an input, quarantined as `marker_file`;
- a hidden file or folder (name starting with ".") is one input, quarantined as
  `hidden_file`/`hidden_folder` (a hidden folder is not opened: editor, VCS and OS folders hold no
  articles);
- a symbolic link is followed when its target is inside the batch (a folder link's files are listed
  under the link's path, so a second name of a file is read and found a duplicate), refused as
  `symlink_outside_batch` when outside, `symlink_loop` when it cannot resolve or points to a folder
  that contains it, `unreadable` when its target is missing;
- a folder that cannot be listed is one input, quarantined as `unreadable`.
FIFOs, sockets and devices are listed like files; the reader refuses to open them (`fileread`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsdesk.ingest.names import MARKER_FILES, display_path, is_hidden

_NEVER_RESOLVES = "the symbolic link does not resolve (a loop of links, or a chain of more than 40)"


@dataclass(frozen=True)
class BatchEntry:
    path: str  # to open (native: undecodable name bytes as surrogate escapes)
    rel: str  # relative to the batch folder, native
    problem: tuple[str, str] | None = None  # (reason, detail) when the entry is not read
    size: int | None = None

    @property
    def source_path(self) -> str:
        """The name stored in the database (valid UTF-8)."""
        return display_path(self.rel)

    @property
    def name(self) -> str:
        return display_path(self.rel.rsplit("/", 1)[-1])


def walk_batch(batch_dir: Path) -> Iterator[BatchEntry]:
    """Every input under `batch_dir`, depth first: a folder's files and problem entries by name,
    then its real sub-folders, then its linked ones. Iterative: a tree deeper than Python's
    recursion limit is just deep."""
    root = batch_dir.resolve()
    top = os.stat(batch_dir)
    pending: list[tuple[str, str, tuple[tuple[int, int], ...]]] = [
        (str(batch_dir), "", ((top.st_dev, top.st_ino),))
    ]
    while pending:
        folder, rel_dir, ancestors = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield BatchEntry(
                folder, rel_dir, ("unreadable", f"cannot list the folder: {exc.strerror or exc}")
            )
            continue
        subfolders: list[tuple[bool, str, str, tuple[int, int]]] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if not rel_dir and entry.name in MARKER_FILES:
                continue
            found = _classify(entry, rel, root, ancestors)
            if isinstance(found, BatchEntry):
                yield found
            else:
                subfolders.append((entry.is_symlink(), entry.path, rel, found))
        # Real folders before linked ones (a file reached both ways keeps its real name, the link's
        # copy is the duplicate); pushed in reverse so the first is listed next.
        for _, path, rel, key in reversed(sorted(subfolders, key=lambda f: f[0])):
            pending.append((path, rel, ancestors + (key,)))


def _classify(
    entry: os.DirEntry, rel: str, root: Path, ancestors: tuple[tuple[int, int], ...]
) -> BatchEntry | tuple[int, int]:
    """A BatchEntry for a file or a refused entry, or the (device, inode) of a folder to descend
    into."""
    if is_hidden(entry.name) or entry.name in MARKER_FILES:
        return _by_name(entry, rel)
    try:
        refused = _link_problem(entry.path, root) if entry.is_symlink() else None
        if refused:
            return BatchEntry(entry.path, rel, refused)
        info = entry.stat(follow_symlinks=True)
    except OSError as exc:
        return BatchEntry(
            entry.path, rel, ("unreadable", f"cannot stat the entry: {exc.strerror or exc}")
        )
    if not stat.S_ISDIR(info.st_mode):
        return BatchEntry(entry.path, rel, size=info.st_size)
    key = (info.st_dev, info.st_ino)
    if key in ancestors:
        return BatchEntry(
            entry.path,
            rel,
            (
                "symlink_loop",
                "a symbolic link to a folder that contains it (a loop) is not followed",
            ),
        )
    return key


def _by_name(entry: os.DirEntry, rel: str) -> BatchEntry:
    if entry.name in MARKER_FILES:
        return BatchEntry(
            entry.path,
            rel,
            (
                "marker_file",
                f"a completion marker ({entry.name}) in a sub-folder is "
                "not read: only the batch folder's own markers count",
            ),
        )
    try:
        what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
    except OSError:
        what = "file"
    return BatchEntry(
        entry.path,
        rel,
        (
            f"hidden_{what}",
            f"a hidden {what} (its name starts with '.') is not read; "
            "rename it without the dot if it holds articles",
        ),
    )


def _link_problem(path: str, root: Path) -> tuple[str, str] | None:
    try:
        target = Path(path).resolve(strict=True)
    except RuntimeError:
        return "symlink_loop", _NEVER_RESOLVES
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink_loop", _NEVER_RESOLVES
        if exc.errno == errno.ENOENT:
            return "unreadable", "a symbolic link to a file or folder that does not exist"
        return "unreadable", f"cannot follow the symbolic link: {exc.strerror or exc}"
    if not target.is_relative_to(root):
        return (
            "symlink_outside_batch",
            "a symbolic link pointing outside the batch directory is refused",
        )
    return None
