"""Threading's key index: how many threaded articles carry each key (kept per batch, not
recounted), and the candidate threads found through the batch's rare keys within the time
window.

A key's document frequency is the sum of its rows in `thread_key_counts`: a batch replaces the
rows of its keys by one row holding the new sum, so two concurrent first publishes of a new key
(DuckLake has no keys) leave two rows that still add up, and two that both replace the rows of
one key conflict and retry (docs/ducklake-notes.md). `thread_features.published_at` lets the
window skip whole row groups (data files on a lake) by their min/max when the corpus arrived
roughly in time order; rows from before that column existed are NULL and always read.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

Connection = duckdb.DuckDBPyConnection


def _register_keys(con: Connection, keys: list[int]) -> None:
    con.register("_thread_keys", pa.table({"feature": pa.array(keys, pa.int64())}))


def document_frequencies(con: Connection, keys: list[int]) -> tuple[dict[int, int], int]:
    """How many threaded articles carry each key (thread_features rows), and how many original
    articles there are (thread_articles rows that are not copies)."""
    _register_keys(con, keys)
    try:
        df = con.execute("""SELECT c.feature, sum(c.n_articles) FROM thread_key_counts c
                            JOIN _thread_keys k USING (feature) GROUP BY c.feature
                            HAVING sum(c.n_articles) > 0""").fetchall()
    finally:
        con.unregister("_thread_keys")
    n = con.execute("SELECT count(*) FROM thread_articles WHERE role <> 'copy'").fetchall()[0][0]
    return {int(k): int(v) for k, v in df}, int(n)


def candidate_threads(
    con: Connection, rare: list[int], partners: list[str], lo: datetime, hi: datetime
) -> list[str]:
    """Threads with a member in [lo, hi] that carries one of the `rare` keys, or that holds a
    story-link partner of the batch."""
    _register_keys(con, rare)
    try:
        return [
            r[0]
            for r in con.execute(
                """WITH f AS (SELECT doc_id FROM thread_features WHERE published_at BETWEEN ? AND ?
                            AND feature IN (SELECT feature FROM _thread_keys)
                          UNION ALL
                          SELECT doc_id FROM thread_features WHERE published_at IS NULL
                            AND feature IN (SELECT feature FROM _thread_keys))
               SELECT DISTINCT ta.thread_id FROM thread_articles ta
               WHERE ta.published_at BETWEEN ? AND ? AND ta.doc_id IN (SELECT doc_id FROM f)
               UNION SELECT thread_id FROM thread_articles
                     WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))
               ORDER BY 1""",
                [lo, hi, lo, hi, partners],
            ).fetchall()
        ]
    finally:
        con.unregister("_thread_keys")


def thread_members(
    con: Connection, thread_ids: list[str], lo: datetime, hi: datetime, partners: list[str]
) -> list[tuple]:
    """(thread_id, doc_id, published_at, time_source, kind, feature, weight) of the candidate
    threads' members in [lo, hi] (and of story-link partners whatever their time); features are
    read only within the members' time span."""
    members = con.execute(
        """SELECT min(published_at), max(published_at) FROM thread_articles
           WHERE thread_id IN (SELECT unnest(?::VARCHAR[]))
             AND (published_at BETWEEN ? AND ? OR doc_id IN (SELECT unnest(?::VARCHAR[])))""",
        [thread_ids, lo, hi, partners],
    ).fetchall()[0]
    if members[0] is None:
        return []
    return con.execute(
        """WITH m AS (SELECT thread_id, doc_id, published_at, time_source FROM thread_articles
                      WHERE thread_id IN (SELECT unnest(?::VARCHAR[]))
                        AND (published_at BETWEEN ? AND ?
                             OR doc_id IN (SELECT unnest(?::VARCHAR[])))),
                f AS (SELECT doc_id, kind, feature, weight FROM thread_features
                      WHERE published_at BETWEEN ? AND ?
                      UNION ALL
                      SELECT doc_id, kind, feature, weight FROM thread_features
                      WHERE published_at IS NULL)
           SELECT m.thread_id, m.doc_id, m.published_at, m.time_source, f.kind, f.feature, f.weight
           FROM m JOIN f USING (doc_id)
           ORDER BY m.thread_id, m.doc_id, f.kind, f.feature""",
        [thread_ids, lo, hi, partners, members[0], members[1]],
    ).fetchall()


def count_keys(con: Connection, delta: dict[int, int]) -> None:
    """Add `delta` (key -> articles gained, negative when lost) to the document frequencies: the
    rows of each changed key are replaced by one row with the new sum."""
    delta = {k: d for k, d in delta.items() if d}
    if not delta:
        return
    con.register(
        "_key_delta",
        pa.table(
            {
                "feature": pa.array(list(delta), pa.int64()),
                "d": pa.array(list(delta.values()), pa.int64()),
            }
        ),
    )
    try:
        con.execute("""CREATE OR REPLACE TEMP TABLE _key_sums AS
                       SELECT k.feature, k.d + coalesce(sum(c.n_articles), 0) AS n_articles
                       FROM _key_delta k LEFT JOIN thread_key_counts c USING (feature)
                       GROUP BY k.feature, k.d""")
        con.execute("""DELETE FROM thread_key_counts
                       WHERE feature IN (SELECT feature FROM _key_delta)""")
        con.execute("""INSERT INTO thread_key_counts
                       SELECT feature, n_articles FROM _key_sums WHERE n_articles <> 0""")
        con.execute("DROP TABLE _key_sums")
    finally:
        con.unregister("_key_delta")
