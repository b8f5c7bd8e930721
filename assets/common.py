"""Shared asset settings and metadata helpers."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from newsdesk.store.db import read_connection

# Every asset that writes the DuckDB file runs in this pool; the instance (dagster_home/dagster.yaml) limits
# it to one op at a time across all runs, because DuckDB admits one writing process per file.
DUCKDB_POOL = "duckdb_writer"
BATCH_GROUP = "batch"
CORPUS_GROUP = "corpus"
RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def stats_metadata(stats: dict[str, int]) -> dict[str, dg.MetadataValue]:
    """Stage stats (total / kept / dropped_<reason> / ...) as numeric metadata, which the UI plots over time."""
    return {key: dg.MetadataValue.int(int(value)) for key, value in sorted(stats.items())}


def markdown_table(header: list[str], rows: list[tuple[object, ...]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def query_rows(db_path: Path, sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with read_connection(db_path) as con:
        return con.execute(sql, params).fetchall()
