"""Test helpers shared by several modules: settings and stores for a test database."""

import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import ModuleType
from typing import Any

import dagster as dg
import duckdb

from assets.resources import NewsdeskSettings
from newsdesk.config import Settings, load_settings
from newsdesk.store.backends import open_store
from newsdesk.store.store import Store


def settings_for(db_path: Path, landing: Path | None = None, **overrides: Any) -> Settings:
    """Settings for a test database (the environment is ignored, so a developer's NEWSDESK_* cannot leak in)."""
    return load_settings({}, db_path=db_path, landing_dir=landing or db_path.parent / "landing", **overrides)


def load_module(name: str, path: Path) -> ModuleType:
    """A script outside the packages (a benchmark, a shared tool), imported by its path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """A `fetchone()` row the test expects to exist."""
    assert row is not None, "the query returned no row"
    return row


def statement(
    sql: str, params: list[Any] | None = None
) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """One SQL statement as a transaction body, its values bound now (unlike a lambda in a loop)."""

    def run(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(sql, params)

    return run


def pid_of(process: BaseProcess) -> int:
    """The id of a started child process."""
    assert process.pid is not None, "the process was not started"
    return process.pid


def newsdesk_resource(**fields: object) -> NewsdeskSettings:
    """The resource with these fields set (generated from ENVIRONMENT, so mypy cannot see them)."""
    return NewsdeskSettings(**fields)


def sensor_result(
    sensor: dg.SensorDefinition, context: dg.SensorEvaluationContext
) -> dg.SensorResult:
    """One evaluation of a sensor that answers with a SensorResult."""
    result = sensor(context)
    assert isinstance(result, dg.SensorResult), result
    return result


def schema_of(value: dg.MetadataValue) -> dg.TableSchema:
    """The table schema a metadata entry holds."""
    assert isinstance(value, dg.TableSchemaMetadataValue), value
    return value.schema


def records_of(value: dg.MetadataValue) -> list[dg.TableRecord]:
    """The rows a table metadata entry holds."""
    assert isinstance(value, dg.TableMetadataValue), value
    return list(value.records)


def requested(result: dg.SensorResult) -> list[str | None]:
    """The partition keys a sensor evaluation asks runs for."""
    return [request.partition_key for request in result.run_requests or []]


def store_for(db_path: Path) -> Store:
    return open_store(settings_for(db_path))


def snapshot_path(db_path: Path) -> Path:
    """The read-only copy analysts query, next to the database."""
    return store_for(db_path).snapshot_path()


@contextmanager
def write_transaction(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a test database (schema applied), inside one transaction the test body fills."""
    store = store_for(db)
    store.ensure_schema()
    con = store._connect(read_only=False, memory="default")
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    finally:
        con.close()


def as_nobody(fn: Callable[[], object]) -> object:
    """fn() in a forked child that gave up root (root reads any mode), its JSON-able result sent back."""
    out, into = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(out)
            os.setgid(65534)
            os.setuid(65534)
            os.write(into, json.dumps(fn()).encode())
        finally:
            os._exit(0)
    os.close(into)
    with os.fdopen(out, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)
