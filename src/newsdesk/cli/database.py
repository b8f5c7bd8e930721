"""Opening what analysts read, and DuckDB's failures turned into one line that says what to do."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from newsdesk.errors import UserError
from newsdesk.store.db import is_duckdb_file, is_lock_error, path_problem
from newsdesk.store.store import Connection, Store

RUN_FIRST = "run `make demo` or `python -m pipelines run <batch>` first, or set NEWSDESK_DB"
_DAMAGE = ("not a valid duckdb database", "could not read enough bytes", "checksum", "corrupt")


class CliError(UserError):
    """A user error of the command line: one line saying what went wrong and what to do (exit code
    2)."""


def location(store: Store) -> Path:
    """The file analysts read (the snapshot, else the live database), refused when it is not
    there."""
    path = Path(store.reader_location())
    if not path.exists():
        raise CliError(f"no database at {store.path}: {RUN_FIRST}")
    if path.is_dir():
        raise CliError(
            f"{path} is a folder, not a DuckDB file: set NEWSDESK_DB (or --db) to the database file"
        )
    return path


@contextmanager
def analyst(store: Store) -> Iterator[Connection]:
    """A read-only connection to what analysts see; a file that cannot be opened is a CliError."""
    if store.backend != "duckdb":  # a lake: no file to check, the store says what is wrong
        with store.analyst() as con:
            quiet(con)
            yield con
        return
    path = location(store)
    with ExitStack() as stack:
        try:
            con = stack.enter_context(store.analyst())
        except duckdb.Error as exc:
            raise CliError(open_failure(store, path, exc)) from None
        except UserError as exc:
            # The store words open failures for every caller; the CLI knows a damaged snapshot is
            # re-published, never restored, so it words DuckDB's own error (kept as the context)
            # itself.
            cause = exc.__context__
            if isinstance(cause, duckdb.Error) and not is_lock_error(cause):
                raise CliError(open_failure(store, path, cause)) from None
            raise
        quiet(con)
        yield con


def quiet(con: Connection) -> None:
    """DuckDB draws its progress bar on standard output: in a pipe or a file it would corrupt the
    data."""
    if not sys.stdout.isatty():
        con.execute("SET enable_progress_bar = false")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_damage(exc: BaseException) -> bool:
    """DuckDB read a file that is cut off or is not a database (as opposed to a mistake in the
    SQL)."""
    if isinstance(exc, duckdb.SerializationException):  # reading the file's blocks, not the SQL
        return True
    return isinstance(exc, duckdb.IOException) and any(m in str(exc).lower() for m in _DAMAGE)


def damaged(store: Store, path: Path, exc: BaseException) -> str:
    # /etc/passwd is not ours: never advise moving or restoring it (the snapshot is ours whatever
    # it holds: publishing it again is the fix)
    if path != store.snapshot_path() and not is_duckdb_file(path):
        return path_problem(path) or (
            f"cannot open {path} ({first_line(exc)}): set NEWSDESK_DB to the database file"
        )
    if path == store.snapshot_path():
        fix = "publish it again with `python -m pipelines corpus`"
    else:
        fix = (
            "restore it from a backup, or move it aside and re-run the batches "
            "(`python -m pipelines run <batch>`)"
        )
    return (
        f"the database file {path} is damaged or not a DuckDB database ({first_line(exc)}): {fix}"
    )


def open_failure(store: Store, path: Path, exc: duckdb.Error) -> str:
    message = str(exc)
    if is_lock_error(exc):
        return (
            f"{path} is being written by a pipeline run and no snapshot is published yet: try "
            "again when the run has finished"
        )
    if "Permission denied" in message:
        return f"cannot read {path}: permission denied; ask for read access or copy the file"
    if "version" in message.lower() and "storage" in message.lower():
        return (
            f"{path} was written by another DuckDB version ({first_line(exc)}): use the project's "
            f"environment (duckdb {duckdb.__version__})"
        )
    if is_damage(exc) or isinstance(exc, duckdb.IOException):
        return damaged(store, path, exc)
    return f"cannot open {path}: {first_line(exc)}"
