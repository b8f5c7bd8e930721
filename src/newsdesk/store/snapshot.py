"""What the analysts' snapshot leaves out: the pipeline's internals, dropped from the copy after it
is made.

The snapshot is a read-only copy for analysts, so the schema `pending` (stages' rows of unpublished
batches) and the dedup and threading indexes (caches the publisher reads to find candidates) are of
no use there and only clutter `SHOW TABLES` and `duckdb_tables()`. The live database keeps them. The
full-text index (schema fts_main_articles) stays: its macro `fts_main_articles.match_bm25` reads
those tables, and DuckDB's fts extension fixes their names.
"""

from __future__ import annotations

import duckdb

INTERNAL_SCHEMAS = ("pending",)
INTERNAL_TABLES = (
    "dedup_docs",
    "dedup_bands",
    "dedup_fingerprints",
    "dedup_common",
    "thread_features",
    "thread_key_counts",
)
SEARCH_SCHEMA = "fts_main_articles"


def strip_internals(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the internals from the snapshot copy behind `con` (a writable connection to the copy,
    never the live file). Names come from the constants above, not from data."""
    for schema in INTERNAL_SCHEMAS:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    for table in INTERNAL_TABLES:
        con.execute(f"DROP TABLE IF EXISTS main.{table}")
    con.execute("CHECKPOINT")
