"""Test helpers shared by several modules: settings and stores for a test database."""

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from newsdesk.config import Settings, load_settings
from newsdesk.store.backends import open_store
from newsdesk.store.store import Store


def settings_for(db_path: Path, landing: Path | None = None, **overrides: object) -> Settings:
    """Settings for a test database (the environment is ignored, so a developer's NEWSDESK_* cannot leak in)."""
    return load_settings({}, db_path=db_path, landing_dir=landing or db_path.parent / "landing", **overrides)


def store_for(db_path: Path) -> Store:
    return open_store(settings_for(db_path))


def snapshot_path(db_path: Path) -> Path:
    """The read-only copy analysts query, next to the database."""
    return store_for(db_path).snapshot_path()


@contextmanager
def write_transaction(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a test database (schema applied), inside one transaction the test body fills."""
    store = store_for(db)
    store.ensure_schema()
    con = store._connect(read_only=False, memory="default")
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    finally:
        con.close()


def as_nobody(fn: Callable[[], object]) -> object:
    """fn() in a forked child that gave up root (root reads any mode), its JSON-able result sent back."""
    out, into = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(out)
            os.setgid(65534)
            os.setuid(65534)
            os.write(into, json.dumps(fn()).encode())
        finally:
            os._exit(0)
    os.close(into)
    with os.fdopen(out, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)
