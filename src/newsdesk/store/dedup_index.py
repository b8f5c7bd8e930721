"""DuckDB side of deduplication: the persisted index, candidate queries, copy components and cluster
rows.

Large tables are keyed by a 64-bit doc_key; the batch's own band keys and fingerprints are read from
the staged Parquet files, so each query scans a corpus-sized table once and joins it with
batch-sized inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from newsdesk.records import ArticleInfo, CopyRow
from newsdesk.store.schema import TABLES

S, U64 = pa.string(), pa.uint64()


def _keys(con: duckdb.DuckDBPyConnection, name: str, keys: Iterable[int]) -> None:
    """A temp table `name(doc_key)`: integer lists travel as Arrow, never spliced into SQL."""
    con.register(f"{name}_arrow", pa.table({"doc_key": pa.array(sorted(set(keys)), type=U64)}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT doc_key FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _ids(con: duckdb.DuckDBPyConnection, name: str, doc_ids: Iterable[str]) -> str:
    """A temp table `name(doc_id)`; returns `name`. A Python list bound as a parameter costs an
    import lookup per element in the duckdb client (seconds for 100k ids), an Arrow table costs
    nothing."""
    con.register(f"{name}_arrow", pa.table({"doc_id": pa.array(sorted(set(doc_ids)), type=S)}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT doc_id FROM {name}_arrow")
    con.unregister(f"{name}_arrow")
    return name


def forget_docs(
    con: duckdb.DuckDBPyConnection, doc_keys: Iterable[int], index_too: bool
) -> set[str]:
    """Delete the pairs and story links of these articles (and, with index_too, their index rows and
    copies rows); return the other articles those pairs touched, whose clusters must be
    recomputed."""
    _keys(con, "_forget", doc_keys)
    ids = "SELECT doc_id FROM dedup_docs WHERE doc_key IN (SELECT doc_key FROM _forget)"
    neighbours = {
        r[0]
        for r in con.execute(
            f"""SELECT doc_id_b FROM article_pairs
                WHERE doc_id_a IN ({ids}) AND doc_id_b NOT IN ({ids})
            UNION SELECT doc_id_a FROM article_pairs
            WHERE doc_id_b IN ({ids}) AND doc_id_a NOT IN ({ids})"""
        ).fetchall()
    }
    for table in ("article_pairs", "story_links"):
        con.execute(f"DELETE FROM {table} WHERE doc_id_a IN ({ids}) OR doc_id_b IN ({ids})")
    if index_too:
        con.execute(f"DELETE FROM copies WHERE doc_id IN ({ids})")
        for table in ("dedup_bands", "dedup_fingerprints", "dedup_docs"):
            con.execute(f"DELETE FROM {table} WHERE doc_key IN (SELECT doc_key FROM _forget)")
    return neighbours


def batch_doc_keys(con: duckdb.DuckDBPyConnection, batch_id: str) -> list[int]:
    return [
        r[0]
        for r in con.execute(
            "SELECT doc_key FROM dedup_docs WHERE batch_id = ?", [batch_id]
        ).fetchall()
    ]


def count_common_in(con: duckdb.DuckDBPyConnection, doc_keys: Iterable[int]) -> dict[int, int]:
    """For every common fingerprint of these articles: in how many of them it occurs."""
    _keys(con, "_counted", doc_keys)
    return dict(
        con.execute("""SELECT fingerprint, count(*) FROM dedup_fingerprints
                               WHERE doc_key IN (SELECT doc_key FROM _counted)
                                 AND fingerprint IN (SELECT fingerprint FROM dedup_common)
                               GROUP BY 1""").fetchall()
    )


def load_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    cols = ", ".join(TABLES[table].names)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(path)])


def stage_hits(con: duckdb.DuckDBPyConnection, prints_path: Path) -> None:
    """Temp table _hits(fingerprint, x, y): every indexed article y holding a not-yet-common
    fingerprint of batch article x (y = x included, so the count per fingerprint is its document
    frequency)."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _hits AS
                   SELECT n.fingerprint, n.doc_key AS x, o.doc_key AS y
                   FROM read_parquet(?) n JOIN dedup_fingerprints o USING (fingerprint)
                   WHERE n.fingerprint NOT IN (SELECT fingerprint FROM dedup_common)""",
        [str(prints_path)],
    )


def update_common(
    con: duckdb.DuckDBPyConnection, prints_path: Path, removed: dict[int, int], max_docs: int
) -> tuple[list[int], list[int]]:
    """Bring dedup_common up to date after the batch's rows were replaced; return the fingerprints
    that became common and those that stopped being common (`removed`: common fingerprint -> rows
    deleted with the batch)."""
    added = dict(
        con.execute(
            "SELECT fingerprint, count(*) FROM read_parquet(?) GROUP BY 1 "
            "HAVING fingerprint IN (SELECT fingerprint FROM dedup_common)",
            [str(prints_path)],
        ).fetchall()
    )
    delta = {fp: added.get(fp, 0) - removed.get(fp, 0) for fp in set(added) | set(removed)}
    if delta:
        con.register(
            "_delta",
            pa.table(
                {
                    "fingerprint": pa.array(list(delta), U64),
                    "d": pa.array(list(delta.values()), pa.int64()),
                }
            ),
        )
        con.execute(
            "UPDATE dedup_common SET n_docs = n_docs + _delta.d FROM _delta "
            "WHERE dedup_common.fingerprint = _delta.fingerprint"
        )
        con.unregister("_delta")
    # Selected, then changed: DuckLake has no RETURNING.
    fell = [
        r[0]
        for r in con.execute(
            "SELECT fingerprint FROM dedup_common WHERE n_docs <= ? ORDER BY 1", [max_docs]
        ).fetchall()
    ]
    con.execute("DELETE FROM dedup_common WHERE n_docs <= ?", [max_docs])
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _rose AS SELECT fingerprint, count(DISTINCT y) AS n_docs
           FROM _hits
                   GROUP BY 1 HAVING count(DISTINCT y) > ?""",
        [max_docs],
    )
    con.execute("INSERT INTO dedup_common SELECT fingerprint, n_docs FROM _rose")
    rose = [r[0] for r in con.execute("SELECT fingerprint FROM _rose ORDER BY 1").fetchall()]
    return rose, fell


