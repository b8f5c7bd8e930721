"""Batch leases, host-aware liveness and the duplicate check of a publish (issue 22, items 1-3 and 7).

Real components: the embedded store's SQLite lease file, a real PostgreSQL for the lake's lease table (slow
tier), real DuckDB transactions, real processes whose pids are gone."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from helpers import one, settings_for

from newsdesk import liveness
from newsdesk.config import load_settings
from newsdesk.dedup.cluster import stable_id
from newsdesk.records import ArticleInfo
from newsdesk.store import lease, uniqueness
from newsdesk.store.backends import open_store
from newsdesk.store.staging import sweep_stale
from newsdesk.store.store import Store

pytest_plugins = ["pgserver"]


def _store(tmp_path: Path) -> Store:
    return open_store(settings_for(tmp_path / "news.duckdb"))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _holder(store: Store, batch: str) -> str:
    """The run that holds the batch's lease."""
    held = lease.lease_store(store).get(batch)
    assert held is not None, f"no lease on {batch}"
    return held.run_id


def _rows(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "news.duckdb.leases", isolation_level=None)


def test_a_second_run_of_a_held_batch_is_refused_naming_the_holder(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with lease.acting_for("run-a"), lease.holding(store, "b1"):
        with lease.acting_for("run-b"), pytest.raises(lease.BatchBusy) as refused:
            with lease.holding(store, "b1"):
                pytest.fail("the second run entered")
        message = str(refused.value)
        assert "run-a" in message and f"pid {os.getpid()}" in message and liveness.this_host().host in message
        assert "\n" not in message
        with lease.acting_for("run-a"), lease.holding(store, "b1"):  # the holder's next stage re-enters
            pass
    # A publishing stage releases: the next run gets the batch.
    with lease.acting_for("run-a"), lease.holding(store, "b1", publishes=True):
        pass
    with lease.acting_for("run-b"), lease.holding(store, "b1", publishes=True):
        pass


def test_a_failed_stage_releases_its_lease(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with lease.acting_for("run-a"), pytest.raises(RuntimeError):
        with lease.holding(store, "b1"):
            raise RuntimeError("stage failed")
    assert lease.lease_store(store).get("b1") is None


def test_a_dead_holder_on_this_host_is_taken_over_and_loses_its_write(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with lease.acting_for("run-a"), lease.holding(store, "b1"):
        pass  # run-a holds b1 between stages ...
    lease._HEARTBEAT.remove("b1", "run-a")
    with _rows(tmp_path) as con:  # ... and its process dies
        con.execute("UPDATE newsdesk_batch_leases SET pid = ? WHERE batch_id = 'b1'", [_dead_pid()])
    with lease.acting_for("run-b"), lease.holding(store, "b1"):
        pass
    assert _holder(store, "b1") == "run-b"
    # Were run-a still writing, its write would roll back before COMMIT.
    store.write(lambda con: con.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    with lease.acting_for("run-a"), pytest.raises(lease.LeaseLost, match="run-b"):
        store.write(lease.verified(store, "b1", lambda con: con.execute("INSERT INTO t VALUES (1)")))
    with store.read() as reader:
        assert one(reader.execute("SELECT count(*) FROM t").fetchone())[0] == 0


def test_a_holder_on_another_host_is_judged_by_its_heartbeat_only(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with lease.acting_for("run-a"), lease.holding(store, "b1"):
        pass
    lease._HEARTBEAT.remove("b1", "run-a")  # its heartbeat now comes from that other host, or not at all
    with _rows(tmp_path) as con:  # another host, where the same pid number is a live process of ours
        con.execute("UPDATE newsdesk_batch_leases SET host = 'elsewhere', host_key = 'elsewhere|x|1', pid = ?",
                    [_dead_pid()])
    with lease.acting_for("run-b"), pytest.raises(lease.BatchBusy, match="elsewhere"):
        with lease.holding(store, "b1"):
            pass
    ttl = store.settings.lease_ttl_s
    with _rows(tmp_path) as con:
        con.execute("UPDATE newsdesk_batch_leases SET heartbeat = heartbeat - ?", [ttl + 1])
    with lease.acting_for("run-b"), lease.holding(store, "b1"):
        assert _holder(store, "b1") == "run-b"


def test_the_heartbeat_keeps_a_lease_fresh(tmp_path: Path) -> None:
    store = open_store(load_settings({"NEWSDESK_LEASE_TTL_SECONDS": "3"}, db_path=tmp_path / "n.duckdb"))
    with lease.acting_for("run-a"), lease.holding(store, "b1"):
        time.sleep(4)
        held = lease.lease_store(store).get("b1")
        assert held is not None and held.age_s < 3


CLAIM = """
import sys, time
from pathlib import Path
from newsdesk.config import load_settings
from newsdesk.store import lease
from newsdesk.store.lake_store import LakeStore
dsn, root, run = sys.argv[1:4]
store = LakeStore(load_settings({}, db_path=Path(root) / "n.duckdb", store__backend="ducklake", store__lake_catalog=dsn,
                                store__lake_data_path=str(Path(root) / "lake")).store)
lease.lease_store(store).get("none")  # connected, the table made: then wait for the start line
Path(root, run + ".ready").touch()
while not Path(root, "go").exists():
    time.sleep(0.01)
try:
    with lease.acting_for(run), lease.holding(store, "b1"):
        print("won")
except lease.BatchBusy:
    print("refused")
"""


@pytest.mark.slow
def test_concurrent_claims_on_a_lake_catalog_admit_exactly_one(pg_dsn: str, tmp_path: Path) -> None:
    """Six processes claim one batch at the same instant through the catalog's PostgreSQL: one wins."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([sys.executable, "-c", CLAIM, pg_dsn, str(tmp_path), f"run-{i}"], env=env,
                              stdout=subprocess.PIPE, text=True) for i in range(6)]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("*.ready"))) < len(procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    (tmp_path / "go").touch()
    outcomes = sorted(p.communicate(timeout=300)[0].strip() for p in procs)
    assert outcomes == ["refused"] * 5 + ["won"]


def test_sweep_removes_only_this_hosts_dead_folders(tmp_path: Path) -> None:
    dead, tag = _dead_pid(), liveness.host_tag()
    other = "0000ffff" if tag != "0000ffff" else "1111eeee"
    folders = {name: tmp_path / name for name in (
        f"clean-{dead}-{tag}-abc123", f"clean-{dead}-{other}-abc123", f"clean-{os.getpid()}-{tag}-abc123",
        f"clean-{dead}-abc123")}
    for folder in folders.values():
        folder.mkdir()
    removed = sweep_stale(tmp_path)
    assert removed == [folders[f"clean-{dead}-{tag}-abc123"]]
    old = folders[f"clean-{dead}-abc123"]  # made before host tags: judged by pid only once a day old
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    assert sweep_stale(tmp_path) == [old]


def test_cluster_ids_follow_content_not_ingestion_time() -> None:
    from datetime import datetime

    a = ArticleInfo("aaa", date(2026, 3, 2), None, None, 100, ingested_at=datetime(2026, 1, 1))
    b = ArticleInfo("bbb", date(2026, 3, 1), None, None, 100, ingested_at=datetime(2026, 2, 1))
    c = ArticleInfo("ccc", None, None, None, 100, ingested_at=datetime(2025, 1, 1))
    assert stable_id([a, b, c]) == "bbb"  # earliest published, whatever was ingested first
    later = [ArticleInfo(i.doc_id, i.published_date, None, None, 100, ingested_at=datetime(2030, 1, 1))
             for i in (c, b, a)]
    assert stable_id(later) == "bbb"
    assert stable_id([c, ArticleInfo("abc", None, None, None, 5)]) == "abc"  # undated: smallest doc_id


def _published_batch(store: Store) -> None:
    store.ensure_schema()

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT INTO document_contents (doc_id, batch_id, content, sha256) VALUES "
                    "('d1', 'b1', 'text', 's1'), ('d1', 'b1', 'text', 's1'), ('d2', 'b1', 'more', 's2')")
        con.execute("INSERT INTO batches (batch_id) VALUES ('b1')")

    store.write(fill)


def test_a_publish_repairs_exact_duplicates_and_refuses_others(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _published_batch(store)
    assert store.write(lambda con: uniqueness.repair_and_check(con, "b1")) == ["document_contents"]
    with store.read() as con:
        assert con.execute("SELECT doc_id, count(*) FROM document_contents GROUP BY 1 ORDER BY 1").fetchall() == [
            ("d1", 1), ("d2", 1)]

    def conflicting(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT INTO articles (doc_id, batch_id, body, n_words) VALUES ('d1', 'b1', 'x', 1), ('d1', 'b1', 'y', 1)")
        uniqueness.repair_and_check(con, "b1")

    with pytest.raises(uniqueness.DuplicateRows, match="doc_id=d1 twice in articles"):
        store.write(conflicting)
    with store.read() as con:  # rolled back: nothing of it is published
        assert one(con.execute("SELECT count(*) FROM articles").fetchone())[0] == 0


def test_scratch_of_this_host_before_a_reboot_is_swept(tmp_path: Path) -> None:
    tag = liveness.host_tag()
    earlier_boot = tag[:4] + ("0000" if tag[4:] != "0000" else "1111")
    folder = tmp_path / f"clean-{os.getpid()}-{earlier_boot}-abc123"  # its pid is a live process of this boot
    folder.mkdir()
    assert sweep_stale(tmp_path) == [folder]


def test_the_cli_reaps_only_runs_of_its_own_host() -> None:
    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRun

    from pipelines.__main__ import CLI_TAGS, reap_dead_runs

    here, dead = liveness.this_host(), _dead_pid()
    instance = dg.DagsterInstance.ephemeral()
    runs = {
        "mine-dead": {"newsdesk/host_key": here.key, "newsdesk/pid": str(dead)},
        "mine-alive": {"newsdesk/host_key": here.key, "newsdesk/pid": str(os.getpid())},
        # Another machine's run: its pid number is a live process here, or a dead one; neither says anything.
        "elsewhere-dead-pid": {"newsdesk/host_key": "other|boot|1", "newsdesk/pid": str(dead)},
        "elsewhere": {"newsdesk/host_key": "other|boot|1", "newsdesk/pid": str(os.getpid())},
    }
    for run_id, tags in runs.items():
        instance.add_run(DagsterRun(job_name="process_batch", run_id=run_id, status=dg.DagsterRunStatus.STARTED,
                                    tags={**CLI_TAGS, **tags}))
    reap_dead_runs(instance)
    status = {run_id: run.status for run_id in runs if (run := instance.get_run_by_id(run_id))}
    assert status == {"mine-dead": dg.DagsterRunStatus.FAILURE, "mine-alive": dg.DagsterRunStatus.STARTED,
                      "elsewhere-dead-pid": dg.DagsterRunStatus.STARTED, "elsewhere": dg.DagsterRunStatus.STARTED}


@pytest.mark.slow
def test_an_unreachable_catalog_is_retried_then_exit_1_with_one_line(tmp_path: Path) -> None:
    import shutil

    from conftest import REPO, SAMPLE_BATCH
    from pgserver import free_port

    shutil.copytree(SAMPLE_BATCH, tmp_path / "landing" / "b1")
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "NEWSDESK_LANDING_DIR": str(tmp_path / "landing"),
           "NEWSDESK_DB": str(tmp_path / "news.duckdb"), "NEWSDESK_STORAGE": "ducklake",
           "NEWSDESK_LAKE_CATALOG": f"host=127.0.0.1 port={free_port()} dbname=lake user=postgres",
           "NEWSDESK_LAKE_DATA": str(tmp_path / "lake"), "NEWSDESK_CATALOG_RETRY_SECONDS": "4"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pipelines", "run", "b1"], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is unreachable (gave up after 4 s of retries)" in errors[0], proc.stderr[-2000:]
    assert proc.stderr.count("unreachable (") >= 2  # it did retry
    assert time.monotonic() - started >= 4


def test_a_reused_pid_does_not_keep_a_dead_holder_alive(tmp_path: Path) -> None:
    """A host back in a fresh PID namespace numbers its processes from 1 again: the holder's pid may now be a
    live stranger (even the claimer itself). Its start time tells them apart."""
    store = _store(tmp_path)
    with lease.acting_for("run-a"), lease.holding(store, "b1"):
        pass
    lease._HEARTBEAT.remove("b1", "run-a")
    with _rows(tmp_path) as con:
        con.execute("UPDATE newsdesk_batch_leases SET pid = ?, started = '1'", [os.getpid()])
    with lease.acting_for("run-b"), lease.holding(store, "b1"):
        assert _holder(store, "b1") == "run-b"
