"""Shared asset settings and metadata helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import dagster as dg

from newsdesk.store.store import Connection, Store

T = TypeVar("T")

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


def ask(store: Store, question: Callable[..., T], *args: Any) -> T:
    """One of newsdesk.store.queries on a short read connection."""
    with store.read() as con:
        return question(con, *args)
