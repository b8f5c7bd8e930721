"""The Store: where the tables live and the one way code reaches them.

Every SQL statement of the project runs on a connection a Store hands out: `read()` for a short
read, `write(fn)` for one write transaction. The Store decides the backend (one embedded DuckDB
file, or a DuckLake), the memory each kind of work gets (`MemoryPolicy` profiles), that the schema
is applied once per process inside a transaction, and what a writer does when another holds the
database (wait for the file lock, or retry a lake commit conflict: `fn` may run more than once, so
it must only touch the connection).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from newsdesk.config import StoreSettings
from newsdesk.errors import (
    DamagedFile,
    OutOfMemory,
    TransientError,
    UserError,
    is_out_of_memory,
    out_of_memory_line,
)
from newsdesk.store.db import (
    connect_file,
    is_duckdb_file,
    is_lock_error,
    path_problem,
    schema_sql,
    sql_text,
)
from newsdesk.store.schema import pending_ddl
from newsdesk.store.snapshot import strip_internals

T = TypeVar("T")
Connection = duckdb.DuckDBPyConnection

_SCHEMA_DONE: set[tuple[str, str]] = set()
_SCHEMA_LOCK = threading.Lock()


class StoreError(RuntimeError):
    """The store cannot be used as configured; the message says what to do."""


@dataclass(frozen=True)
class Published:
    """What `Store.publish` made visible to analysts."""

    location: str  # a file path, or the lake and its snapshot id
    size_bytes: int | None = None
    snapshot_id: int | None = None

    def describe(self) -> str:
        return f"published {self.location}" + (
            f" ({self.size_bytes / 2**20:.1f} MB)" if self.size_bytes else ""
        )


class Store:
    """The embedded backend: one DuckDB file, one writing process at a time, analysts read a
    published copy."""

    backend = "duckdb"

    def __init__(self, settings: StoreSettings) -> None:
        self.settings = settings

    @property
    def path(self) -> Path:
        return Path(self.settings.db_path)

    @property
    def scratch_root(self) -> Path:
        """Where stages stage their Parquet files: next to the database, on the same disk."""
        root = self.path.resolve().parent / ".staging"
        root.mkdir(parents=True, exist_ok=True)
        return root

    def describe(self) -> str:
        return f"DuckDB file {self.path}"

    # -- connections
    # -------------------------------------------------------------------------------------------
    def _connect(self, read_only: bool, memory: str, path: Path | None = None) -> Connection:
        path = path or self.path
        try:
            return connect_file(
                path, read_only, self.settings.memory.limit(memory), self.settings.lock_timeout_s
            )
        except duckdb.IOException as exc:
            raise _explain(exc, path, self.settings.lock_timeout_s) from None
        except PermissionError as exc:
            raise UserError(
                f"cannot write next to {path} ({exc.strerror}): make the folder writable or set "
                "NEWSDESK_DB to a file in a writable folder"
            ) from None

    @contextmanager
    def read(self, memory: str = "default") -> Iterator[Connection]:
        """A short read-only connection (the schema is created first when the database is new)."""
        self._ready_to_read()
        con = self._connect(read_only=True, memory=memory)
        try:
            yield con
        finally:
            con.close()

    def write(
        self,
        fn: Callable[[Connection], T],
        memory: str = "default",
        serialise: bool = False,
        message: str | None = None,
    ) -> T:
        """fn(con) inside one transaction: committed when it returns, rolled back when it raises.
        The file admits one writer at a time, so `serialise` (one publisher at a time) and `message`
        (the commit's label on a lake) need nothing more here."""
        self.ensure_schema()
        con = self._connect(read_only=False, memory=memory)
        try:
            return _in_transaction(con, fn)
        finally:
            con.close()

    def exists(self) -> bool:
        return self.path.exists()

    def _ready_to_read(self) -> None:
        if (
            not self.exists()
        ):  # only a new file: a writer connection would wait for a running stage's commit
            self.ensure_schema()

    # -- schema
    # ----------------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Apply sql/schema/*.sql and sql/views.sql once per process, inside one transaction (a kill
        during it leaves the previous schema, never half of it)."""
        key = (
            self.backend,
            str(self.path.resolve()) if self.backend == "duckdb" else self.describe(),
        )
        with _SCHEMA_LOCK:
            if key in _SCHEMA_DONE:
                return
            con = self._connect(read_only=False, memory="default")
            try:
                _in_transaction(con, self.apply_schema)
            finally:
                con.close()
            _SCHEMA_DONE.add(key)

    def apply_schema(self, con: Connection) -> None:
        _unkey_contents(con)
        for ddl in schema_sql():
            con.execute(ddl)
        for ddl in pending_ddl():
            con.execute(ddl)
        con.execute(sql_text("views.sql"))
        con.execute(sql_text("view_comments.sql"))  # CREATE OR REPLACE VIEW drops a view's comments

    # -- analysts
    # ----------------------------------------------------------------------------------------------
    def snapshot_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}.snapshot{self.path.suffix}")

    def build_search_index(self) -> int:
        """(Re)build the BM25 full-text index over articles; returns the number of articles
        indexed."""
        from newsdesk.store.fts import build_article_index

        return self.write(build_article_index)

    def report_dir(self) -> Path:
        """Where the HTML report is written: next to what analysts open."""
        return self.snapshot_path().parent

    def reader_location(self) -> str:
        """What analysts open: the published snapshot when there is one, else the live file."""
        snap = self.snapshot_path()
        return str(snap if snap.exists() else self.path)

    @contextmanager
    def analyst(self) -> Iterator[Connection]:
        """A read-only connection to what analysts see (the published snapshot), for the CLI."""
        if not Path(self.reader_location()).exists():
            raise UserError(
                f"no database at {self.path}: run `make demo` or `python -m pipelines run <batch>` "
                "first, or set NEWSDESK_DB"
            )
        con = self._connect(read_only=True, memory="default", path=Path(self.reader_location()))
        try:
            yield con
        finally:
            con.close()

    def publish(self) -> Published:
        """Copy the database to its snapshot path atomically (temp file + rename, removed on any
        failure), without the internals analysts never need (`pending`, the dedup index). The
        published tables only ever hold whole batches (stages write into `pending` until a batch is
        published), so any moment is a consistent one to copy."""
        self.ensure_schema()
        target = self.snapshot_path()
        sweep_stale_copies(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        con = self._connect(
            read_only=False, memory="default"
        )  # the write lock: nobody changes the file meanwhile
        try:
            con.execute("CHECKPOINT")
            shutil.copyfile(self.path, tmp)
            copy = self._connect(read_only=False, memory="default", path=tmp)
            try:
                strip_internals(
                    copy
                )  # analysts see only the documented tables (newsdesk.store.snapshot)
            finally:
                copy.close()
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk must not leave a partial copy behind
            raise
        finally:
            con.close()
        return Published(location=str(target), size_bytes=target.stat().st_size)


def sweep_stale_copies(target: Path) -> None:
    """Remove temp copies left by a publish that was killed (their pid no longer runs)."""
    from newsdesk.store.staging import sweep_stale

    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        sweep_stale(leftover.parent, only=leftover.name)


def _unkey_contents(con: Connection) -> None:
    """Databases from before document_contents held a content per (doc_id, sha256) keyed it by
    doc_id alone; DuckDB cannot drop a key, so the table is rebuilt once, with the sha256 of each
    row's document."""
    keyed = con.execute("""SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'main'
                           AND table_name = 'document_contents'
                               AND constraint_type = 'PRIMARY KEY'""").fetchall()[0][0]
    if keyed:
        con.execute("""CREATE TABLE _contents AS SELECT c.*, d.sha256 FROM document_contents c
                       LEFT JOIN documents d USING (doc_id)""")
        con.execute("DROP TABLE document_contents")
        con.execute("ALTER TABLE _contents RENAME TO document_contents")


