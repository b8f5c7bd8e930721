"""Batch bookkeeping: which stages a batch has pending (written, not yet published), moving them
into the tables analysts query, and batches that must be processed again."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from newsdesk.errors import UserError
from newsdesk.store.schema import PENDING, STAGE_TABLES, TABLES

Connection = duckdb.DuckDBPyConnection


def publish_message(batch_id: str) -> str:
    """The label of the transaction that publishes a batch (a DuckLake snapshot's commit
    message)."""
    return f"publish batch {batch_id}"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def stage_pending(con: Connection, batch_id: str, stage: str) -> None:
    """Record that `stage` has written the batch's rows into the pending tables (same transaction as
    the rows)."""
    con.execute(f"DELETE FROM {PENDING}.stages WHERE batch_id = ? AND stage = ?", [batch_id, stage])
    con.execute(f"INSERT INTO {PENDING}.stages VALUES (?, ?)", [batch_id, stage])


def pending_stages(con: Connection, batch_id: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            f"SELECT stage FROM {PENDING}.stages WHERE batch_id = ?", [batch_id]
        ).fetchall()
    }


def source(con: Connection, batch_id: str, stage: str) -> str:
    """Where to read what `stage` wrote for the batch: its pending rows when a run in progress wrote
    them, else the published ones (re-running one stage of a published batch)."""
    return PENDING if stage in pending_stages(con, batch_id) else "main"


def clear_stage(con: Connection, batch_id: str, stage: str) -> None:
    """Empty the batch's pending rows of one stage before that stage writes them again."""
    for table in STAGE_TABLES[stage]:
        con.execute(f"DELETE FROM {PENDING}.{table} WHERE batch_id = ?", [batch_id])
    con.execute(
        f"DELETE FROM {PENDING}.quarantine WHERE batch_id = ? AND stage = ?", [batch_id, stage]
    )
    con.execute(f"DELETE FROM {PENDING}.stages WHERE batch_id = ? AND stage = ?", [batch_id, stage])


def publish_pending(con: Connection, batch_id: str) -> list[str]:
    """Move the batch's pending rows into the published tables (inside the caller's transaction);
    returns the stages moved. Refuses a state that would publish articles from other inputs than its
    documents."""
    stages = pending_stages(con, batch_id)
    if "ingest" in stages and "clean" not in stages:
        raise UserError(
            f"batch {batch_id!r} was ingested again but not cleaned since: run clean_articles (and "
            "article_entities) for it before article_copies"
        )
    moved = [s for s in STAGE_TABLES if s in stages]
    for stage in moved:
        for table in STAGE_TABLES[stage]:
            cols = ", ".join(TABLES[table].names)
            con.execute(f"DELETE FROM main.{table} WHERE batch_id = ?", [batch_id])
            con.execute(
                f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM "
                f"{PENDING}.{table} WHERE batch_id = ?",
                [batch_id],
            )
        cols = ", ".join(TABLES["quarantine"].names)
        con.execute(
            "DELETE FROM main.quarantine WHERE batch_id = ? AND stage = ?", [batch_id, stage]
        )
        con.execute(
            f"INSERT INTO main.quarantine ({cols}) SELECT {cols} FROM {PENDING}.quarantine "
            "WHERE batch_id = ? AND stage = ?",
            [batch_id, stage],
        )
        clear_stage(con, batch_id, stage)
    if "clean" in moved and "entities" not in moved:
        # Mentions index article bodies: those of the previous bodies would point at the wrong text.
        for table in STAGE_TABLES["entities"]:
            con.execute(f"DELETE FROM main.{table} WHERE batch_id = ?", [batch_id])
    if "ingest" in moved:
        # Contents no document of the batch reads any more (a file changed or went away).
        con.execute(
            """DELETE FROM document_contents c WHERE c.batch_id = ? AND NOT EXISTS (
                           SELECT 1 FROM main.documents d
                           WHERE d.doc_id = c.doc_id AND d.sha256 = c.sha256)""",
            [batch_id],
        )
    return moved


def n_documents(con: Connection, batch_id: str) -> int:
    """Documents of the batch, published or pending."""
    return int(
        con.execute(
            f"""SELECT (SELECT count(*) FROM main.documents WHERE batch_id = ?)
                                    + (SELECT count(*) FROM {PENDING}.documents
                                        WHERE batch_id = ?)""",
            [batch_id, batch_id],
        ).fetchall()[0][0]
    )


def stored_batches(con: Connection) -> set[str]:
    """Every batch with rows, published or pending (the analysts' snapshot has no pending
    schema)."""
    stored = {r[0] for r in con.execute("SELECT batch_id FROM main.batches").fetchall()}
    has_pending = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'batches'",
        [PENDING],
    ).fetchall()[0][0]
    if has_pending:
        stored |= {r[0] for r in con.execute(f"SELECT batch_id FROM {PENDING}.batches").fetchall()}
    return stored


def processed_markers(con: Connection) -> dict[str, int]:
    """batch -> the _SUCCESS mtime of its published run."""
    return {
        b: int(m)
        for b, m in con.execute(
            "SELECT batch_id, marker_mtime_ns FROM main.batches WHERE marker_mtime_ns IS NOT NULL"
        ).fetchall()
    }


def request_again(con: Connection, batch_ids: list[str], reason: str) -> None:
    for batch_id in batch_ids:
        con.execute("INSERT INTO batch_requests VALUES (?, ?, ?)", [batch_id, reason, now()])


def requests(con: Connection) -> list[tuple[str, str, datetime]]:
    return con.execute("""SELECT batch_id, any_value(reason), max(requested_at) FROM batch_requests
                          GROUP BY batch_id ORDER BY batch_id""").fetchall()


def clear_requests(con: Connection, batch_id: str) -> None:
    con.execute("DELETE FROM batch_requests WHERE batch_id = ?", [batch_id])


def released_duplicates(con: Connection, batch_id: str) -> list[str]:
    """Other batches holding a quarantined duplicate of a document that no longer exists (after this
    batch was published): asked to run again, since their record is no longer a duplicate and must
    become a document."""
    released = [
        r[0]
        for r in con.execute(
            f"""SELECT DISTINCT batch_id FROM main.quarantine
            WHERE reason = 'duplicate_record' AND batch_id <> ? AND duplicate_of IS NOT NULL
              AND duplicate_of NOT IN (SELECT doc_id FROM main.documents UNION ALL
                                       SELECT doc_id FROM {PENDING}.documents) ORDER BY 1""",
            [batch_id],
        ).fetchall()
    ]
    request_again(con, released, f"a document it duplicated left batch {batch_id}")
    return released
