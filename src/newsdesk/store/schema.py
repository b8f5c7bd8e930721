"""The Arrow schema of every table, in one place (the DDL in sql/schema/ is checked against it by a
test).

Stages stage rows in Parquet files with these schemas and bulk-load them; `columns()` gives the
subset a stage writes when the table has columns the database fills itself (documents.ingested_at).
"""

from __future__ import annotations

import pyarrow as pa

S, I32, I64, U64, F64, B = (
    pa.string(),
    pa.int32(),
    pa.int64(),
    pa.uint64(),
    pa.float64(),
    pa.bool_(),
)
SPANS = pa.list_(pa.struct([("start", I32), ("stop", I32)]))
TS = pa.timestamp("us")
THREAD_TABLES: dict[str, pa.Schema] = {  # sql/schema/30_threads.sql, written by newsdesk.threads
    "threads": pa.schema(
        [
            ("thread_id", S),
            ("label", S),
            ("first_seen", TS),
            ("last_seen", TS),
            ("n_articles", I32),
            ("n_outlets", I32),
            ("n_copies", I32),
            ("top_entities", pa.list_(S)),
        ]
    ),
    "thread_articles": pa.schema(
        [
            ("thread_id", S),
            ("doc_id", S),
            ("batch_id", S),
            ("role", S),
            ("hours_since_first", F64),
            ("published_at", TS),
            ("time_source", S),
        ]
    ),
    "thread_merges": pa.schema(
        [("thread_id", S), ("merged_id", S), ("doc_id", S), ("batch_id", S), ("reason", S)]
    ),
    "thread_features": pa.schema(
        [("doc_id", S), ("kind", S), ("feature", I64), ("weight", F64), ("published_at", TS)]
    ),
    "thread_key_counts": pa.schema([("feature", I64), ("n_articles", I64)]),
}

TABLES: dict[str, pa.Schema] = {
    "batches": pa.schema(
        [
            ("batch_id", S),
            ("landing_path", S),
            ("n_files", I32),
            ("n_records", I32),
            ("n_documents", I32),
            ("n_quarantined", I32),
            ("first_ingested_at", pa.timestamp("us")),
            ("marker_mtime_ns", I64),
        ]
    ),
    "batch_requests": pa.schema(
        [("batch_id", S), ("reason", S), ("requested_at", pa.timestamp("us"))]
    ),
    "documents": pa.schema(
        [
            ("doc_id", S),
            ("batch_id", S),
            ("source_path", S),
            ("external_id", S),
            ("format", S),
            ("content_type", S),
            ("sha256", S),
            ("n_bytes", I64),
            ("encoding", S),
            ("ingested_at", pa.timestamp("us")),
        ]
    ),
    "document_contents": pa.schema(
        [
            ("doc_id", S),
            ("batch_id", S),
            ("content", S),
            ("url", S),
            ("title", S),
            ("published", S),
            ("source", S),
            ("sha256", S),
        ]
    ),
    "quarantine": pa.schema(
        [
            ("batch_id", S),
            ("source_path", S),
            ("external_id", S),
            ("doc_id", S),
            ("stage", S),
            ("reason", S),
            ("detail", S),
            ("n_bytes", I64),
            ("sha256", S),
            ("duplicate_of", S),
        ]
    ),
    "articles": pa.schema(
        [
            ("doc_id", S),
            ("batch_id", S),
            ("title", S),
            ("published_date", pa.date32()),
            ("author", S),
            ("source_name", S),
            ("syndicated_from", S),
            ("url", S),
            ("language", S),
            ("body", S),
            ("n_words", I32),
        ]
    ),
    "boilerplate_segments": pa.schema(
        [
            ("doc_id", S),
            ("batch_id", S),
            ("position", I32),
            ("kind", S),
            ("reason", S),
            ("text", S),
            ("n_words", I32),
        ]
    ),
    "dedup_docs": pa.schema(
        [("doc_id", S), ("doc_key", U64), ("batch_id", S), ("n_tokens", I32), ("n_shingles", I32)]
    ),
    "dedup_bands": pa.schema([("band_key", U64), ("doc_key", U64)]),
    "dedup_fingerprints": pa.schema([("fingerprint", U64), ("doc_key", U64)]),
    "dedup_common": pa.schema([("fingerprint", U64), ("n_docs", I32)]),
    "article_pairs": pa.schema(
        [
            ("doc_id_a", S),
            ("doc_id_b", S),
            ("relation", S),
            ("containment", F64),
            ("jaccard", F64),
            ("shared_words", I32),
            ("n_passages", I32),
        ]
    ),
    "copies": pa.schema(
        [("doc_id", S), ("copy_cluster_id", S), ("is_canonical", B), ("similarity", F64)]
    ),
    "story_links": pa.schema(
        [
            ("doc_id_a", S),
            ("doc_id_b", S),
            ("shared_words", I32),
            ("n_passages", I32),
            ("passages", pa.list_(S)),
            ("spans_a", SPANS),
            ("spans_b", SPANS),
        ]
    ),
    "entity_mentions": pa.schema(
        [
            ("doc_id", S),
            ("batch_id", S),
            ("start_char", I32),
            ("end_char", I32),
            ("text", S),
            ("label", S),
            ("entity_id", S),
            ("local_id", S),
        ]
    ),
    "article_entities": pa.schema(
        [
            ("doc_id", S),
            ("batch_id", S),
            ("entity_id", S),
            ("name", S),
            ("n_mentions", I32),
            ("in_title", B),
            ("first_char", I32),
            ("salience", F64),
            ("is_about", B),
            ("ref_id", S),
            ("local_id", S),
            ("label", S),
            ("strong_label", B),
        ]
    ),
    "entities": pa.schema(
        [
            ("entity_id", S),
            ("name", S),
            ("label", S),
            ("n_articles", I32),
            ("aliases", pa.list_(S)),
            ("ref_id", S),
        ]
    ),
    "entity_evidence": pa.schema(
        [("doc_id", S), ("batch_id", S), ("alias_id", S), ("entity_id", S), ("rule", S)]
    ),
    "entity_aliases": pa.schema(
        [("alias_id", S), ("entity_id", S), ("rule", S), ("n_articles", I32)]
    ),
    **THREAD_TABLES,
}


