"""Lake maintenance against the real parts (PostgreSQL from Debian, Parquet in a temp folder): tables equal
before and after, fewer files, no orphan left after a kill -9 mid-write, a transaction in flight untouched, and
one maintenance run at a time."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest
from helpers import newsdesk_resource, one, pid_of, statement

from newsdesk.store import maintenance
from newsdesk.store.lake import LakeSettings, connect_lake, init_lake, run_transaction
from newsdesk.store.maintenance import MaintenanceBusy, MaintenancePolicy, live_files, maintain, stored_files

pytestmark = pytest.mark.slow
pytest_plugins = ["pgserver"]
SPAWN = mp.get_context("spawn")
NOW = MaintenancePolicy(keep_snapshots=timedelta(0), orphan_age=timedelta(0))  # no writer runs meanwhile


def _setup(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE items(batch VARCHAR, i INTEGER, body VARCHAR)")
    con.execute("CREATE TABLE publish_lock(id INTEGER NOT NULL, n BIGINT NOT NULL)")
    con.execute("INSERT INTO publish_lock VALUES (1, 0)")


def _lake(pg_dsn: str, tmp_path: Path) -> LakeSettings:
    settings = LakeSettings(catalog=pg_dsn, data_path=str(tmp_path / "data"), name="lake")
    init_lake(settings, _setup)
    return settings


def small_batches(settings: LakeSettings, n: int = 6) -> None:
    """n batches of 40 rows (one Parquet file each), one of 3 rows (inlined in the catalog), a re-run that
    replaces a batch and a delete of most rows of another (files with many deletes)."""
    con = connect_lake(settings)
    try:
        for k in range(n):
            run_transaction(con, statement(
                "INSERT INTO items SELECT ?, i, md5(i::VARCHAR || ?) FROM range(40) t(i)", [f"b{k}", k]))
        run_transaction(con, lambda c: c.execute("INSERT INTO items VALUES ('tiny', 1, 'a'), ('tiny', 2, 'b'), "
                                                 "('tiny', 3, 'c')"))

        def rerun(c: duckdb.DuckDBPyConnection) -> None:
            c.execute("DELETE FROM items WHERE batch = 'b1'")
            c.execute("INSERT INTO items SELECT 'b1', i, md5(i::VARCHAR || 'again') FROM range(40) t(i)")
        run_transaction(con, rerun)
        run_transaction(con, lambda c: c.execute("DELETE FROM items WHERE batch = 'b2' AND i >= 5"))
    finally:
        con.close()


def content(settings: LakeSettings) -> tuple[int, str]:
    con = connect_lake(settings, read_only=True)
    try:
        row = con.execute("SELECT count(*), coalesce(sum(hash(batch, i, body)), 0)::VARCHAR FROM items").fetchone()
        assert row is not None
        return int(row[0]), str(row[1])
    finally:
        con.close()


def counts(settings: LakeSettings) -> tuple[int, int]:
    con = connect_lake(settings, read_only=True)
    try:
        return live_files(con, settings), stored_files(con, settings)
    finally:
        con.close()


def test_maintenance_keeps_the_tables_and_cuts_the_files(pg_dsn: str, tmp_path: Path) -> None:
    settings = _lake(pg_dsn, tmp_path)
    small_batches(settings)
    before = content(settings)
    live, stored = counts(settings)
    assert live >= 6 and stored >= live

    report = maintain(settings, NOW)

    assert content(settings) == before == (6 * 40 - 35 + 3, before[1])
    assert report.steps["flush_inlined_data"] >= 1 and report.steps["expire_snapshots"] >= 1
    assert report.live_files_after < live and report.live_files_after <= 2
    assert counts(settings) == (report.live_files_after, report.stored_files_after)
    assert report.stored_files_after == report.live_files_after  # nothing but live files is left
    maintain(settings, NOW)  # a second run changes nothing
    assert content(settings) == before


def test_default_policy_keeps_history(pg_dsn: str, tmp_path: Path) -> None:
    """With the defaults (30 days, 24 h) old snapshots stay readable and no file goes yet."""
    settings = _lake(pg_dsn, tmp_path)
    small_batches(settings)
    con = connect_lake(settings)
    first = one(con.execute("SELECT min(snapshot_id) FROM ducklake_snapshots('lake') "
                            "WHERE changes::VARCHAR LIKE '%inserted%'").fetchone())[0]
    as_of = con.execute("SELECT count(*) FROM items AT (VERSION => ?)", [first]).fetchone()
    con.close()
    _, stored = counts(settings)
    report = maintain(settings)
    assert report.steps["expire_snapshots"] == 0 and report.steps["delete_orphaned_files"] == 0
    con = connect_lake(settings, read_only=True)
    assert con.execute("SELECT count(*) FROM items AT (VERSION => ?)", [first]).fetchone() == as_of
    con.close()
    assert report.stored_files_after >= stored  # merged files are added; the old ones wait for expiry


def _open_insert(settings: LakeSettings, ready: Any) -> None:
    con = connect_lake(settings)
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO items SELECT 'killed', i, repeat('x', 200) FROM range(5000) t(i)")
    ready.set()
    time.sleep(600)


def test_no_orphan_after_a_kill_9_mid_write(pg_dsn: str, tmp_path: Path) -> None:
    settings = _lake(pg_dsn, tmp_path)
    small_batches(settings, n=3)
    before = content(settings)
    ready = SPAWN.Event()
    child = SPAWN.Process(target=_open_insert, args=(settings, ready))
    child.start()
    try:
        assert ready.wait(120)
        _, stored = counts(settings)
        assert stored > counts(settings)[0]  # the open transaction's file is on disk, unreferenced
        os.kill(pid_of(child), signal.SIGKILL)
    finally:
        child.join(30)
    report = maintain(settings, NOW)
    assert report.steps["delete_orphaned_files"] >= 1
    assert content(settings) == before
    live, stored = counts(settings)
    assert stored == live


def test_a_transaction_in_flight_keeps_its_files(pg_dsn: str, tmp_path: Path) -> None:
    """The default orphan age spares the files of a write that has not committed yet; it commits readable."""
    settings = _lake(pg_dsn, tmp_path)
    small_batches(settings, n=2)
    writer = connect_lake(settings)
    writer.execute("BEGIN TRANSACTION")
    writer.execute("INSERT INTO items SELECT 'late', i, 'y' FROM range(500) t(i)")
    time.sleep(1.5)
    maintain(settings, MaintenancePolicy(keep_snapshots=timedelta(0)))
    writer.execute("COMMIT")
    assert writer.execute("SELECT count(*), min(body) FROM items WHERE batch = 'late'").fetchone() == (500, "y")
    writer.close()
    control = maintain(settings, NOW)  # once the write is in, nothing it wrote is an orphan
    assert control.stored_files_after == control.live_files_after
    assert content(settings)[0] == 2 * 40 + 3 + 500


def test_two_maintenance_runs_never_overlap(pg_dsn: str, tmp_path: Path) -> None:
    settings = _lake(pg_dsn, tmp_path)
    holder = psycopg2.connect(pg_dsn)
    try:
        holder.autocommit = True
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [maintenance._lock_key(settings)])
        with pytest.raises(MaintenanceBusy, match="another maintenance run"):
            maintain(settings, NOW)
    finally:
        holder.close()
    assert maintain(settings, NOW).steps  # the lock went with the holder's session


def test_the_dagster_job_maintains_the_lake(pg_dsn: str, tmp_path: Path) -> None:
    """The job `lake_maintenance` through Dagster, on a LakeStore lake: the op runs every step and the tables of a
    written lake stay as they were."""
    import dagster as dg

    from newsdesk.config import load_settings
    from newsdesk.store.lake_store import LakeStore
    from pipelines.definitions import build_definitions

    resource = newsdesk_resource(storage="ducklake", lake_catalog=pg_dsn,
                                 lake_data_path=str(tmp_path / "data"),
                                 db_path=str(tmp_path / "local" / "news.duckdb"))
    store = LakeStore(load_settings(env={}, store__backend="ducklake", store__lake_catalog=pg_dsn,
                                    store__lake_data_path=str(tmp_path / "data"),
                                    db_path=tmp_path / "local" / "news.duckdb").store)
    store.ensure_schema()
    for k in range(3):
        store.write(statement("INSERT INTO newsdesk_meta SELECT 'k' || i, ? FROM range(50) t(i)",
                              [str(k)]))
    with store.read() as con:
        before = con.execute("SELECT count(*), sum(hash(key, value)) FROM newsdesk_meta").fetchone()
    instance = dg.DagsterInstance.ephemeral()
    job = build_definitions({"newsdesk": resource}).resolve_job_def("lake_maintenance")
    result = job.execute_in_process(instance=instance)
    assert result.success
    messages = [e.message or "" for e in instance.all_logs(result.run_id)]
    assert any(m.startswith("merge_adjacent_files:") for m in messages)
    assert any("data files read by the latest snapshot: " in m for m in messages)
    with store.read() as con:
        assert con.execute("SELECT count(*), sum(hash(key, value)) FROM newsdesk_meta").fetchone() == before
