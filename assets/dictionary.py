"""The data dictionary as Dagster metadata: column schemas (the asset page's Columns section) and row counts.

The descriptions come from the database's comments (newsdesk.store.dictionary); this module only wraps them in
Dagster types. Use: `dg.MaterializeResult(metadata={**table_metadata(con, TABLES_WRITTEN["clean_articles"],
batch_id), ...})` with a connection from `store.read()`.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from newsdesk.store.dictionary import column_schema, row_count
from newsdesk.store.store import Connection

# What each asset writes; the first table is the one its page describes (Columns section, row count). The batch
# stages before article_copies write their rows as pending; article_copies publishes them with its own.
TABLES_WRITTEN: dict[str, tuple[str, ...]] = {
    "raw_documents": ("documents", "document_contents", "batches", "quarantine"),
    "clean_articles": ("articles", "boilerplate_segments", "quarantine"),
    "article_entities": ("article_entities", "entity_mentions", "entity_evidence", "quarantine"),
    "article_copies": ("copies", "article_pairs", "story_links", "dedup_docs", "dedup_bands", "dedup_fingerprints",
                       "dedup_common", "entities", "entity_aliases", "batch_requests", "quarantine",
                       "threads", "thread_articles", "thread_merges", "thread_features"),
}


def table_schema(con: Connection, table: str) -> dg.TableSchema:
    """Every column of the table with its DuckDB type and its comment."""
    return dg.TableSchema(columns=[dg.TableColumn(name=name, type=dtype, description=description or None)
                                   for name, dtype, description in column_schema(con, table)])


def table_metadata(con: Connection, tables: Sequence[str], batch_id: str | None = None) -> dict[str, dg.MetadataValue]:
    """`dagster/column_schema` and `dagster/row_count` of the asset's main table (the first), and `<table>_columns` /
    `<table>_rows` for the other tables it writes. Row counts are the batch's where a table has batch_id and a
    batch is given, else the whole table's (the corpus-wide dedup and entity tables)."""
    if not tables:
        raise ValueError("table_metadata needs at least one table")
    main, *others = tables
    metadata: dict[str, dg.MetadataValue] = {
        "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(con, main)),
        "dagster/row_count": dg.MetadataValue.int(row_count(con, main, batch_id)),
    }
    for table in others:
        metadata[f"{table}_columns"] = dg.MetadataValue.table_schema(table_schema(con, table))
        metadata[f"{table}_rows"] = dg.MetadataValue.int(row_count(con, table, batch_id))
    return metadata
