"""Batch bookkeeping: which stages hold the batch's current inputs, and batches that must be processed again."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb

Connection = duckdb.DuckDBPyConnection

# Stage name -> the batches column that receives the inputs digest when the stage commits (same transaction).
STAGE_COLUMNS = {"clean": "cleaned_digest", "dedup": "deduplicated_digest", "entities": "annotated_digest"}


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def record_inputs(con: Connection, batch_id: str) -> None:
    """The digest of what ingest made of the batch (documents and quarantined inputs): the same files give the
    same digest, so a stage done on them stays done when they are read again."""
    con.execute("""UPDATE batches SET inputs_digest = (
                       SELECT md5(coalesce(string_agg(k, '|' ORDER BY k), '')) FROM (
                           SELECT doc_id || ':' || sha256 AS k FROM documents WHERE batch_id = ?
                           UNION ALL SELECT 'q:' || source_path || ':' || reason || ':' || coalesce(external_id, '')
                           FROM quarantine WHERE batch_id = ? AND stage = 'ingest'))
                   WHERE batch_id = ?""", [batch_id, batch_id, batch_id])


def stage_done(con: Connection, batch_id: str, stage: str) -> None:
    column = STAGE_COLUMNS[stage]  # a module constant, never input
    con.execute(f"UPDATE batches SET {column} = inputs_digest WHERE batch_id = ?", [batch_id])


def incomplete(con: Connection) -> list[tuple[str, list[str]]]:
    """(batch, stages that do not hold its current inputs) for every batch whose latest run did not finish."""
    rows = con.execute("""SELECT batch_id, cleaned_digest IS DISTINCT FROM inputs_digest,
                                 deduplicated_digest IS DISTINCT FROM inputs_digest,
                                 annotated_digest IS DISTINCT FROM inputs_digest
                          FROM batches WHERE inputs_digest IS NOT NULL ORDER BY batch_id""").fetchall()
    out = []
    for batch_id, *missing in rows:
        stages = [s for s, m in zip(STAGE_COLUMNS, missing) if m]
        if stages:
            out.append((batch_id, stages))
    return out


def processed_markers(con: Connection) -> dict[str, int]:
    """batch -> the _SUCCESS mtime its last complete run processed."""
    return {b: int(m) for b, m in con.execute(
        """SELECT batch_id, marker_mtime_ns FROM batches WHERE marker_mtime_ns IS NOT NULL
           AND annotated_digest = inputs_digest AND deduplicated_digest = inputs_digest
           AND cleaned_digest = inputs_digest""").fetchall()}


def n_documents(con: Connection, batch_id: str) -> int:
    return int(con.execute("SELECT count(*) FROM documents WHERE batch_id = ?", [batch_id]).fetchone()[0])


def request_again(con: Connection, batch_ids: list[str], reason: str) -> None:
    for batch_id in batch_ids:
        con.execute("INSERT INTO batch_requests VALUES (?, ?, ?)", [batch_id, reason, now()])


def requests(con: Connection) -> list[tuple[str, str, datetime]]:
    return con.execute("""SELECT batch_id, any_value(reason), max(requested_at) FROM batch_requests
                          GROUP BY batch_id ORDER BY batch_id""").fetchall()


def clear_requests(con: Connection, batch_id: str) -> None:
    con.execute("DELETE FROM batch_requests WHERE batch_id = ?", [batch_id])
