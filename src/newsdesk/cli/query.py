"""`newsdesk query` and `newsdesk export`: a result on screen, or the whole of it in a file,
streamed by COPY."""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import duckdb

from newsdesk.cli.database import (
    RUN_FIRST,
    CliError,
    analyst,
    damaged,
    first_line,
    is_damage,
    location,
)
from newsdesk.cli.table import from_relation, plural, render
from newsdesk.store import cli_queries
from newsdesk.store.fts import load_fts
from newsdesk.store.store import Connection, Store

STDOUT = "-"
# Full-text search macros need the fts extension; loading it costs ~0.2 s, so only queries that use
# it pay.
_USES_FTS = re.compile(r"fts_main|match_bm25", re.I)
_BY_SUFFIX = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def show_query(
    store: Store, sql: str, limit: int | None, width: int | None, out: TextIO = sys.stdout
) -> None:
    with analyst(store) as con:
        try:
            _prepare(con, sql)
            rel = con.sql(sql)
            if rel is None:
                print("OK (the statement returns no rows)", file=out)
                return
            table = from_relation(rel, limit)
        except duckdb.Error as exc:
            raise CliError(sql_failure(store, con, _with_caret(con, sql, exc))) from None
    shown = render(table, width)
    print("\n".join(shown.lines), file=out)
    if table.truncated:
        print(
            f"showing {len(table.rows):,} of {plural(table.total, 'row')}; use --limit N, --all, "
            "or --csv FILE / --parquet FILE to export everything",
            file=out,
        )
    else:
        print(f"({plural(table.total, 'row')})", file=out)
    if shown.n_cut:
        print(
            f"{plural(shown.n_cut, 'cell')} longer than {width} characters cut (ending in …); "
            "--wide shows them whole",
            file=out,
        )


def export_query(
    store: Store, sql: str, fmt: str, target: str, out: TextIO = sys.stdout, raw_csv: bool = False
) -> None:
    """Every row of the query's result into `target` (a file, or - for standard output); CSV text
    cells that start like a spreadsheet formula are neutralised unless `raw_csv`."""
    destination = _destination(target, fmt)
    with analyst(store) as con:
        try:
            _prepare(con, sql)
            statements = con.extract_statements(sql)
            if not statements:
                raise CliError(
                    "no SQL statement given: pass a query, e.g. newsdesk query "
                    '"SELECT * FROM outlets"'
                )
            for statement in statements[:-1]:  # SET, LOAD ...: what the last one relies on
                con.execute(statement.query)
            last = statements[-1].query
            n = _write(
                lambda to: cli_queries.export_query(con, last, to, fmt, raw_csv),
                destination,
                target,
            )
        except duckdb.Error as exc:
            raise CliError(sql_failure(store, con, exc)) from None
    _done(n, target, out)


def export_relation(
    store: Store,
    name: str,
    target: str,
    fmt: str | None,
    out: TextIO = sys.stdout,
    raw_csv: bool = False,
) -> None:
    fmt = fmt or format_of(target)
    destination = _destination(target, fmt)
    with analyst(store) as con:
        known = cli_queries.relations(con)
        if name.lower() not in known:
            if not cli_queries.has_project_tables(con):
                raise CliError(f"the database {location(store)} has no tables yet: {RUN_FIRST}")
            raise CliError(
                f"no table or view named {name!r}; there are: {', '.join(sorted(known.values()))}"
            )
        try:
            n = _write(
                lambda to: cli_queries.export_relation(con, name, to, fmt, raw_csv),
                destination,
                target,
            )
        except duckdb.Error as exc:
            if is_damage(exc):
                raise CliError(damaged(store, location(store), exc)) from None
            raise CliError(f"cannot export {name}: {first_line(exc)}") from None
    _done(n, target, out)


def format_of(target: str) -> str:
    """The export format a file name asks for (a trailing .gz compresses csv and json)."""
    if target == STDOUT:
        return "csv"
    name = target.lower().removesuffix(".gz")
    fmt = next((f for suffix, f in _BY_SUFFIX.items() if name.endswith(suffix)), None)
    if fmt is None:
        raise CliError(
            f"cannot tell the format of {target} from its name: end it in .csv, .parquet, .json or "
            ".jsonl, or pass --format"
        )
    return fmt


def sql_failure(store: Store, con: Connection, exc: duckdb.Error) -> str:
    if is_damage(exc):
        return damaged(store, location(store), exc)
    if isinstance(exc, duckdb.CatalogException):
        try:
            empty = not cli_queries.has_project_tables(con)
        except duckdb.Error:
            empty = False
        if empty:
            return f"the database {location(store)} has no tables yet: {RUN_FIRST}"
    # DuckDB's whole message: its hints ("Did you mean", "Candidate bindings") and the LINE/caret
    # lines under it.
    return f"SQL error: {str(exc).strip() or type(exc).__name__}"


def _with_caret(con: Connection, sql: str, exc: duckdb.Error) -> duckdb.Error:
    """The same error with DuckDB's `LINE 1: ... ^` lines, which a relation's (`con.sql`) errors
    leave out and `execute`'s keep. Only for errors of parsing and binding, raised before anything
    ran: binding again runs nothing either."""
    if isinstance(exc, (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)):
        try:
            con.execute(sql)
        except duckdb.Error as again:
            return again
    return exc


def _prepare(con: Connection, sql: str) -> None:
    if _USES_FTS.search(sql):
        try:
            load_fts(con)
        except (duckdb.Error, RuntimeError):
            pass  # the query itself then says what is missing


def _destination(target: str, fmt: str) -> str:
    if target == STDOUT:
        if fmt == "parquet":
            raise CliError(
                "Parquet cannot go to standard output: give a file name, e.g. "
                "--parquet result.parquet"
            )
        return STDOUT
    path = Path(target)
    if path.is_dir():
        raise CliError(f"{target} is a folder: give a file name inside it")
    if not path.parent.is_dir():
        raise CliError(
            f"the folder {path.parent} does not exist: create it or write somewhere else"
        )
    return str(path)


def _write(copy: Callable[[str], int], destination: str, target: str) -> int:
    """Run one COPY into `destination`. Standard output: DuckDB opens /dev/stdout itself when it is
    a pipe or a terminal; a regular file there (`> out.csv`, `>> log`) would be truncated and
    overwritten from its start by that second open, so DuckDB writes a temporary file that is then
    appended to standard output."""
    try:
        if destination != STDOUT:
            return int(copy(destination))
        sys.stdout.flush()  # what Python printed so far comes first
        mode = os.fstat(sys.stdout.fileno()).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            return int(copy("/dev/stdout"))
        with tempfile.TemporaryDirectory(prefix="newsdesk-export-") as folder:
            temporary = os.path.join(folder, "result")
            n = int(copy(temporary))
            with open(temporary, "rb") as handle:
                shutil.copyfileobj(handle, sys.stdout.buffer, 1 << 20)
            sys.stdout.flush()
            return n
    except duckdb.IOException as exc:
        if is_damage(exc):
            raise
        raise CliError(
            f"cannot write {target}: {first_line(exc)}; write it somewhere else"
        ) from None


def _done(n: int, target: str, out: TextIO) -> None:
    if target != STDOUT:  # standard output carries only the data
        print(f"wrote {plural(n, 'row')} to {target}", file=out)
