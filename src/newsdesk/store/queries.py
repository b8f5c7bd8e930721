"""Read-only questions the orchestration and the CLI ask of the tables (materialisation metadata,
asset checks, summaries). Each takes an open connection from `Store.read()` and binds every
value."""

from __future__ import annotations

from typing import Any

import duckdb

from newsdesk.store.batches import source

Connection = duckdb.DuckDBPyConnection
Rows = list[tuple[Any, ...]]


def quarantine_reasons(con: Connection, batch_id: str, stage: str) -> Rows:
    table = f"{source(con, batch_id, stage)}.quarantine"
    return con.execute(
        f"""SELECT reason, count(*), any_value(detail) FROM {table}
                           WHERE batch_id = ? AND stage = ? GROUP BY reason ORDER BY 2 DESC, 1""",
        [batch_id, stage],
    ).fetchall()


def article_preview(con: Connection, batch_id: str, limit: int = 3) -> Rows:
    table = f"{source(con, batch_id, 'clean')}.articles"
    return con.execute(
        f"""SELECT coalesce(title, '(no title)'), source_name, published_date,
                                  left(body, 240) || '…'
                           FROM {table} WHERE batch_id = ? ORDER BY doc_id LIMIT ?""",
        [batch_id, limit],
    ).fetchall()


def largest_clusters(con: Connection, batch_id: str, limit: int = 5) -> Rows:
    return con.execute(
        """SELECT copy_cluster_id, count(*) AS n FROM copies
                          WHERE copy_cluster_id IN (SELECT c.copy_cluster_id FROM copies c
                                JOIN articles a USING (doc_id) WHERE a.batch_id = ?)
                          GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?""",
        [batch_id, limit],
    ).fetchall()


def top_entities(con: Connection, batch_id: str, limit: int = 10) -> Rows:
    """The batch's most named entities (as the article named them: corpus links come when it is
    published)."""
    src = source(con, batch_id, "entities")
    return con.execute(
        f"""SELECT ae.name, any_value(m.label) AS label, count(DISTINCT ae.doc_id) AS n
                           FROM {src}.article_entities ae
                           JOIN {src}.entity_mentions m ON m.doc_id = ae.doc_id
                               AND m.local_id = ae.local_id
                           WHERE ae.batch_id = ? GROUP BY ae.name ORDER BY n DESC, 1 LIMIT ?""",
        [batch_id, limit],
    ).fetchall()


def recorded_counts(con: Connection, batch_id: str) -> dict[str, int]:
    """source path -> documents + ingest quarantine rows of the batch's latest ingest."""
    src = source(con, batch_id, "ingest")
    return dict(
        con.execute(
            f"""SELECT source_path, count(*) FROM (
                                    SELECT source_path FROM {src}.documents WHERE batch_id = ?
                                    UNION ALL SELECT source_path FROM {src}.quarantine
                                    WHERE batch_id = ? AND stage = 'ingest') GROUP BY 1""",
            [batch_id, batch_id],
        ).fetchall()
    )


def empty_and_unaccounted(con: Connection, batch_id: str) -> tuple[int, int]:
    """(articles with an empty body, documents neither an article nor quarantined by the
    cleaner)."""
    docs, clean = source(con, batch_id, "ingest"), source(con, batch_id, "clean")
    row = con.execute(
        f"""
        SELECT (SELECT count(*) FROM {clean}.articles
            WHERE batch_id = ? AND length(trim(body)) = 0),
               (SELECT count(*) FROM {docs}.documents d WHERE d.batch_id = ?
                  AND d.doc_id NOT IN (SELECT doc_id FROM {clean}.articles WHERE batch_id = ?)
                  AND d.doc_id NOT IN (SELECT doc_id FROM {clean}.quarantine
                                       WHERE stage = 'clean' AND doc_id IS NOT NULL
                                           AND batch_id = ?))""",
        [batch_id, batch_id, batch_id, batch_id],
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def cluster_consistency(con: Connection, batch_id: str) -> tuple[int, int]:
    """(articles of the batch in no copy cluster, clusters without exactly one canonical)."""
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM main.articles a
                WHERE a.batch_id = ? AND a.doc_id NOT IN (SELECT doc_id FROM copies)),
               (SELECT count(*) FROM (SELECT copy_cluster_id FROM copies GROUP BY 1
                                      HAVING count(*) FILTER (WHERE is_canonical) <> 1))""",
        [batch_id],
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def largest_touched_cluster(con: Connection, batch_id: str) -> int:
    row = con.execute(
        """
        SELECT coalesce(max(n), 0) FROM (SELECT copy_cluster_id, count(*) AS n FROM copies
            WHERE copy_cluster_id IN (SELECT c.copy_cluster_id FROM copies c
                JOIN articles a USING (doc_id)
                                      WHERE a.batch_id = ?) GROUP BY 1)""",
        [batch_id],
    ).fetchall()[0]
    return int(row[0])


def mention_offsets(con: Connection, batch_id: str) -> tuple[int, int]:
    """(mentions whose text differs from their body slice, all mentions) of the batch."""
    mentions, articles = source(con, batch_id, "entities"), source(con, batch_id, "clean")
    row = con.execute(
        f"""
        SELECT count(*) FILTER (
                   WHERE substr(a.body, m.start_char + 1, m.end_char - m.start_char) <> m.text
               ),
               count(*)
        FROM {mentions}.entity_mentions m JOIN {articles}.articles a USING (doc_id)
        WHERE m.batch_id = ?""",
        [batch_id],
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def corpus_counts(con: Connection) -> dict[str, int]:
    row = con.execute("""
        SELECT (SELECT count(*) FROM articles),
               (SELECT count(DISTINCT copy_cluster_id) FROM copies),
               (SELECT count(*) FROM story_links), (SELECT count(*) FROM entities),
               (SELECT count(*) FROM quarantine)
    """).fetchall()[0]
    return dict(
        zip(("articles", "copy_clusters", "story_links", "entities", "quarantined"), map(int, row))
    )


def top_outlets(con: Connection, limit: int = 10) -> Rows:
    return con.execute(
        "SELECT outlet, n_articles, n_original, n_copies FROM outlets "
        "ORDER BY n_articles DESC, outlet LIMIT ?",
        [limit],
    ).fetchall()


def table_count(con: Connection, table: str) -> int:
    """Rows of one of the project's tables (`table` is one of the names in store.schema.TABLES)."""
    from newsdesk.store.schema import TABLES

    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
