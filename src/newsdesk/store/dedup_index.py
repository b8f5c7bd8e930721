"""DuckDB side of deduplication: the persisted index, candidate queries, components and cluster rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from newsdesk.dedup.cluster import ArticleInfo, CopyRow

S = pa.string()
SIGNATURES = pa.schema([("doc_id", S), ("batch_id", S), ("n_shingles", pa.int32()), ("minhash", pa.list_(pa.uint32()))])
BANDS = pa.schema([("band_key", pa.uint64()), ("doc_id", S), ("batch_id", S)])
FINGERPRINTS = pa.schema([("fingerprint", pa.uint64()), ("doc_id", S), ("batch_id", S)])
INDEX_TABLES = ("article_signatures", "lsh_bands", "passage_fingerprints")


def forget_batch(con: duckdb.DuckDBPyConnection, batch_id: str) -> set[str]:
    """Remove the batch from the index and its pairs; return the other articles those pairs touched."""
    neighbours = {
        row[0]
        for row in con.execute(
            """SELECT CASE WHEN a.batch_id = ? THEN p.doc_id_b ELSE p.doc_id_a END
               FROM article_pairs p
               JOIN (SELECT doc_id, batch_id FROM article_signatures) a ON a.doc_id = p.doc_id_a
               JOIN (SELECT doc_id, batch_id FROM article_signatures) b ON b.doc_id = p.doc_id_b
               WHERE a.batch_id = ? OR b.batch_id = ?""",
            [batch_id, batch_id, batch_id],
        ).fetchall()
    }
    con.execute("""DELETE FROM article_pairs WHERE doc_id_a IN (SELECT doc_id FROM article_signatures WHERE batch_id = ?)
                   OR doc_id_b IN (SELECT doc_id FROM article_signatures WHERE batch_id = ?)""", [batch_id, batch_id])
    con.execute("""DELETE FROM story_links WHERE doc_id_a IN (SELECT doc_id FROM article_signatures WHERE batch_id = ?)
                   OR doc_id_b IN (SELECT doc_id FROM article_signatures WHERE batch_id = ?)""", [batch_id, batch_id])
    con.execute("DELETE FROM copies WHERE doc_id IN (SELECT doc_id FROM article_signatures WHERE batch_id = ?)",
                [batch_id])
    for table in INDEX_TABLES:
        con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
    return neighbours


def candidate_pairs(con: duckdb.DuckDBPyConnection, batch_id: str, max_fingerprint_docs: int,
                    min_shared_fingerprints: int) -> list[tuple[str, str]]:
    """Pairs (a < b) with an article of the batch that share an LSH band or enough passage fingerprints."""
    rows = con.execute(
        """WITH band_pairs AS (
               SELECT n.doc_id AS x, o.doc_id AS y
               FROM lsh_bands n JOIN lsh_bands o ON o.band_key = n.band_key AND o.doc_id <> n.doc_id
               WHERE n.batch_id = ?),
           nf AS (SELECT fingerprint, doc_id FROM passage_fingerprints WHERE batch_id = ?),
           rare AS (SELECT fingerprint FROM passage_fingerprints
                    WHERE fingerprint IN (SELECT fingerprint FROM nf)
                    GROUP BY fingerprint HAVING count(*) <= ?),
           passage_pairs AS (
               SELECT nf.doc_id AS x, o.doc_id AS y
               FROM nf JOIN rare USING (fingerprint) JOIN passage_fingerprints o USING (fingerprint)
               WHERE o.doc_id <> nf.doc_id
               GROUP BY ALL HAVING count(*) >= ?)
           SELECT DISTINCT least(x, y), greatest(x, y) FROM (SELECT * FROM band_pairs UNION ALL SELECT * FROM passage_pairs)
           ORDER BY 1, 2""",
        [batch_id, batch_id, max_fingerprint_docs, min_shared_fingerprints],
    ).fetchall()
    return [(a, b) for a, b in rows]


def common_fingerprints(con: duckdb.DuckDBPyConnection, batch_id: str, max_docs: int) -> frozenset[int]:
    """Fingerprints of the batch found in more than `max_docs` articles: boilerplate-like phrases."""
    rows = con.execute(
        """SELECT fingerprint FROM passage_fingerprints
           WHERE fingerprint IN (SELECT fingerprint FROM passage_fingerprints WHERE batch_id = ?)
           GROUP BY fingerprint HAVING count(*) > ?""", [batch_id, max_docs]).fetchall()
    return frozenset(int(r[0]) for r in rows)


def fetch_bodies(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    return dict(con.execute("SELECT doc_id, body FROM articles WHERE doc_id IN (SELECT unnest(?))", [ids]).fetchall())


def copy_components(con: duckdb.DuckDBPyConnection, seeds: Sequence[str]) -> tuple[list[str], dict[tuple[str, str], float]]:
    """Every article connected to `seeds` through copy pairs, and the copy pairs among them."""
    if not seeds:
        return [], {}
    rows = con.execute(
        """WITH RECURSIVE reach(doc_id) AS (
               SELECT unnest(?::VARCHAR[])
               UNION
               SELECT CASE WHEN p.doc_id_a = r.doc_id THEN p.doc_id_b ELSE p.doc_id_a END
               FROM reach r JOIN article_pairs p
                 ON p.relation = 'copy' AND (p.doc_id_a = r.doc_id OR p.doc_id_b = r.doc_id))
           SELECT DISTINCT doc_id FROM reach""",
        [list(seeds)],
    ).fetchall()
    members = sorted(r[0] for r in rows)
    pairs = con.execute(
        """SELECT doc_id_a, doc_id_b, containment FROM article_pairs
           WHERE relation = 'copy' AND doc_id_a IN (SELECT unnest(?)) AND doc_id_b IN (SELECT unnest(?))""",
        [members, members]).fetchall()
    return members, {(a, b): c for a, b, c in pairs}


def fetch_infos(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[ArticleInfo]:
    rows = con.execute(
        """SELECT doc_id, published_date, source_name, syndicated_from, n_words FROM articles
           WHERE doc_id IN (SELECT unnest(?))""", [list(doc_ids)]).fetchall()
    return [ArticleInfo(*row) for row in rows]


def replace_copies(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str], rows: Sequence[CopyRow]) -> None:
    con.execute("DELETE FROM copies WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)])
    if rows:
        table = pa.table({
            "doc_id": [r.doc_id for r in rows],
            "copy_cluster_id": [r.copy_cluster_id for r in rows],
            "is_canonical": [r.is_canonical for r in rows],
            "similarity": [r.similarity for r in rows],
        })
        con.register("_copies_new", table)
        con.execute("INSERT INTO copies SELECT doc_id, copy_cluster_id, is_canonical, similarity FROM _copies_new")
        con.unregister("_copies_new")
