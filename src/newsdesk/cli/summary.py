"""`newsdesk summary` and `newsdesk report`: what the pipeline produced, as text and as a page of
pictures."""

from __future__ import annotations

import sys
import tempfile
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
from newsdesk.cli.table import Table, from_relation, from_rows, plural, render
from newsdesk.store import cli_queries
from newsdesk.store.store import Store

SECTIONS = (
    ("quarantine", cli_queries.quarantine),
    (
        "copy clusters with more than one article (outlet: the story's; copied_by: its copies')",
        cli_queries.copy_clusters,
    ),
    ("story links (different write-ups sharing passages)", cli_queries.story_links),
    ("canonical articles", cli_queries.canonical_articles),
    ("top entities", cli_queries.top_entities),
)


def print_summary(
    store: Store, limit: int = 10, width: int | None = 60, out: TextIO = sys.stdout
) -> None:
    """Row counts, then a few rows of each section; says when a section has more rows or a cell was
    cut."""
    with analyst(store) as con:
        try:
            if not cli_queries.has_project_tables(con):
                raise CliError(f"the database {location(store)} has no tables yet: {RUN_FIRST}")
            print(f"== {store.reader_location()}", file=out)
            _section(
                out, "tables", from_rows(("table", "n_rows"), cli_queries.table_counts(con)), width
            )
            if cli_queries.n_batches(con) == 0:
                print(f"\nno batch processed yet: {RUN_FIRST}", file=out)
                return
            for title, query in SECTIONS:
                _section(out, title, from_relation(query(con), limit), width)
        except duckdb.Error as exc:
            if is_damage(exc):
                raise CliError(damaged(store, location(store), exc)) from None
            raise CliError(f"cannot summarise {location(store)}: {first_line(exc)}") from None


def _section(out: TextIO, title: str, table: Table, width: int | None) -> None:
    print(f"\n-- {title}", file=out)
    if not table.rows and not table.truncated:
        print("(none)", file=out)
        return
    shown = render(table, width)
    print("\n".join(shown.lines), file=out)
    notes = []
    if table.truncated:
        notes.append(
            f"showing {len(table.rows):,} of {plural(table.total, 'row')} "
            "(`newsdesk summary --limit N` shows more)"
        )
    if shown.n_cut:
        notes.append(
            f"{plural(shown.n_cut, 'cell')} cut to {width} characters (ending in …; "
            "--wide shows them whole)"
        )
    if notes:
        print("; ".join(notes), file=out)


def write_report(store: Store, out_dir: Path | None, out: TextIO = sys.stdout) -> Path:
    """The HTML report of what analysts see, next to the snapshot unless `out_dir` says
    otherwise."""
    if store.backend == "duckdb":
        location(
            store
        )  # no database: say so before anything else (a lake says so when it is opened)
    folder = out_dir if out_dir is not None else store.report_dir()
    _check_writable(folder)  # before the plotting library loads and the queries run

    from newsdesk.report import (
        build_report,
    )  # lazy: the plotting library loads only for this command

    with analyst(store) as con:
        try:
            path = build_report(con, folder)
        except duckdb.Error as exc:
            if is_damage(exc) and store.backend == "duckdb":
                raise CliError(damaged(store, location(store), exc)) from None
            raise CliError(
                f"cannot build the report from {store.reader_location()}: {first_line(exc)}"
            ) from None
        except OSError as exc:
            raise CliError(_unwritable(folder, exc)) from None
    print(path, file=out)
    return path


def _check_writable(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{folder} is a file, not a folder: pass --out DIR")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise CliError(_unwritable(folder, exc)) from None


def _unwritable(folder: Path, exc: OSError) -> str:
    return (
        f"cannot write the report in {folder}: {exc.strerror or exc}; "
        "choose a writable folder with --out DIR"
    )
