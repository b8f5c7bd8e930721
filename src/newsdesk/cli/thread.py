"""`newsdesk thread <doc_id|search words>`: one story thread's timeline, article by article."""

from __future__ import annotations

import sys
from typing import TextIO

import duckdb

from newsdesk.cli.database import RUN_FIRST, CliError, analyst, first_line, location
from newsdesk.cli.table import from_rows, render
from newsdesk.store import thread_tables
from newsdesk.store.store import Store


def print_thread(store: Store, ref: str, width: int | None = 60, out: TextIO = sys.stdout) -> None:
    """The thread of the article `ref`, or the thread whose titles best match the words of `ref`;
    other matching threads are listed after it."""
    with analyst(store) as con:
        try:
            found = thread_tables.find_threads(con, ref.strip())
            if not found:
                raise CliError(
                    f"no article {ref!r} and no thread whose titles hold all of those words: try "
                    'fewer words, or `newsdesk query "SELECT * FROM threads ORDER '
                    'BY n_articles DESC"`'
                )
            thread_id = found[0][0]
            label, first, last, n_articles, n_outlets, n_copies, top, merged = (
                thread_tables.thread_header(con, thread_id)
            )
            rows = thread_tables.timeline(con, thread_id)
        except duckdb.CatalogException:
            raise CliError(f"{location(store)} has no story threads yet: {RUN_FIRST}") from None
        except duckdb.Error as exc:
            raise CliError(
                f"cannot read threads from {location(store)}: {first_line(exc)}"
            ) from None
    print(f"thread {thread_id}: {label}", file=out)
    print(
        f"{n_articles} articles ({n_copies} copies) from {n_outlets} outlets, "
        f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}; entities: {', '.join(top) or '-'}",
        file=out,
    )
    if merged:
        print(f"merged into it: {', '.join(merged)}", file=out)
    print(file=out)
    for line in render(
        from_rows(("published", "hours", "role", "outlet", "title", "doc_id"), rows), width
    ).lines:
        print(line, file=out)
    if len(found) > 1:
        print("\nother matching threads:", file=out)
        for other_id, other_label, n, _ in found[1:]:
            print(f"  {other_id}  {n:4d} articles  {other_label}", file=out)
