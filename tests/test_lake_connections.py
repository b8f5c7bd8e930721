"""The lake's connection cache (newsdesk.store.lake.connect_lake): one DuckDB per process with the
lake attached once, a cursor per connection; separate databases for pinned snapshots; never shared
across a fork; let go after a catalog error, so a PostgreSQL restart between two calls of one
process recovers. Real PostgreSQL (its own server here: the tests stop and start it), real
DuckLake."""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pgserver import PgServer, start_server_or_skip

from newsdesk.config import StoreSettings
from newsdesk.store.lake import (
    LakeSettings,
    connect_lake,
    current_snapshot,
    forget,
    init_lake,
    run_transaction,
)
from newsdesk.store.lake_store import LakeStore

pytestmark = pytest.mark.slow  # a PostgreSQL server of its own, stopped and started

PROBE = "memory.main.attach_probe"  # in the DuckDB itself, outside the lake: who shares it


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    server = start_server_or_skip()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(own_server: PgServer, tmp_path: Path) -> LakeSettings:
    dsn = own_server.create_database(f"c_{time.monotonic_ns() % 10**9}")
    lake = LakeSettings(catalog=dsn, data_path=str(tmp_path / "data"))
    def schema(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS items(i INTEGER)")

    init_lake(lake, schema)
    return lake


def _probed(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory' "
                            "AND table_name = 'attach_probe'").fetchall()[0][0])


def test_connections_share_one_attach_but_not_transactions(settings: LakeSettings) -> None:
    forget(settings)
    a, b = connect_lake(settings), connect_lake(settings)
    a.execute(f"CREATE TABLE {PROBE} AS SELECT 1 AS i")
    assert _probed(b)  # one DuckDB: the lake was attached once for both
    a.execute("BEGIN TRANSACTION")
    a.execute("INSERT INTO items VALUES (1)")
    assert b.execute("SELECT count(*) FROM items").fetchall() == [(0,)]  # a's own transaction
    a.execute("COMMIT")
    assert b.execute("SELECT count(*) FROM items").fetchall() == [(1,)]
    a.close()  # closes the cursor only
    assert b.execute("SELECT count(*) FROM items").fetchall() == [(1,)]
    b.close()
    reader = connect_lake(settings, read_only=True)  # read-only is a database of its own
    assert not _probed(reader)
    with pytest.raises(duckdb.Error, match="read-only|read only"):
        reader.execute("INSERT INTO items VALUES (2)")
    reader.close()
    forget(settings)
    fresh = connect_lake(settings)
    assert not _probed(fresh) and fresh.execute("SELECT count(*) FROM items").fetchall() == [(1,)]
    fresh.close()


def test_threads_write_through_their_own_cursors(settings: LakeSettings) -> None:
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            con = connect_lake(settings)
            for r in range(5):
                def insert(c: duckdb.DuckDBPyConnection, value: int = k * 100 + r) -> None:
                    c.execute("INSERT INTO items VALUES (?)", [value])

                run_transaction(con, insert, backoff=0.01)
            con.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    con = connect_lake(settings)
    assert con.execute("SELECT count(DISTINCT i) FROM items").fetchall() == [(15,)]
    con.close()


def test_pinned_snapshots_each_read_their_own_version(settings: LakeSettings) -> None:
    con = connect_lake(settings)
    pins: list[tuple[int, duckdb.DuckDBPyConnection]] = []
    for n in range(7):  # more pinned versions than the process keeps attached
        run_transaction(con, lambda c: c.execute("INSERT INTO items VALUES (1)"))
        pins.append((n + 1, connect_lake(settings, snapshot=current_snapshot(con))))
    for rows, pinned in pins:  # cursors of a pinned database let go of by the cache still read it
        assert pinned.execute("SELECT count(*) FROM items").fetchall() == [(rows,)]
        pinned.close()
    again = connect_lake(settings, snapshot=current_snapshot(con) - 3)
    assert again.execute("SELECT count(*) FROM items").fetchall() == [(4,)]
    again.close()
    con.close()


def _child_connects(settings: LakeSettings, out: mp.Queue) -> None:
    con = connect_lake(settings)
    out.put((_probed(con), con.execute("SELECT count(*) FROM items").fetchall()[0][0]))
    con.close()


def test_a_forked_child_attaches_its_own(settings: LakeSettings) -> None:
    forget(settings)
    con = connect_lake(settings)
    con.execute(f"CREATE TABLE {PROBE} AS SELECT 1 AS i")
    run_transaction(con, lambda c: c.execute("INSERT INTO items VALUES (7)"))
    fork = mp.get_context("fork")
    out = fork.Queue()
    child = fork.Process(target=_child_connects, args=(settings, out))
    child.start()
    assert out.get(timeout=120) == (False, 1)  # not the parent's database, and the lake read fine
    child.join(60)
    assert child.exitcode == 0
    # the parent's catalog sessions live on
    run_transaction(con, lambda c: c.execute("INSERT INTO items VALUES (8)"))
    assert con.execute("SELECT count(*) FROM items").fetchall() == [(2,)]
    con.close()


def test_a_catalog_restart_between_two_calls_recovers(own_server: PgServer, settings: LakeSettings,
                                                      tmp_path: Path) -> None:
    store = LakeStore(StoreSettings(backend="ducklake", db_path=tmp_path / "local" / "news.duckdb",
                                   lake_catalog=settings.catalog, lake_data_path=settings.data_path,
                                   lake_name=settings.name, catalog_retry_s=60.0))
    store.write(lambda c: c.execute("INSERT INTO items VALUES (1)"))
    with store.read() as con:
        con.execute(f"CREATE TABLE {PROBE} AS SELECT 1 AS i")  # marks the read-only database

    own_server.halt()  # down when the next call starts: it waits, then attaches anew
    restarter = threading.Timer(3.0, own_server.run)
    restarter.start()
    try:
        store.write(lambda c: c.execute("INSERT INTO items VALUES (2)"))
    finally:
        restarter.join(90)
    with store.read() as con:
        assert con.execute("SELECT list(i ORDER BY i) FROM items").fetchall() == [([1, 2],)]
        assert not _probed(con)  # the catalog error let go of the cached database: this one is new

    own_server.halt()  # restarted between two calls: the cached catalog sessions are gone
    own_server.run()
    store.write(lambda c: c.execute("INSERT INTO items VALUES (3)"))
    with store.read() as con:
        assert con.execute("SELECT list(i ORDER BY i) FROM items").fetchall() == [([1, 2, 3],)]
