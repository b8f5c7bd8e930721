"""Connections to the DuckDB file.

DuckDB allows one writing process per file and refuses other processes meanwhile ("Could not set lock on
file"), so connections here are opened for one short read or one write transaction and closed at once, and
opening retries with backoff while another process holds the lock.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock", "database is locked")


def sql_text(name: str) -> str:
    """A file from the project's sql/ directory (shipped with the package)."""
    return resources.files("newsdesk").joinpath("sql", name).read_text(encoding="utf-8")


def schema_sql() -> list[str]:
    """The DDL files of sql/schema/, in name order."""
    folder = resources.files("newsdesk").joinpath("sql", "schema")
    return [f.read_text(encoding="utf-8") for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".sql")]


# DuckDB's default memory limit is 80% of RAM: on a shared machine a big batch insert would take it all.
# Above this it spills to disk (NEWSDESK_DUCKDB_MEMORY overrides).
DEFAULT_MEMORY_LIMIT = os.environ.get("NEWSDESK_DUCKDB_MEMORY", "1GB")
# Bulk loads of staged text stream from Parquet and lose nothing by spilling early: loading the raw pages of a
# 100k batch peaked at +1.16 GB with 1GB and +0.54 GB with 400MB, in the same time (74 vs 78 s).
BULK_LOAD_MEMORY_LIMIT = os.environ.get("NEWSDESK_DUCKDB_LOAD_MEMORY", "512MB")


def connect(db_path: Path | str, read_only: bool = False, timeout_s: float = 120.0) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting with jittered backoff while another process holds its lock."""
    path = Path(db_path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=_config(path))
        except duckdb.IOException as exc:
            if not any(m in str(exc) for m in _LOCK_MESSAGES) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 2.0)


def _config(path: Path) -> dict[str, str | bool]:
    """Bounded memory with spilling next to the database (read-only connections included: an export of a big
    batch sorts or hashes more than fits), and no insertion-order bookkeeping (nothing here relies on it)."""
    spill = path.resolve().parent / ".staging" / "duckdb-spill"
    spill.mkdir(parents=True, exist_ok=True)
    return {"memory_limit": DEFAULT_MEMORY_LIMIT, "temp_directory": str(spill), "preserve_insertion_order": False,
            "allocator_background_threads": True}


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in schema_sql():
        con.execute(ddl)
    con.execute(sql_text("views.sql"))


@contextmanager
def write_transaction(db_path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write transaction on a fresh connection: committed on success, rolled back on any error."""
    con = connect(db_path)
    try:
        apply_schema(con)
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


@contextmanager
def read_connection(db_path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-only connection (the schema must exist: a writer creates it)."""
    path = Path(db_path)
    if not path.exists():
        with write_transaction(path):
            pass
    con = connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()
