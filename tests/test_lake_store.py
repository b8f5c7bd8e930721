"""DuckLake primitives against the real parts: PostgreSQL from the Debian package (tests/pgserver.py) as the
catalog, Parquet files in a temp folder, several OS processes writing at once. The facts in
docs/ducklake-notes.md are asserted here.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest
from helpers import one, pid_of, statement
from pgserver import PgServer

from newsdesk.store.extensions import load_extension
from newsdesk.store.lake import (
    LakeSettings,
    connect_lake,
    current_snapshot,
    init_lake,
    is_conflict,
    run_transaction,
    snapshot_of,
)

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

pytest_plugins = ["pgserver"]  # the pg_server and pg_dsn fixtures
SPAWN = mp.get_context("spawn")  # children must not inherit the parent's DuckDB threads
ROWS = 40  # per writer and round: above DuckLake's inlining limit (10), so rows land in Parquet files
TABLE_DDL = "CREATE TABLE IF NOT EXISTS items(writer VARCHAR, round INTEGER, i INTEGER, body VARCHAR)"


def _settings(dsn: str, tmp_path: Path) -> LakeSettings:
    return LakeSettings(catalog=dsn, data_path=str(tmp_path / "lake-data"))


def _create_items(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(TABLE_DDL)


def _go(start: Any) -> None:
    """All children pass together (a Barrier), so their work overlaps however slow their start-up was."""
    if start is not None:
        start.wait(timeout=120)


# ---- child processes (module-level so spawn can import them) ----

def _init_child(settings: LakeSettings, start: Any, naive: bool, out: mp.Queue) -> None:
    try:
        if naive:  # what connect_lake does, with the extensions loaded before the race
            con = duckdb.connect()
            for name in ("ducklake", "postgres"):
                load_extension(con, name)
            _go(start)
            con.execute(f"ATTACH 'ducklake:postgres:{settings.catalog}' AS lake (DATA_PATH '{settings.data_path}')")
        else:
            _go(start)
            init_lake(settings, _create_items)
        out.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which asserts on it
        out.put(f"{type(exc).__name__}: {exc}")


def _write_rounds(settings: LakeSettings, writer: str, rounds: int, start: Any, out: mp.Queue) -> None:
    con = connect_lake(settings)
    _go(start)
    retries, snapshots = 0, []
    for r in range(rounds):
        def batch(c: duckdb.DuckDBPyConnection, r: int = r) -> None:
            c.execute("DELETE FROM items WHERE writer = ?", [writer])
            c.execute("INSERT INTO items SELECT ?, ?, i, repeat('x', 300) FROM range(?) t(i)", [writer, r, ROWS])
        done = run_transaction(con, batch, retries=200, backoff=0.02, max_wait=0.5, label=writer)
        retries += done.retries
        snapshots.append(done.snapshot)
    con.close()
    out.put((writer, retries, snapshots))


def _read_loop(settings: LakeSettings, stop: Path, out: mp.Queue) -> None:
    """Reads at the latest snapshot and pinned to it with AT (VERSION => n); every writer's rows must come from
    one whole round (never half a transaction)."""
    con = connect_lake(settings, read_only=True)
    reads, problems = 0, []
    while not stop.exists() or reads < 3:
        try:
            n = current_snapshot(con)
            for sql, params in (("SELECT writer, count(*), min(round), max(round) FROM items GROUP BY writer", []),
                                ("SELECT writer, count(*), min(round), max(round) FROM items AT (VERSION => ?) "
                                 "GROUP BY writer", [n])):
                for writer, count, lo, hi in con.execute(sql, params).fetchall():
                    if count != ROWS or lo != hi:
                        problems.append(f"snapshot {n}: {writer} has {count} rows from rounds {lo}..{hi}")
            reads += 1
        except Exception as exc:  # noqa: BLE001 - any failed read is a finding the test reports
            problems.append(f"{type(exc).__name__}: {exc}")
    con.close()
    out.put((reads, problems))


def _hold_open_transaction(settings: LakeSettings, ready: Path) -> None:
    con = connect_lake(settings)
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM items WHERE writer = 'k'")
    con.execute("INSERT INTO items SELECT 'k', 99, i, 'doomed' FROM range(5000) t(i)")
    ready.touch()
    time.sleep(120)  # killed long before


def _start(target: Callable[..., None], *args: object) -> BaseProcess:
    p = SPAWN.Process(target=target, args=args)
    p.start()
    return p


def _join_all(processes: list[BaseProcess], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for p in processes:
        p.join(max(0.1, deadline - time.monotonic()))
    alive = [p for p in processes if p.is_alive()]
    for p in alive:
        p.kill()
    assert not alive, f"{len(alive)} child processes hung"
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]


# ---- tests ----

def test_concurrent_init_creates_one_catalog(pg_server: PgServer, tmp_path: Path) -> None:
    """Three processes initialising the same new lake at the same moment all succeed and make one catalog with
    the table created once. Control: bare concurrent first ATTACHes race on creating the catalog tables."""
    naive = _settings(pg_server.create_database(f"naive_{os.getpid()}"), tmp_path / "n")
    out: mp.Queue = SPAWN.Queue()
    barrier = SPAWN.Barrier(3)
    _join_all([_start(_init_child, naive, barrier, True, out) for _ in range(3)])
    naive_results = [out.get() for _ in range(3)]
    assert any(r != "ok" for r in naive_results), "bare concurrent ATTACHes no longer race: is init_lake's lock needed?"

    settings = _settings(pg_server.create_database(f"safe_{os.getpid()}"), tmp_path / "s")
    barrier = SPAWN.Barrier(3)
    _join_all([_start(_init_child, settings, barrier, False, out) for _ in range(3)])
    assert [out.get() for _ in range(3)] == ["ok"] * 3

    with psycopg2.connect(settings.catalog) as pg, pg.cursor() as cur:
        cur.execute("SELECT count(*) FROM ducklake_metadata WHERE key = 'version'")
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT count(*) FROM ducklake_table WHERE table_name = 'items'")
        assert cur.fetchone()[0] == 1
    con = connect_lake(settings)
    assert one(con.execute("SELECT count(*) FROM items").fetchone())[0] == 0


def test_concurrent_writers_retry_and_readers_see_whole_transactions(pg_dsn: str, tmp_path: Path) -> None:
    """3 processes x 20 DELETE+INSERT transactions on one table, with a reader querying all along."""
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    out: mp.Queue = SPAWN.Queue()
    reader_out: mp.Queue = SPAWN.Queue()
    stop = tmp_path / "stop"
    reader = _start(_read_loop, settings, stop, reader_out)
    barrier = SPAWN.Barrier(3)
    writers = [_start(_write_rounds, settings, f"w{k}", 20, barrier, out) for k in range(3)]
    _join_all(writers, timeout=90)
    stop.touch()
    results = sorted(out.get() for _ in writers)
    reads, problems = reader_out.get(timeout=60)
    _join_all([reader])

    assert problems == []
    assert reads >= 3
    total_retries = sum(r for _, r, _ in results)
    assert total_retries > 0, "three writers deleting from one table should have met a commit conflict"
    all_snapshots = [s for _, _, snaps in results for s in snaps]
    assert None not in all_snapshots and len(set(all_snapshots)) == 60  # each commit made its own snapshot
    con = connect_lake(settings, read_only=True)
    assert con.execute("SELECT writer, count(*), min(round), max(round), count(DISTINCT i) FROM items "
                       "GROUP BY writer ORDER BY writer").fetchall() == [(f"w{k}", ROWS, 19, 19, ROWS)
                                                                         for k in range(3)]
    # Each writer's last snapshot shows its round 19; as of its first, its round 0 (and never another's half).
    for writer, _, snaps in results:
        assert con.execute("SELECT DISTINCT round FROM items AT (VERSION => ?) WHERE writer = ?",
                           [snaps[0], writer]).fetchall() == [(0,)]


def test_kill_9_mid_transaction_leaves_lake_consistent(pg_dsn: str, tmp_path: Path) -> None:
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    run_transaction(settings, lambda c: c.execute("INSERT INTO items SELECT 'k', 0, i, 'old' FROM range(100) t(i)"))
    before = current_snapshot(connect_lake(settings, read_only=True))

    ready = tmp_path / "ready"
    victim = _start(_hold_open_transaction, settings, ready)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert time.monotonic() < deadline and victim.is_alive(), "victim never reached its open transaction"
        time.sleep(0.05)
    os.kill(pid_of(victim), signal.SIGKILL)
    victim.join(10)
    assert victim.exitcode == -signal.SIGKILL

    con = connect_lake(settings)
    assert current_snapshot(con) == before
    assert con.execute("SELECT round, body, count(*) FROM items GROUP BY ALL").fetchall() == [(0, "old", 100)]
    # The dead transaction's Parquet file stays behind, unreferenced, until orphan cleanup removes it.
    data = Path(settings.data_path)
    listed = {Path(r[0]).name
              for r in con.execute("SELECT data_file FROM ducklake_list_files('lake', 'items')").fetchall()}
    on_disk = {p.name for p in data.rglob("*.parquet")}
    assert listed < on_disk
    con.execute("CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)")
    assert {p.name for p in data.rglob("*.parquet")} == listed

    def rerun(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("DELETE FROM items WHERE writer = 'k'")
        c.execute("INSERT INTO items SELECT 'k', 1, i, 'new' FROM range(100) t(i)")
    done = run_transaction(con, rerun)
    assert done.retries == 0 and done.snapshot == before + 1
    assert con.execute("SELECT round, body, count(*) FROM items GROUP BY ALL").fetchall() == [(1, "new", 100)]


def test_kill_9_of_a_looping_writer_then_next_writer_proceeds(pg_dsn: str, tmp_path: Path) -> None:
    """Killed at an arbitrary moment (possibly inside COMMIT): whatever it committed is whole."""
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    out: mp.Queue = SPAWN.Queue()
    victim = _start(_write_rounds, settings, "v", 10_000, None, out)
    con = connect_lake(settings)
    deadline = time.monotonic() + 60
    # let it commit a few rounds first
    while one(con.execute("SELECT count(*) FROM items").fetchone())[0] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(0.7)
    os.kill(pid_of(victim), signal.SIGKILL)
    victim.join(10)
    rows = one(con.execute(
        "SELECT count(*), min(round), max(round) FROM items WHERE writer = 'v'").fetchone())
    assert rows[0] == ROWS and rows[1] == rows[2]
    _write_rounds(settings, "v", 2, None, out)
    assert out.get()[1] == 0  # no conflict with a dead writer
    assert con.execute("SELECT count(*), min(round), max(round) FROM items").fetchone() == (ROWS, 1, 1)


def test_snapshot_ids_and_reading_as_of(pg_dsn: str, tmp_path: Path) -> None:
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    con = connect_lake(settings)
    snaps: list[int] = []
    for r in range(3):
        done = run_transaction(con, statement(
            "INSERT INTO items SELECT 'a', ?, i, 'b' FROM range(?) t(i)", [r, ROWS]))
        assert done.snapshot is not None
        snaps.append(done.snapshot)
    assert snaps == sorted(snaps) and len(set(snaps)) == 3
    assert current_snapshot(con) == snaps[-1]
    assert run_transaction(con, lambda c: c.execute("SELECT 1").fetchall()).snapshot is None  # read-only: none
    # "the corpus as of batch X": the batch's commits carry its id as the snapshot's message
    tagged = run_transaction(con, lambda c: c.execute("DELETE FROM items WHERE round = 0"), message="batch-x")
    assert snapshot_of(con, "batch-x") == tagged.snapshot == current_snapshot(con)
    assert snapshot_of(con, "batch-y") is None
    assert con.execute("SELECT count(*) FROM items AT (VERSION => ?)", [snapshot_of(con, "batch-x")]).fetchone() == (
        2 * ROWS,)
    assert current_snapshot(con) > snaps[-1]

    for k, snap in enumerate(snaps):  # the lake as it was after each commit, the later delete included
        as_of = one(con.execute("SELECT count(*) FROM items AT (VERSION => ?)", [snap]).fetchone())
        assert as_of[0] == ROWS * (k + 1)
        pinned = connect_lake(settings, snapshot=snap)
        assert pinned.execute("SELECT count(*), max(round) FROM items").fetchone() == (ROWS * (k + 1), k)
        assert current_snapshot(pinned) == snap
        with pytest.raises(duckdb.Error, match="read-only"):
            pinned.execute("DELETE FROM items")
        pinned.close()


def test_reconcile_transactions_serialise_on_a_lock_row(pg_dsn: str, tmp_path: Path) -> None:
    """Two corpus-wide steps that both UPDATE one lock row: the second conflicts, is re-run, and then sees the
    first one's rows. Without the lock row both commit, each blind to the other (write skew)."""
    settings = _settings(pg_dsn, tmp_path)

    def setup(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("CREATE TABLE IF NOT EXISTS reconcile_lock(id INTEGER, n BIGINT)")
        c.execute("INSERT INTO reconcile_lock VALUES (1, 0)")
        c.execute("CREATE TABLE IF NOT EXISTS clusters(who VARCHAR, seen BIGINT)")
    init_lake(settings, setup)

    def interleave(lock: bool) -> tuple[list[int], int, list[tuple]]:
        first, second = connect_lake(settings), connect_lake(settings)
        in_txn, first_done = threading.Event(), threading.Event()
        seen: list[int] = []
        result: list = []

        def reconcile(c: duckdb.DuckDBPyConnection, who: str) -> int:
            if lock:
                c.execute("UPDATE reconcile_lock SET n = n + 1 WHERE id = 1")
            n = one(c.execute("SELECT count(*) FROM clusters").fetchone())[0]
            c.execute("INSERT INTO clusters VALUES (?, ?)", [who, n])
            return n

        def second_step(c: duckdb.DuckDBPyConnection) -> int:
            n = reconcile(c, "second")
            seen.append(n)
            if len(seen) == 1:  # hold the first attempt open until the other step has committed
                in_txn.set()
                assert first_done.wait(30)
            return n

        t = threading.Thread(target=lambda: result.append(run_transaction(second, second_step, backoff=0.01)))
        t.start()
        assert in_txn.wait(30)
        run_transaction(first, lambda c: reconcile(c, "first"))
        first_done.set()
        t.join(60)
        rows = sorted(first.execute("SELECT who, seen FROM clusters").fetchall())
        first.execute("DELETE FROM clusters")
        first.close()
        second.close()
        return seen, result[0].retries, rows

    seen, retries, rows = interleave(lock=True)
    assert (seen, retries, rows) == ([0, 1], 1, [("first", 0), ("second", 1)])
    seen, retries, rows = interleave(lock=False)
    assert (seen, retries, rows) == ([0], 0, [("first", 0), ("second", 0)])


def test_errors_that_are_not_conflicts_are_not_retried(pg_dsn: str, tmp_path: Path) -> None:
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    con = connect_lake(settings)
    calls = []

    def broken(c: duckdb.DuckDBPyConnection) -> None:
        calls.append(1)
        c.execute("INSERT INTO items SELECT 'x', 0, i, 'y' FROM range(20) t(i)")
        c.execute("SELECT no_such_column FROM items")

    with pytest.raises(duckdb.BinderException) as err:
        run_transaction(con, broken)
    assert not is_conflict(err.value) and calls == [1]
    assert one(con.execute("SELECT count(*) FROM items").fetchone())[0] == 0  # rolled back


def test_a_long_reader_keeps_its_snapshot(pg_dsn: str, tmp_path: Path) -> None:
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    writer, reader = connect_lake(settings), connect_lake(settings, read_only=True)
    run_transaction(writer, lambda c: c.execute("INSERT INTO items SELECT 'a', 0, i, 'b' FROM range(?) t(i)", [ROWS]))
    reader.execute("BEGIN TRANSACTION")
    assert reader.execute("SELECT count(*), max(round) FROM items").fetchone() == (ROWS, 0)

    def replace(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("DELETE FROM items")
        c.execute("INSERT INTO items SELECT 'a', 1, i, 'b' FROM range(?) t(i)", [2 * ROWS])
    started = time.monotonic()
    done = run_transaction(writer, replace)
    assert done.retries == 0 and time.monotonic() - started < 10  # the open reader did not block the writer
    assert reader.execute("SELECT count(*), max(round) FROM items").fetchone() == (ROWS, 0)
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*), max(round) FROM items").fetchone() == (2 * ROWS, 1)


CONFLICT_CASES = [
    # (what, transaction A, transaction B, B's commit conflicts)
    ("both insert into one table", ["INSERT INTO x SELECT i, 'n' FROM range(50) t(i)"],
     ["INSERT INTO x SELECT i, 'm' FROM range(50) t(i)"], False),
    ("A writes table x, B writes table y", ["DELETE FROM x WHERE b = 'b0'", "INSERT INTO x VALUES (1, 'n')"],
     ["DELETE FROM y WHERE b = 'b0'", "INSERT INTO y VALUES (1, 'n')"], False),
    ("delete different rows of one data file", ["DELETE FROM x WHERE b = 'b0'"], ["DELETE FROM x WHERE b = 'b1'"],
     True),
    ("delete rows of different data files", ["DELETE FROM x WHERE b = 'b0'"], ["DELETE FROM x WHERE b = 'b3'"],
     False),
    ("delete the same rows", ["DELETE FROM x WHERE b = 'b0'"], ["DELETE FROM x WHERE b = 'b0'"], True),
    ("update the same row", ["UPDATE x SET b = 'u' WHERE id = 1"], ["UPDATE x SET b = 'v' WHERE id = 1"], True),
    ("per-batch delete (nothing yet) + insert", ["DELETE FROM x WHERE b = 'new1'", "INSERT INTO x VALUES (1, 'new1')"],
     ["DELETE FROM x WHERE b = 'new2'", "INSERT INTO x VALUES (2, 'new2')"], False),
    ("per-batch delete (rows of another file) + insert",
     ["DELETE FROM x WHERE b = 'b0'", "INSERT INTO x VALUES (1, 'b0')"],
     ["DELETE FROM x WHERE b = 'b3'", "INSERT INTO x VALUES (2, 'b3')"], True),
    ("A adds a column to x, B inserts into x", ["ALTER TABLE x ADD COLUMN w INTEGER"],
     ["INSERT INTO x VALUES (1, 'n')"], True),
    ("A adds a column to x, B inserts into y", ["ALTER TABLE x ADD COLUMN w INTEGER"],
     ["INSERT INTO y VALUES (1, 'n')"], False),
    ("both CREATE TABLE IF NOT EXISTS z", ["CREATE TABLE IF NOT EXISTS z(a INTEGER)"],
     ["CREATE TABLE IF NOT EXISTS z(a INTEGER)"], True),
]


@pytest.fixture(scope="module")
def shared_lake(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> LakeSettings:
    settings = _settings(pg_server.create_database(f"shared_{os.getpid()}"), tmp_path_factory.mktemp("lake"))
    init_lake(settings)
    return settings


@pytest.mark.parametrize("what,a_sql,b_sql,conflicts", CONFLICT_CASES, ids=[c[0] for c in CONFLICT_CASES])
def test_what_conflicts(shared_lake: LakeSettings, what: str, a_sql: list[str], b_sql: list[str],
                        conflicts: bool) -> None:
    # Each case in its own schema: x has rows b0..b2 in one data file and b3 in another; y has one file.
    schema = "c" + str([c[0] for c in CONFLICT_CASES].index(what))
    a, b = connect_lake(shared_lake), connect_lake(shared_lake)
    try:
        for sql in (f"CREATE SCHEMA {schema}", f"CREATE TABLE {schema}.x(id BIGINT, b VARCHAR)",
                    f"CREATE TABLE {schema}.y(id BIGINT, b VARCHAR)",
                    f"INSERT INTO {schema}.x SELECT i, 'b' || (i // 100) FROM range(300) t(i)",
                    f"INSERT INTO {schema}.x SELECT i, 'b3' FROM range(300, 400) t(i)",
                    f"INSERT INTO {schema}.y SELECT i, 'b' || (i // 100) FROM range(300) t(i)"):
            run_transaction(a, statement(sql))
        for con in (a, b):
            con.execute(f"USE {shared_lake.name}.{schema}")
            con.execute("BEGIN TRANSACTION")
        for sql in a_sql:
            a.execute(sql)
        for sql in b_sql:
            b.execute(sql)
        a.execute("COMMIT")
        if conflicts:
            with pytest.raises(duckdb.TransactionException, match="Transaction conflict") as err:
                b.execute("COMMIT")
            assert is_conflict(err.value)
        else:
            b.execute("COMMIT")
    finally:
        a.close()
        b.close()


# ---- which of our SQL works on a lake table (docs/ducklake-notes.md, "SQL on a lake") ----

SQL_CASES = [
    # (what, statements, None if the last one works else a fragment of its error)
    ("PRIMARY KEY", ["CREATE TABLE pk(id VARCHAR PRIMARY KEY)"], "PRIMARY KEY/UNIQUE constraints are not supported"),
    ("UNIQUE", ["CREATE TABLE uq(id VARCHAR UNIQUE)"], "PRIMARY KEY/UNIQUE constraints are not supported"),
    ("NOT NULL is enforced", ["CREATE TABLE nn(id VARCHAR NOT NULL)", "INSERT INTO nn VALUES (NULL)"],
     "NOT NULL constraint failed"),
    ("CREATE TABLE IF NOT EXISTS", ["CREATE TABLE IF NOT EXISTS t1(id BIGINT, v VARCHAR)",
                                    "CREATE TABLE IF NOT EXISTS t1(id BIGINT, v VARCHAR)"], None),
    ("INSERT OR REPLACE", ["CREATE TABLE t2(id BIGINT, v VARCHAR)", "INSERT OR REPLACE INTO t2 VALUES (1, 'a')"],
     "no UNIQUE/PRIMARY KEY constraints"),
    ("ON CONFLICT DO NOTHING", ["CREATE TABLE t3(id BIGINT, v VARCHAR)",
                                "INSERT INTO t3 VALUES (1, 'a') ON CONFLICT DO NOTHING"],
     "no UNIQUE/PRIMARY KEY constraints"),
    ("ON CONFLICT (id) DO UPDATE", ["CREATE TABLE t4(id BIGINT, v VARCHAR)",
                                    "INSERT INTO t4 VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET v = excluded.v"],
     "not referenced by a UNIQUE/PRIMARY KEY"),
    ("MERGE INTO as the upsert", ["CREATE TABLE t5(id BIGINT, v VARCHAR)", "INSERT INTO t5 VALUES (1, 'a')",
                                  "MERGE INTO t5 USING (SELECT 1 AS id, 'b' AS v UNION ALL SELECT 2, 'c') s "
                                  "ON t5.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v "
                                  "WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)"], None),
    ("ALTER TABLE ADD COLUMN IF NOT EXISTS", ["CREATE TABLE t6(id BIGINT)",
                                              "ALTER TABLE t6 ADD COLUMN IF NOT EXISTS s STRUCT(a INTEGER)[]",
                                              "ALTER TABLE t6 ADD COLUMN IF NOT EXISTS s STRUCT(a INTEGER)[]"], None),
    ("UPDATE ... FROM", ["CREATE TABLE t7(id BIGINT, n BIGINT)", "INSERT INTO t7 VALUES (1, 1)",
                         "UPDATE t7 SET n = t7.n + d.d FROM (SELECT 1 AS id, 5 AS d) d WHERE t7.id = d.id"], None),
    ("DELETE ... RETURNING", ["CREATE TABLE t8(id BIGINT)", "INSERT INTO t8 VALUES (1)",
                              "DELETE FROM t8 WHERE id = 1 RETURNING id"], "RETURNING clause not yet supported"),
    ("INSERT ... RETURNING", ["CREATE TABLE t9(id BIGINT)", "INSERT INTO t9 VALUES (1) RETURNING id"],
     "RETURNING clause not yet supported"),
    ("temp table", ["CREATE TEMP TABLE tt(x INTEGER)", "INSERT INTO tt VALUES (1)", "SELECT * FROM tt"], None),
    ("views", ["CREATE TABLE t10(id BIGINT)", "CREATE OR REPLACE VIEW v10 AS SELECT count(*) n FROM t10",
               "CREATE OR REPLACE VIEW v10 AS SELECT count(*) + 1 n FROM t10"], None),
    ("macros", ["CREATE MACRO plus_one(x) AS x + 1", "SELECT plus_one(1)"], None),
    ("COMMENT ON", ["CREATE TABLE t11(id BIGINT)", "COMMENT ON TABLE t11 IS 'why'",
                    "COMMENT ON COLUMN t11.id IS 'what'"], None),
    ("UBIGINT", ["CREATE TABLE t12(h UBIGINT)", "INSERT INTO t12 VALUES (18446744073709551615)"], None),
    ("list, struct, map columns", ["CREATE TABLE t13(l VARCHAR[], s STRUCT(a INTEGER, b VARCHAR)[], "
                                   "m MAP(VARCHAR, INTEGER))",
                                   "INSERT INTO t13 VALUES (['a'], [{'a': 1, 'b': 'x'}], MAP {'k': 1})"], None),
    ("fixed-size ARRAY", ["CREATE TABLE t14(a FLOAT[3])"], "unsupported type"),
    ("ENUM types", ["CREATE TYPE mood AS ENUM ('a', 'b')"], "does not support user-defined types"),
    ("sequences", ["CREATE SEQUENCE s1"], "does not support sequences"),
    ("indexes", ["CREATE TABLE t15(id BIGINT)", "CREATE INDEX i15 ON t15(id)"], "does not support indexes"),
    ("read_parquet insert", ["CREATE TABLE t16(id BIGINT)",
                             "COPY (SELECT range AS id FROM range(5)) TO '{tmp}/p.parquet' (FORMAT parquet)",
                             "INSERT INTO t16 SELECT id FROM read_parquet('{tmp}/p.parquet')"], None),
    ("fts index on a lake table", ["CREATE TABLE t17(doc_id VARCHAR, title VARCHAR, body VARCHAR)",
                                   "INSERT INTO t17 VALUES ('a', 't', 'b')",
                                   "PRAGMA create_fts_index('t17', 'doc_id', 'title', 'body', overwrite=1)"],
     'unsupported type "NULL"'),
    ("writes to the lake and a local database in one transaction",
     ["CREATE TABLE t18(id BIGINT)", "CREATE TABLE memory.main.m18(id BIGINT)", "BEGIN TRANSACTION",
      "INSERT INTO t18 VALUES (1)", "INSERT INTO memory.main.m18 VALUES (1)"], "a transaction that has already"),
]


@pytest.fixture(scope="module")
def lake_con(shared_lake: LakeSettings) -> Any:
    con = connect_lake(shared_lake)
    load_extension(con, "fts")
    yield con
    con.close()


@pytest.mark.parametrize("what,statements,error", SQL_CASES, ids=[c[0] for c in SQL_CASES])
def test_sql_on_a_lake(lake_con: duckdb.DuckDBPyConnection, tmp_path: Path, what: str, statements: list[str],
                       error: str | None) -> None:
    *setup, last = [s.replace("{tmp}", str(tmp_path)) for s in statements]
    try:
        for sql in setup:
            lake_con.execute(sql)
        if error is None:
            lake_con.execute(last)
        else:
            with pytest.raises(duckdb.Error, match=re.escape(error)):
                lake_con.execute(last)
    finally:
        try:
            lake_con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # no transaction open


def test_fts_index_works_on_a_local_copy_of_a_lake_table(lake_con: duckdb.DuckDBPyConnection) -> None:
    lake_con.execute("CREATE TABLE docs(doc_id VARCHAR, title VARCHAR, body VARCHAR)")
    lake_con.execute("INSERT INTO docs VALUES ('a', 'rain', 'heavy rain today'), ('b', 'sun', 'dry and warm')")
    lake_con.execute("CREATE TABLE memory.main.docs AS FROM docs")
    lake_con.execute("USE memory")
    try:
        lake_con.execute("PRAGMA create_fts_index('docs', 'doc_id', 'title', 'body', overwrite=1)")
        hits = lake_con.execute("SELECT doc_id FROM (SELECT doc_id, fts_main_docs.match_bm25(doc_id, 'rain') s "
                                "FROM docs) WHERE s IS NOT NULL").fetchall()
    finally:
        lake_con.execute("USE lake")
    assert hits == [("a",)]


def test_project_schema_on_a_lake(lake_con: duckdb.DuckDBPyConnection) -> None:
    """Our DDL (sql/schema/*.sql, sql/views.sql) runs unchanged on a lake: it has no PRIMARY KEY / UNIQUE
    constraints, which DuckLake refuses."""
    sql_dir = Path(__file__).resolve().parent.parent / "src" / "newsdesk" / "sql"
    lake_con.execute("CREATE SCHEMA project")
    lake_con.execute("USE lake.project")
    try:
        with pytest.raises(duckdb.Error, match="PRIMARY KEY/UNIQUE constraints are not supported"):
            lake_con.execute("CREATE TABLE keyed(id VARCHAR PRIMARY KEY)")
        for path in sorted((sql_dir / "schema").glob("*.sql")) + [sql_dir / "views.sql"]:
            lake_con.execute(path.read_text())
        tables = {r[0] for r in lake_con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'lake' "
            "AND table_schema = 'project'").fetchall()}
    finally:
        lake_con.execute("USE lake.main")
    assert {"batches", "documents", "articles", "canonical_articles"} <= tables


# ---- the data path on S3: tests/test_lake_s3.py (moto's server, started by the test) ----


def test_rowids_on_a_lake_are_unique_and_never_reused(pg_dsn: str, tmp_path: Path) -> None:
    """export_by_rowid slices by rowid ranges: on a lake they are row-lineage ids, per table, never reused."""
    settings = _settings(pg_dsn, tmp_path)
    init_lake(settings, _create_items)
    con = connect_lake(settings)
    run_transaction(con, lambda c: c.execute("INSERT INTO items SELECT 'a', 0, i, 'b' FROM range(100) t(i)"))
    assert con.execute("SELECT min(rowid), max(rowid) FROM items").fetchone() == (0, 99)

    def replace_half(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("DELETE FROM items WHERE i >= 50")
        c.execute("INSERT INTO items SELECT 'a', 1, i, 'b' FROM range(50, 100) t(i)")
    run_transaction(con, replace_half)
    new_ids = con.execute("SELECT min(rowid), max(rowid), count(DISTINCT rowid) FROM items WHERE round = 1")
    assert new_ids.fetchone() == (100, 149, 50)
    before = con.execute("SELECT rowid FROM items WHERE i = 7").fetchone()
    run_transaction(con, lambda c: c.execute("UPDATE items SET body = 'c' WHERE i = 7"))
    assert con.execute("SELECT rowid FROM items WHERE i = 7").fetchone() == before  # an update keeps the id