def columns(table: str, *, without: tuple[str, ...] = ()) -> pa.Schema:
    """The table's schema minus the columns the database fills itself."""
    schema = TABLES[table]
    return pa.schema([f for f in schema if f.name not in without])


# What stages stage (Parquet) before one bulk load.
DOCUMENTS = columns("documents", without=("ingested_at",))
CONTENTS = TABLES["document_contents"]
QUARANTINE = TABLES["quarantine"]
ARTICLES = TABLES["articles"]
SEGMENTS = TABLES["boilerplate_segments"]
MENTIONS = TABLES["entity_mentions"]
ARTICLE_ENTITIES = TABLES["article_entities"]
EVIDENCE = TABLES["entity_evidence"]
DEDUP_DOCS = TABLES["dedup_docs"]
DEDUP_BANDS = TABLES["dedup_bands"]
DEDUP_FINGERPRINTS = TABLES["dedup_fingerprints"]

# Per-batch tables (replaced batch by batch) and their batch column.
PER_BATCH = (
    "documents",
    "document_contents",
    "quarantine",
    "articles",
    "boilerplate_segments",
    "dedup_docs",
    "entity_mentions",
    "article_entities",
    "entity_evidence",
)

# A batch's stages write into schema `pending` (same tables); publishing the batch moves its rows
# into the tables analysts query, in the one transaction that also links it to the corpus (copies,
# entities). So what analysts see only ever holds whole batches, whatever stage a run is in or died
# in. Per stage: the tables it writes (its quarantine rows are those with its stage name).
PENDING = "pending"
STAGE_TABLES = {
    "ingest": ("documents", "batches"),
    "clean": ("articles", "boilerplate_segments"),
    "entities": ("entity_mentions", "article_entities", "entity_evidence"),
}
PENDING_TABLES = (*[t for tables in STAGE_TABLES.values() for t in tables], "quarantine")


def pending_ddl() -> list[str]:
    """CREATE statements for the pending tables, from the same Arrow schemas as the published
    ones."""
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {PENDING}",
        f"CREATE TABLE IF NOT EXISTS {PENDING}.stages (batch_id VARCHAR NOT NULL, "
        "stage VARCHAR NOT NULL)",
    ]
    for table in PENDING_TABLES:
        cols = [f"{f.name} {duckdb_type(f.type)}" for f in TABLES[table]]
        statements.append(f"CREATE TABLE IF NOT EXISTS {PENDING}.{table} ({', '.join(cols)})")
        statements += [
            f"ALTER TABLE {PENDING}.{table} ADD COLUMN IF NOT EXISTS {col}" for col in cols[1:]
        ]
    return statements


_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.uint64(): "UBIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.timestamp("us"): "TIMESTAMP",
    pa.list_(S): "VARCHAR[]",
    SPANS: 'STRUCT("start" INTEGER, stop INTEGER)[]',
}


def duckdb_type(arrow_type: pa.DataType) -> str:
    return _DUCKDB_TYPES[arrow_type]