def docs_with_fingerprints(con: duckdb.DuckDBPyConnection, fingerprints: Sequence[int]) -> set[int]:
    if not fingerprints:
        return set()
    con.register("_fps", pa.table({"fingerprint": pa.array(list(fingerprints), U64)}))
    rows = con.execute(
        "SELECT DISTINCT doc_key FROM dedup_fingerprints "
        "WHERE fingerprint IN (SELECT fingerprint FROM _fps)"
    ).fetchall()
    con.unregister("_fps")
    return {r[0] for r in rows}


_PAIRS = """SELECT DISTINCT least(a.doc_id, b.doc_id), greatest(a.doc_id, b.doc_id)
            FROM ({pairs}) p JOIN dedup_docs a ON a.doc_key = p.x
            JOIN dedup_docs b ON b.doc_key = p.y
            WHERE p.x <> p.y"""
_BAND_PAIRS = """SELECT x, y FROM (SELECT n.doc_key AS x, o.doc_key AS y,
                                          count(*) OVER (PARTITION BY n.doc_key, n.band_key)
                                              AS bucket
                                   FROM ({new}) n JOIN dedup_bands o USING (band_key))
                 WHERE bucket <= ?"""


def batch_candidates(
    con: duckdb.DuckDBPyConnection, bands_path: Path, config_min_prints: int, max_band_docs: int
) -> list[tuple[str, str]]:
    """Candidate pairs of the batch's articles: a shared LSH band, or enough shared rare
    fingerprints."""
    bands = _BAND_PAIRS.format(new="SELECT band_key, doc_key FROM read_parquet(?)")
    prints = """SELECT x, y FROM _hits
                WHERE fingerprint NOT IN (SELECT fingerprint FROM dedup_common)
                GROUP BY x, y HAVING count(*) >= ?"""
    sql = _PAIRS.format(pairs=f"{bands} UNION ALL {prints}") + " ORDER BY 1, 2"
    return con.execute(sql, [str(bands_path), max_band_docs, config_min_prints]).fetchall()


