"""Thread tables: what threading reads (the batch's articles, their copies and links, candidate
threads in a time window) and writes (assignments, merges, per-thread summaries). Every query is
bounded by the batch, its keys and the window, so a batch costs the same against a large corpus as
against a small one (see benchmarks/threads_scale.py). Called inside the transaction that publishes
the batch."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pyarrow as pa

from newsdesk.store import thread_keys as tk

Connection = duckdb.DuckDBPyConnection
NAMED = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW")


def _ids(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def forget_batch(con: Connection, batch_id: str) -> set[str]:
    """Remove the batch's previous thread rows (a re-run replaces them) and their keys from the
    document frequencies; return the threads that lost members."""
    touched = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT thread_id FROM thread_articles WHERE batch_id = ?", [batch_id]
        ).fetchall()
    }
    if touched:
        gone = con.execute(
            """SELECT feature, count(*) FROM thread_features WHERE doc_id IN
                              (SELECT doc_id FROM thread_articles WHERE batch_id = ?)
                              GROUP BY feature""",
            [batch_id],
        ).fetchall()
        tk.count_keys(con, {int(k): -int(n) for k, n in gone})
        con.execute(
            """DELETE FROM thread_features WHERE doc_id IN
                       (SELECT doc_id FROM thread_articles WHERE batch_id = ?)""",
            [batch_id],
        )
        con.execute("DELETE FROM thread_articles WHERE batch_id = ?", [batch_id])
    return touched


def batch_articles(con: Connection, batch_id: str) -> list[tuple]:
    """(doc_id, title, lead text, raw published, published_date, ingested_at, source_name, copy
    cluster, is_canonical) of every published article of the batch."""
    return con.execute(
        """SELECT a.doc_id, coalesce(a.title, ''), left(a.body, 2000), dc.published,
                  a.published_date,
                  d.ingested_at, a.source_name, coalesce(c.copy_cluster_id, a.doc_id),
                  coalesce(c.is_canonical, true)
           FROM articles a
           LEFT JOIN documents d USING (doc_id)
           LEFT JOIN (SELECT doc_id, any_value(published) AS published FROM document_contents
                      WHERE batch_id = ? GROUP BY doc_id) dc USING (doc_id)
           LEFT JOIN copies c USING (doc_id)
           WHERE a.batch_id = ? ORDER BY a.doc_id""",
        [batch_id, batch_id],
    ).fetchall()


def batch_entities(con: Connection, batch_id: str) -> list[tuple[str, str, float]]:
    """(doc_id, entity_id, weight: salience, more when the article is about it) of the batch's named
    entities."""
    return con.execute(
        """SELECT doc_id, entity_id, coalesce(salience, 0.1) + CASE WHEN is_about THEN 0.3
               ELSE 0 END
           FROM article_entities
           WHERE batch_id = ? AND coalesce(label, 'ORG') IN (SELECT unnest(?::VARCHAR[]))
           ORDER BY doc_id, entity_id""",
        [batch_id, list(NAMED)],
    ).fetchall()


def threaded_copies(con: Connection, clusters: list[str]) -> list[tuple[str, str]]:
    """(copy_cluster_id, thread_id) of already threaded articles in the given copy clusters."""
    return con.execute(
        """SELECT DISTINCT c.copy_cluster_id, ta.thread_id FROM copies c
           JOIN thread_articles ta USING (doc_id)
           WHERE c.copy_cluster_id IN (SELECT unnest(?::VARCHAR[]))""",
        [clusters],
    ).fetchall()


def story_partners(con: Connection, doc_ids: list[str]) -> list[tuple[str, str]]:
    """(batch doc, partner) for every story link of the batch's articles, both directions."""
    return con.execute(
        """WITH b AS (SELECT unnest(?::VARCHAR[]) AS doc_id)
           SELECT doc_id_a, doc_id_b FROM story_links WHERE doc_id_a IN (SELECT doc_id FROM b)
           UNION SELECT doc_id_b, doc_id_a FROM story_links
           WHERE doc_id_b IN (SELECT doc_id FROM b)""",
        [doc_ids],
    ).fetchall()


def first_seen(con: Connection, thread_ids: list[str]) -> dict[str, datetime]:
    return dict(
        con.execute(
            "SELECT thread_id, first_seen FROM threads WHERE thread_id IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [thread_ids],
        ).fetchall()
    )


