"""No silent duplicates: the publishing transaction repairs exact duplicate rows of the batch and
refuses to commit if any key of the batch is still there twice.

Neither the DuckDB file nor DuckLake has key constraints here (DuckLake supports none), so writers
keep keys unique by "delete the batch's keys, insert". Two runs of one batch at once on a lake both
passed that (ducklake#1393 lets a DELETE that matched nothing and an INSERT commit side by side) and
multiplied rows; the batch lease now prevents the overlap, and this check makes any other way to a
duplicate fail loudly instead. `document_contents` is the one table a rerun did not rewrite (it is
written directly, "insert if absent"), which is why a serial rerun did not repair a multiplied
corpus; `repair` rewrites exact duplicates of every table.
"""

from __future__ import annotations

import duckdb

from newsdesk.errors import UserError

# Published table -> its key. All are per batch (a batch_id column) but copies, keyed through the
# batch's articles. Tables with no natural key are left out (boilerplate_segments: a dateline and a
# headline share position 0).
KEYS: dict[str, tuple[str, ...]] = {
    "batches": ("batch_id",),
    "documents": ("doc_id",),
    "document_contents": ("doc_id", "sha256"),
    "articles": ("doc_id",),
    "dedup_docs": ("doc_id",),
    "entity_mentions": ("doc_id", "start_char", "end_char"),
    "copies": ("doc_id",),
}


class DuplicateRows(UserError):
    """Publishing would leave a key twice in a published table; the transaction is rolled back."""


def _rows_of_batch(table: str) -> str:
    # Table and column names come from KEYS above, never from data; the batch id is bound.
    if table == "copies":
        return (
            "SELECT * FROM main.copies "
            "WHERE doc_id IN (SELECT doc_id FROM main.articles WHERE batch_id = ?)"
        )
    return f"SELECT * FROM main.{table} WHERE batch_id = ?"


def first_duplicate(
    con: duckdb.DuckDBPyConnection, table: str, batch_id: str
) -> tuple[object, ...] | None:
    key = ", ".join(KEYS[table])
    row = con.execute(
        f"SELECT {key} FROM ({_rows_of_batch(table)}) GROUP BY {key} HAVING count(*) > 1 LIMIT 1",
        [batch_id],
    ).fetchone()
    return None if row is None else tuple(row)


def repair(con: duckdb.DuckDBPyConnection, batch_id: str) -> list[str]:
    """Rewrite the batch's rows of every table holding exact duplicates (rows equal in every column)
    once each; returns the tables rewritten. Inside the publishing transaction."""
    fixed = []
    for table in KEYS:
        if first_duplicate(con, table, batch_id) is None:
            continue
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _distinct AS SELECT DISTINCT * FROM "
            f"({_rows_of_batch(table)})",
            [batch_id],
        )
        if table == "copies":
            con.execute("DELETE FROM main.copies WHERE doc_id IN (SELECT doc_id FROM _distinct)")
        else:
            con.execute(f"DELETE FROM main.{table} WHERE batch_id = ?", [batch_id])
        con.execute(f"INSERT INTO main.{table} SELECT * FROM _distinct")
        con.execute("DROP TABLE _distinct")
        fixed.append(table)
    return fixed


def check(con: duckdb.DuckDBPyConnection, batch_id: str) -> None:
    """DuplicateRows if any key of the batch is twice in a published table (blocks the commit)."""
    for table in KEYS:
        dup = first_duplicate(con, table, batch_id)
        if dup is not None:
            key = ", ".join(f"{k}={v}" for k, v in zip(KEYS[table], dup))
            raise DuplicateRows(
                f"publishing batch {batch_id!r} would leave {key} twice in {table}: rolled back; "
                "run the batch again (a rerun rewrites its rows)"
            )


def repair_and_check(con: duckdb.DuckDBPyConnection, batch_id: str) -> list[str]:
    fixed = repair(con, batch_id)
    check(con, batch_id)
    return fixed
