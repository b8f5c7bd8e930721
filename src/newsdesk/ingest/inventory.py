"""An inventory of a batch folder that does not trust the reader: the accounting check lists the
folder here, by a different code path (bytes names, os.listdir, lstat, realpath; the reader uses str
names, os.scandir and (device, inode) pairs), so a reader bug that skips an entry cannot hide itself
by skipping it in the check too.

Every entry is classified; an entry is an input (it must have a `documents` or `quarantine` row
under its `source_path`) unless it is a folder that is listed (a real folder, or a link to a folder
inside the batch that is followed) or one of the batch folder's own completion markers. The rules
are the ones `newsdesk.ingest.walk` documents. `expected_rows` goes one level deeper for the formats
that hold many records (WARC, JSONL), counting them with minimal parsers of its own, so a reader
that drops records inside a file is caught too.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.ingest.bounded import BadStream, Inflater, TooLarge
from newsdesk.ingest.names import MARKER_FILES, display_path

_MARKERS = frozenset(os.fsencode(m) for m in MARKER_FILES)
_SPECIAL = (
    (stat.S_ISREG, "file"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "char_device"),
    (stat.S_ISBLK, "block_device"),
)
# Folders the listing descends into, and the top-level markers: the only entries that are not
# inputs.
NOT_INPUTS = frozenset({"dir", "symlink_to_dir_inside", "marker"})
# WARC record types that describe a capture (counted apart by the reader); every other record gives
# a row.
_PROTOCOL_RECORDS = frozenset({b"warcinfo", b"request", b"metadata"})
_MULTI_RECORD_SUFFIXES = (b".warc", b".jsonl", b".ndjson")


@dataclass(frozen=True)
class InventoryEntry:
    path: str  # relative to the batch folder, as stored in documents/quarantine.source_path
    kind: str  # file | fifo | socket | char_device | block_device | other | dir | marker |
    #            marker_in_subfolder | hidden_file | hidden_dir | symlink_to_file_inside |
    #            symlink_to_file_outside | symlink_to_dir_inside | symlink_to_dir_outside |
    #            broken_symlink | symlink_loop | unreadable_dir | vanished
    full: bytes = field(default=b"", repr=False, compare=False)

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
        folder = os.path.join(base, rel_dir) if rel_dir else base
        try:
            names = os.listdir(folder)
        except OSError:
            found.append(
                InventoryEntry(display_path(os.fsdecode(rel_dir)), "unreadable_dir", folder)
            )
            continue
        for name in names:
            rel = os.path.join(rel_dir, name) if rel_dir else name
            full = os.path.join(base, rel)
            kind, real = _classify(full, name, not rel_dir, root, chain)
            found.append(InventoryEntry(display_path(os.fsdecode(rel)), kind, full))
            if real is not None:
                pending.append((rel, chain + (real,)))
    return sorted(found, key=lambda e: e.path)


def input_paths(batch_dir: Path) -> set[str]:
    """The source_path of every input of the batch: each must have a documents or quarantine row."""
    return {e.path for e in inventory(batch_dir) if e.is_input}


def expected_rows(batch_dir: Path, max_file_bytes: int) -> dict[str, int]:
    """source_path -> the least number of `documents` + ingest `quarantine` rows the input must
    have: one per input, and for WARC and JSONL files (plain or gzip, up to `max_file_bytes`) one
    per page record (any record but warcinfo/request/metadata) or non-blank line."""
    out: dict[str, int] = {}
    for entry in inventory(batch_dir):
        if entry.is_input:
            multi = entry.kind in ("file", "symlink_to_file_inside")
            out[entry.path] = max(
                out.get(entry.path, 0),
                1,
                _count_records(entry.full, max_file_bytes) if multi else 1,
            )
    return out


def kind_counts(entries: list[InventoryEntry]) -> dict[str, int]:
    return dict(Counter(e.kind for e in entries))


def _classify(
    full: bytes, name: bytes, top: bool, root: bytes, chain: tuple[bytes, ...]
) -> tuple[str, bytes | None]:
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
        # A real folder's real path is its parent's plus its name (realpath here would cost O(depth)
        # per folder).
        return "dir", os.path.join(chain[-1], name)
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


def _count_records(path: bytes, max_file_bytes: int) -> int:
    lower = path.lower()
    gzipped = lower.endswith(b".gz")
    inner = lower[:-3] if gzipped else lower
    if not inner.endswith(_MULTI_RECORD_SUFFIXES):
        return 1
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_file_bytes:
            return 1
        with open(path, "rb") as handle:
            data = handle.read(max_file_bytes + 1)
    except OSError:
        return 1
    if gzipped:
        data, over = _gunzip_prefix(data, max_file_bytes)
        if over and not inner.endswith(b".warc"):
            return 1  # the reader refuses such a JSONL file whole: file_too_large
    if inner.endswith(b".warc"):
        return sum(1 for rec_type in _warc_record_types(data) if rec_type not in _PROTOCOL_RECORDS)
    return _count_lines(data)


def _gunzip_prefix(data: bytes, limit: int) -> tuple[bytes, bool]:
    """What the gzip members of `data` decompress to, up to the first broken or cut-off one (whose
    readable start is kept), at most `limit` bytes (inflated in bounded chunks: a bomb is never
    inflated past it); and whether there was more than `limit`."""
    reader = Inflater(data, limit)
    parts = []
    try:
        while chunk := reader.read(1 << 20):
            parts.append(chunk)
    except (BadStream, TooLarge):
        pass
    return b"".join(parts), reader.over


def _warc_record_types(data: bytes) -> Iterator[bytes]:
    """The WARC-Type of each complete record: a `WARC/1.x` header block, then Content-Length bytes
    of block."""
    pos = 0
    while (start := data.find(b"WARC/", pos)) != -1:
        end = data.find(b"\r\n\r\n", start)
        if end == -1:
            return
        fields = {}
        for line in data[start:end].split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            fields[key.strip().lower()] = value.strip()
        try:
            length = int(fields.get(b"content-length", b""))
        except ValueError:
            return
        if end + 4 + length > len(data):
            return  # cut off inside this record: the reader reports the cut, not the record
        yield fields.get(b"warc-type", b"").lower()
        pos = end + 4 + length


def _count_lines(data: bytes) -> int:
    """Non-blank lines; a UTF-16/32 file (told by its first four bytes, the JSON standard's way)
    counts decoded lines, and one that does not decode counts once (the reader refuses it whole)."""
    codec = json.detect_encoding(data[:4])
    if codec.startswith(("utf-16", "utf-32")):
        try:
            return sum(1 for line in data.decode(codec).split("\n") if line.strip())
        except UnicodeDecodeError:
            return 1
    return sum(1 for line in data.split(b"\n") if line.strip())