def existing_ids(con: Connection, thread_ids: list[str]) -> set[str]:
    rows = con.execute(
        """SELECT thread_id FROM threads WHERE thread_id IN (SELECT unnest(?::VARCHAR[]))
           UNION SELECT merged_id FROM thread_merges
           WHERE merged_id IN (SELECT unnest(?::VARCHAR[]))""",
        [thread_ids, thread_ids],
    ).fetchall()
    return {r[0] for r in rows}


def content_hashes(con: Connection, doc_ids: list[str]) -> dict[str, str]:
    return dict(
        con.execute(
            "SELECT doc_id, sha256 FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [doc_ids],
        ).fetchall()
    )


def write_batch(
    con: Connection,
    batch_id: str,
    assigned: dict[str, str],
    published: dict[str, tuple[datetime, str]],
    features: list[tuple[str, str, int, float]],
    merges: list[tuple[str, str, str, str]],
) -> None:
    """The batch's memberships and features (counted into the key index); merges move the merged
    threads' members to the kept thread, one statement per table (a chain of merges resolved to
    its end)."""
    if merges:
        kept_of = {merged: kept for kept, merged, _, _ in merges}
        final = {}
        for merged in kept_of:
            kept = kept_of[merged]
            while kept in kept_of:
                kept = kept_of[kept]
            final[merged] = kept
        con.register(
            "_thread_merges",
            pa.table(
                {
                    "thread_id": [m[0] for m in merges],
                    "merged_id": [m[1] for m in merges],
                    "doc_id": [m[2] for m in merges],
                    "batch_id": [batch_id] * len(merges),
                    "reason": [m[3] for m in merges],
                    "final_id": [final[m[1]] for m in merges],
                }
            ),
        )
        try:
            con.execute("""UPDATE thread_articles SET thread_id = m.final_id FROM _thread_merges m
                           WHERE thread_articles.thread_id = m.merged_id""")
            con.execute("""DELETE FROM threads
                           WHERE thread_id IN (SELECT merged_id FROM _thread_merges)""")
            con.execute("""INSERT INTO thread_merges
                           SELECT thread_id, merged_id, doc_id, batch_id, reason
                           FROM _thread_merges""")
        finally:
            con.unregister("_thread_merges")
    docs = sorted(assigned)
    con.register(
        "_thread_rows",
        pa.table(
            {
                "thread_id": [assigned[d] for d in docs],
                "doc_id": docs,
                "batch_id": [batch_id] * len(docs),
                "role": ["follow_up"] * len(docs),
                "hours_since_first": [0.0] * len(docs),
                "published_at": pa.array([published[d][0] for d in docs], pa.timestamp("us")),
                "time_source": [published[d][1] for d in docs],
            }
        ),
    )
    con.register(
        "_thread_features",
        pa.table(
            {
                "doc_id": [f[0] for f in features],
                "kind": [f[1] for f in features],
                "feature": pa.array([f[2] for f in features], pa.int64()),
                "weight": [f[3] for f in features],
                "published_at": pa.array(
                    [published[f[0]][0] for f in features], pa.timestamp("us")
                ),
            }
        ),
    )
    try:
        con.execute("""INSERT INTO thread_articles (thread_id, doc_id, batch_id, role,
                                                    hours_since_first, published_at, time_source)
                       SELECT * FROM _thread_rows""")
        con.execute("""INSERT INTO thread_features (doc_id, kind, feature, weight, published_at)
                       SELECT * FROM _thread_features""")
    finally:
        con.unregister("_thread_rows")
        con.unregister("_thread_features")
    added: dict[int, int] = {}
    for f in features:
        added[f[2]] = added.get(f[2], 0) + 1
    tk.count_keys(con, added)