def _explain(exc: duckdb.IOException, path: Path, timeout_s: float) -> Exception:
    """A DuckDB open failure as the error a person can act on: a wrong NEWSDESK_DB (a folder, a
    path below a file, a file that is not a DuckDB database: never advised to be moved or restored,
    it is not ours), a damaged database of ours (its header says DuckDB), or running out of memory.
    """
    if is_lock_error(exc):
        return TransientError(
            f"{path} stayed locked by another process for {timeout_s:.0f} s (one writer at a "
            "time): wait for the other run, or use storage ducklake for several writers"
        )
    first = str(exc).strip().splitlines()[0]
    if "Permission denied" in first or "Read-only file system" in first:
        return UserError(
            f"cannot write {path} ({first}): make its folder writable or set NEWSDESK_DB elsewhere"
        )
    if is_out_of_memory(exc):
        return OutOfMemory(out_of_memory_line(f"opening the database {path}"))
    problem = path_problem(path)
    if problem is not None:
        return UserError(problem)
    if is_duckdb_file(path):
        return DamagedFile(
            f"the database {path} is damaged ({first}): restore it from a backup, "
            "or set NEWSDESK_DB to another file (a new one is created where none "
            "exists)"
        )
    return UserError(f"cannot open the database {path}: {first}; set NEWSDESK_DB to another file")


def _in_transaction(con: Connection, fn: Callable[[Connection], T]) -> T:
    con.execute("BEGIN TRANSACTION")
    try:
        result = fn(con)
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the connection is already broken; closing it discards the transaction
        raise
    con.execute("COMMIT")
    return result
