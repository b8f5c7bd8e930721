"""Connections to the embedded DuckDB file.

DuckDB allows one writing process per file and refuses other processes meanwhile ("Could not set
lock on file"), so connections are opened for one short read or one write transaction and closed at
once, and opening retries with backoff while another process holds the lock.
"""

from __future__ import annotations

import random
import tempfile
import time
from importlib import resources
from pathlib import Path

import duckdb

from newsdesk.errors import UserError

_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock", "database is locked")


def sql_text(name: str) -> str:
    """A file from the project's sql/ directory (shipped with the package)."""
    return resources.files("newsdesk").joinpath("sql", name).read_text(encoding="utf-8")


def schema_sql() -> list[str]:
    """The DDL files of sql/schema/, in name order."""
    folder = resources.files("newsdesk").joinpath("sql", "schema")
    return [
        f.read_text(encoding="utf-8")
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".sql")
    ]


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and any(m in str(exc) for m in _LOCK_MESSAGES)


# A DuckDB file starts with an 8-byte checksum and these magic bytes (duckdb's
# MainHeader::MAGIC_BYTES).
_MAGIC, _MAGIC_AT = b"DUCK", 8


def is_duckdb_file(path: Path) -> bool:
    """Whether `path` is a file that starts like a DuckDB database (damaged or not): only then is
    it ours to advise restoring. /etc/passwd, a CSV or a folder are somebody else's."""
    try:
        with open(path, "rb") as handle:
            return handle.read(_MAGIC_AT + len(_MAGIC))[_MAGIC_AT:] == _MAGIC
    except OSError:
        return False


def path_problem(path: Path) -> str | None:
    """What is wrong with NEWSDESK_DB pointing at `path` before DuckDB even tries, as one line;
    None if nothing. A missing file is no problem (a new database is created); a folder, a path
    below a file or a file without DuckDB's header is a wrong setting."""
    if path.is_dir():
        return (
            f"{path} is a folder, not a DuckDB file: set NEWSDESK_DB to the database file "
            "(a new one is created where none exists)"
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return (
                    f"NEWSDESK_DB={path} lies below {parent}, which is a file, not a "
                    "folder: set NEWSDESK_DB to a file in a folder"
                )
            break
    if path.is_file() and not is_duckdb_file(path):
        size = path.stat().st_size
        what = "an empty file" if size == 0 else f"a file of {size:,} bytes"
        return (
            f"NEWSDESK_DB={path} is not a DuckDB database ({what} without DuckDB's header): "
            "it is left alone; set NEWSDESK_DB to the database file, or to a new path to "
            "create one"
        )
    return None


def connect_file(
    path: Path, read_only: bool, memory_limit: str, timeout_s: float
) -> duckdb.DuckDBPyConnection:
    """Open the database file, waiting with jittered backoff while another process holds its
    lock."""
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UserError(
                path_problem(path)
                or f"cannot create the folder of {path}: set NEWSDESK_DB to a file in a folder"
            ) from None
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        try:
            return duckdb.connect(
                str(path), read_only=read_only, config=_config(path, memory_limit)
            )
        except duckdb.IOException as exc:
            if not is_lock_error(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 2.0)


def spill_dir(path: Path) -> Path:
    """Where DuckDB spills: next to the database (same disk), or the system temp folder when that
    folder is read-only (an analyst reading a snapshot on a read-only share must not need write
    access there)."""
    spill = path.resolve().parent / ".staging" / "duckdb-spill"
    try:
        spill.mkdir(parents=True, exist_ok=True)
        return spill
    except OSError:
        fallback = Path(tempfile.gettempdir()) / "newsdesk-duckdb-spill"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def _config(path: Path, memory_limit: str) -> dict[str, str | bool | int | float | list[str]]:
    """Bounded memory with spilling (read-only connections included: an export of a big batch sorts
    or hashes more than fits), and no insertion-order bookkeeping (nothing here relies on it)."""
    return {
        "memory_limit": memory_limit,
        "temp_directory": str(spill_dir(path)),
        "preserve_insertion_order": False,
        "allocator_background_threads": True,
    }
