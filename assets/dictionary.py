"""The data dictionary as Dagster metadata: column schemas (the asset page's Columns section) and
row counts.

The descriptions come from the database's comments (newsdesk.store.dictionary); this module only
wraps them in Dagster types. Use: `dg.MaterializeResult(metadata={**table_metadata(con,
TABLES_WRITTEN["clean_articles"], batch_id), ...})` with a connection from `store.read()`.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from newsdesk.store.dictionary import batch_rows, column_schema, row_count
from newsdesk.store.store import Connection

# What each asset writes; the first table is the one its page describes (Columns section, row
# count). The batch stages before article_copies write their rows as pending; article_copies
# publishes them with its own.
TABLES_WRITTEN: dict[str, tuple[str, ...]] = {
    "raw_documents": ("documents", "document_contents", "batches", "quarantine"),
    "clean_articles": ("articles", "boilerplate_segments", "quarantine"),
    "article_entities": ("article_entities", "entity_mentions", "entity_evidence", "quarantine"),
    "article_copies": (
        "copies",
        "article_pairs",
        "story_links",
        "dedup_docs",
        "dedup_bands",
        "dedup_fingerprints",
        "dedup_common",
        "entities",
        "entity_aliases",
        "batch_requests",
        "quarantine",
        "threads",
        "thread_articles",
        "thread_merges",
        "thread_features",
        "thread_key_counts",
    ),
}


def table_schema(con: Connection, table: str) -> dg.TableSchema:
    """Every column of the table with its DuckDB type and its comment."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=name, type=dtype, description=description or None)
            for name, dtype, description in column_schema(con, table)
        ]
    )


# The stage each asset runs: its quarantine rows are that stage's only (clean_articles does not
# count ingest's).
STAGE_OF: dict[str, str] = {
    "raw_documents": "ingest",
    "clean_articles": "clean",
    "article_entities": "entities",
    "article_copies": "publish",
}


def table_metadata(
    con: Connection, tables: Sequence[str], batch_id: str | None = None, stage: str | None = None
) -> dict[str, dg.MetadataValue]:
    """`dagster/column_schema` and `dagster/row_count` of the asset's main table (the first), and
    `<table>_columns` / `<table>_rows` for the other tables it writes.

    With a batch, every `_rows` figure and `dagster/row_count` is the batch's rows only
    (`newsdesk.store.dictionary. batch_rows`; of `quarantine`, the `stage`'s rows); the whole table
    is `corpus_rows` (the main table) or `<table>_corpus_rows` (a corpus-wide table with no
    per-batch rows: entities, the dedup index). Without a batch, every count is the whole
    table's."""
    if not tables:
        raise ValueError("table_metadata needs at least one table")
    main, *others = tables

    def count(table: str) -> int | None:
        return (
            row_count(con, table) if batch_id is None else batch_rows(con, table, batch_id, stage)
        )

    main_rows = count(main)
    metadata: dict[str, dg.MetadataValue] = {
        "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(con, main)),
        "dagster/row_count": dg.MetadataValue.int(
            row_count(con, main) if main_rows is None else main_rows
        ),
    }
    if batch_id is not None:
        metadata["corpus_rows"] = dg.MetadataValue.int(row_count(con, main))
    for table in others:
        metadata[f"{table}_columns"] = dg.MetadataValue.table_schema(table_schema(con, table))
        rows = count(table)
        if rows is None:
            metadata[f"{table}_corpus_rows"] = dg.MetadataValue.int(row_count(con, table))
        else:
            metadata[f"{table}_rows"] = dg.MetadataValue.int(rows)
    return metadata