def refresh_threads(con: Connection, thread_ids: list[str]) -> None:
    """Roles, hours since the first report and the `threads` rows of the given threads, from their
    members."""
    ids = _ids(thread_ids)
    con.execute(
        """UPDATE thread_articles t SET role = r.role, hours_since_first = r.hours
           FROM (SELECT ta.doc_id,
                        CASE WHEN NOT coalesce(c.is_canonical, true) THEN 'copy'
                             WHEN row_number() OVER (PARTITION BY ta.thread_id
                                  ORDER BY NOT coalesce(c.is_canonical, true), ta.published_at,
                                      ta.doc_id) = 1
                             THEN 'first_report' ELSE 'follow_up' END AS role,
                        date_diff('second', min(ta.published_at) OVER (PARTITION BY ta.thread_id),
                                  ta.published_at) / 3600.0 AS hours
                 FROM thread_articles ta LEFT JOIN copies c USING (doc_id)
                 WHERE ta.thread_id IN (SELECT unnest(?::VARCHAR[]))) r
           WHERE t.doc_id = r.doc_id""",
        [ids],
    )
    con.execute("DELETE FROM threads WHERE thread_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    con.execute(
        """INSERT INTO threads
           WITH m AS (SELECT ta.*, coalesce(a.title, left(a.body, 100)) AS title, a.source_name
                      FROM thread_articles ta JOIN articles a USING (doc_id)
                      WHERE ta.thread_id IN (SELECT unnest(?::VARCHAR[]))),
                ents AS (SELECT thread_id, list(name ORDER BY n DESC, name)[1:5] AS top
                         FROM (SELECT m.thread_id, e.name, count(DISTINCT m.doc_id) AS n
                               FROM m JOIN article_entities ae USING (doc_id)
                               JOIN entities e ON e.entity_id = ae.entity_id
                               WHERE m.role <> 'copy' GROUP BY ALL) GROUP BY thread_id)
           SELECT m.thread_id, first(m.title
               ORDER BY m.role <> 'first_report', m.published_at, m.doc_id),
                  min(m.published_at), max(m.published_at), count(*)::INTEGER,
                  count(DISTINCT m.source_name)::INTEGER,
                  count(*) FILTER (WHERE m.role = 'copy')::INTEGER,
                  coalesce(any_value(ents.top), []::VARCHAR[])
           FROM m LEFT JOIN ents USING (thread_id) GROUP BY m.thread_id""",
        [ids],
    )


def misthreaded(con: Connection, batch_id: str) -> tuple[int, list[str]]:
    """The batch's published articles, and those in no thread or in more than one (the asset
    check)."""
    rows = con.execute(
        """SELECT a.doc_id, count(ta.thread_id) FROM articles a
           LEFT JOIN thread_articles ta USING (doc_id)
           WHERE a.batch_id = ? GROUP BY a.doc_id ORDER BY 1""",
        [batch_id],
    ).fetchall()
    return len(rows), [doc_id for doc_id, n in rows if n != 1]


# -- reading (newsdesk thread)
# ----------------------------------------------------------------------------------
def find_threads(con: Connection, ref: str, limit: int = 5) -> list[tuple]:
    """(thread_id, label, n_articles, n_matching) of the thread holding the article `ref` (doc_id or
    the record's own id), else of the threads whose article titles hold every word of `ref`, best
    match first."""
    rows = con.execute(
        """SELECT t.thread_id, t.label, t.n_articles, 1 FROM thread_articles ta
           JOIN threads t USING (thread_id)
           WHERE ta.doc_id = ? OR ta.doc_id IN (SELECT doc_id FROM documents WHERE external_id = ?)
           ORDER BY 1 LIMIT ?""",
        [ref, ref, limit],
    ).fetchall()
    if rows or not ref.split():
        return rows
    return con.execute(
        """SELECT t.thread_id, t.label, t.n_articles, count(*) AS n_matching
           FROM thread_articles ta JOIN threads t USING (thread_id) JOIN articles a USING (doc_id)
           WHERE list_bool_and([contains(lower(coalesce(a.title, '')), w) FOR w IN ?::VARCHAR[]])
           GROUP BY t.thread_id, t.label, t.n_articles, t.last_seen
           ORDER BY n_matching DESC, t.n_articles DESC, t.last_seen DESC, t.thread_id LIMIT ?""",
        [[w.lower() for w in ref.split()], limit],
    ).fetchall()


def thread_header(con: Connection, thread_id: str) -> tuple:
    """(label, first_seen, last_seen, n_articles, n_outlets, n_copies, top_entities, merged ids) of
    a thread."""
    return con.execute(
        """SELECT label, first_seen, last_seen, n_articles, n_outlets, n_copies, top_entities,
                  (SELECT list(merged_id ORDER BY merged_id) FROM thread_merges WHERE thread_id = ?)
           FROM threads WHERE thread_id = ?""",
        [thread_id, thread_id],
    ).fetchall()[0]


def timeline(con: Connection, thread_id: str) -> list[tuple]:
    """(published_at, hours_since_first, role, outlet, title, doc_id) of a thread's articles, in
    time order."""
    return con.execute(
        """SELECT strftime(published_at, '%Y-%m-%d %H:%M'), round(hours_since_first, 1), role,
                  outlet, title, doc_id
           FROM thread_timeline WHERE thread_id = ? ORDER BY published_at, doc_id""",
        [thread_id],
    ).fetchall()