def doc_candidates(
    con: duckdb.DuckDBPyConnection, doc_keys: Iterable[int], min_prints: int, max_band_docs: int
) -> list[tuple[str, str]]:
    """Candidate pairs of indexed articles that need re-verification (their common fingerprints
    changed)."""
    _keys(con, "_again", doc_keys)
    bands = _BAND_PAIRS.format(
        new="SELECT band_key, doc_key FROM dedup_bands WHERE doc_key IN "
        "(SELECT doc_key FROM _again)"
    )
    prints = """SELECT n.doc_key AS x, o.doc_key AS y
                FROM (SELECT * FROM dedup_fingerprints
                      WHERE doc_key IN (SELECT doc_key FROM _again)) n
                JOIN dedup_fingerprints o USING (fingerprint)
                WHERE fingerprint NOT IN (SELECT fingerprint FROM dedup_common)
                GROUP BY 1, 2 HAVING count(*) >= ?"""
    sql = _PAIRS.format(pairs=f"{bands} UNION ALL {prints}") + " ORDER BY 1, 2"
    return con.execute(sql, [max_band_docs, min_prints]).fetchall()


def common_fingerprints(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """All common fingerprints, sorted (small: boilerplate phrases and widely syndicated
    passages)."""
    table = con.execute("SELECT fingerprint FROM dedup_common ORDER BY 1").to_arrow_table()
    return table.column(0).to_numpy().astype(np.uint64)


def doc_ids_of(con: duckdb.DuckDBPyConnection, doc_keys: Iterable[int]) -> set[str]:
    _keys(con, "_named", doc_keys)
    return {
        r[0]
        for r in con.execute(
            "SELECT doc_id FROM dedup_docs WHERE doc_key IN (SELECT doc_key FROM _named)"
        ).fetchall()
    }


def fetch_bodies(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> dict[str, str]:
    _ids(con, "_bodies", doc_ids)
    rows = con.execute(
        "SELECT doc_id, body FROM articles WHERE doc_id IN (SELECT doc_id FROM _bodies)"
    ).fetchall()
    return dict(rows)


def copy_edges(
    con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]
) -> list[tuple[str, str, float]]:
    """Stored copy pairs touching these articles."""
    _ids(con, "_edges", doc_ids)
    return con.execute("""SELECT doc_id_a, doc_id_b, containment FROM article_pairs
                          WHERE relation = 'copy'
                            AND (doc_id_a IN (SELECT doc_id FROM _edges)
                                 OR doc_id_b IN (SELECT doc_id FROM _edges))""").fetchall()


def cluster_mates(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> set[str]:
    """Every article currently in the same copy cluster as one of these."""
    _ids(con, "_mates", doc_ids)
    return {
        r[0]
        for r in con.execute(
            """SELECT doc_id FROM copies WHERE copy_cluster_id IN
           (SELECT copy_cluster_id FROM copies WHERE doc_id IN (SELECT doc_id FROM _mates))"""
        ).fetchall()
    }


def fetch_infos(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[ArticleInfo]:
    _ids(con, "_infos", doc_ids)
    rows = con.execute(
        """SELECT a.doc_id, a.published_date, a.source_name, a.syndicated_from, a.n_words,
                  d.ingested_at
           FROM articles a LEFT JOIN documents d USING (doc_id)
           WHERE a.doc_id IN (SELECT doc_id FROM _infos)"""
    ).fetchall()
    return [ArticleInfo(*row) for row in rows]


def replace_copies(
    con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str], rows: Sequence[CopyRow]
) -> None:
    _ids(con, "_replaced", doc_ids)
    con.execute("DELETE FROM copies WHERE doc_id IN (SELECT doc_id FROM _replaced)")
    if rows:
        con.register(
            "_copies_new",
            pa.table(
                {
                    "doc_id": [r.doc_id for r in rows],
                    "copy_cluster_id": [r.copy_cluster_id for r in rows],
                    "is_canonical": [r.is_canonical for r in rows],
                    "similarity": [r.similarity for r in rows],
                }
            ),
        )
        con.execute(
            "INSERT INTO copies SELECT doc_id, copy_cluster_id, is_canonical, "
            "similarity FROM _copies_new"
        )
        con.unregister("_copies_new")
