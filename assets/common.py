"""Shared asset settings, error handling and metadata helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dagster as dg

from newsdesk.config import Settings, SettingsError, load_settings
from newsdesk.errors import ServiceUnavailable, TransientError, UserError
from newsdesk.store.store import Store

T = TypeVar("T")


def _deployment() -> Settings:
    try:
        return load_settings()
    except SettingsError:
        return Settings()  # the run itself will say what is wrong, in one line


# What the code location is deployed against, read once, when it loads: Dagster needs the pools and
# the sensor interval to build the definitions, before any run resolves its own settings
# (NewsdeskSettings).
DEPLOYMENT = _deployment()

# Which ops may run at once across runs is a property of the deployment's storage. Embedded DuckDB
# admits one writing process per file: every writing op shares one pool, limited to one op by the
# instance (dagster_home/dagster.yaml). On a DuckLake the batch stages run concurrently (no pool)
# and only the publishing ops share a pool, limited to one by dagster_home_lake/dagster.yaml (they
# also serialise on a lock row inside the lake; the pool saves them retries).
DUCKDB_POOL = "duckdb_writer"
_EMBEDDED = DEPLOYMENT.store.backend == "duckdb"
STAGE_POOL: str | None = DUCKDB_POOL if _EMBEDDED else None
PUBLISH_POOL = DUCKDB_POOL if _EMBEDDED else "newsdesk_publish"
BATCH_GROUP = "batch"
CORPUS_GROUP = "corpus"
OWNERS = ["team:newsdesk"]
TAGS = {"domain": "news"}
TRANSIENT_RETRIES = 2


@contextmanager
def failures_explained() -> Iterator[None]:
    """The one retry layer: what may change (a lock held too long, a lake conflict) is retried with
    a wait; a user error fails at once with its one-line message and no retry; anything else is a
    bug and fails once with its traceback (no retry policy: the same input would fail the same
    way)."""
    try:
        yield
    except UserError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    except TransientError as exc:
        raise dg.RetryRequested(max_retries=TRANSIENT_RETRIES, seconds_to_wait=15) from exc


def stats_metadata(stats: dict[str, int]) -> dict[str, dg.MetadataValue]:
    """Stage stats (total / kept / dropped_<reason> / ...) as numeric metadata, which the UI plots
    over time."""
    return {key: dg.MetadataValue.int(int(value)) for key, value in sorted(stats.items())}


def markdown_table(header: list[str], rows: list[tuple[object, ...]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def table_value(header: list[str], rows: list[tuple[object, ...]]) -> dg.MetadataValue:
    """Rows as Dagster table metadata (the UI renders and sorts it)."""
    records = [dg.TableRecord({h: _plain(v) for h, v in zip(header, row)}) for row in rows]
    return dg.MetadataValue.table(
        records, schema=dg.TableSchema(columns=[dg.TableColumn(h) for h in header])
    )


def _plain(value: object) -> str | int | float | bool | None:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def ask(store: Store, question: Callable[..., T], *args: Any) -> T:
    """One of newsdesk.store.queries on a short read connection; asked again (it only reads) when
    the lake catalog went away in the middle of it, within the catalog retry budget."""
    deadline = time.monotonic() + store.settings.catalog_retry_s
    while True:
        try:
            with store.read() as con:
                return question(con, *args)
        except ServiceUnavailable:
            if time.monotonic() >= deadline:
                raise
            time.sleep(1.0)  # the next read's connection waits for the catalog itself
