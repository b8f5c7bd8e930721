"""Issue 15: the same pipeline on a DuckLake (catalog in a real PostgreSQL): four batches holding copies of each
other, processed by three runs at once, end in exactly the tables a serial run on the embedded file gives; a run
killed with -9 and run again changes nothing; an analyst querying the lake all the while never fails and never
sees half a batch."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH
from helpers import one
from pgserver import PgServer, start_server_or_skip
from threads_metrics import bcubed, pairwise

pytestmark = pytest.mark.slow

BATCHES = ("b1", "b2", "b3", "b4")
# Differ legitimately between two databases: when rows were written, where the landing folder was
# (thread_features.published_at: an undated article's ingestion time, as in thread_articles).
VOLATILE = {"ingested_at", "first_ingested_at", "landing_path", "requested_at", "marker_mtime_ns",
            "published_at"}


def _landing(root: Path) -> Path:
    """b1 is the sample batch; b2-b4 hold copies of its stories and of each other's, so their clusters cross
    batches that run at the same moment."""
    landing = root / "landing"
    shutil.copytree(SAMPLE_BATCH, landing / "b1")
    bridge = (SAMPLE_BATCH / "01-harbor-bridge.txt").read_text(encoding="utf-8").split("\n\n")
    wind = (SAMPLE_BATCH / "06-wind-farm-fire.txt").read_text(encoding="utf-8").split("\n\n")
    fresh = ("Volunteers on Skerry Island planted four hundred oak saplings along the old quarry road on Saturday, "
             "the first stage of a plan to turn the abandoned site into a public woodland. The island council "
             "paid for the trees from a fund set up after the storm of last winter, and the local school will "
             "look after a corner of the new wood as part of its science lessons. Organisers said a second "
             "planting day is planned for the spring, when the ground on the upper slope has dried out.")
    texts = {
        "b2": {"bridge-copy.txt": "\n\n".join(["Harbor crossing saved by council vote", *bridge[1:6]]),
               "woodland.txt": "Islanders plant a new wood\n\n" + fresh + "\n\n" + fresh.replace("Saturday", "the weekend")},
        "b3": {"bridge-again.txt": "\n\n".join([bridge[0], *bridge[1:5], "Read more local news at the Bay Post."]),
               "wind-copy.txt": "\n\n".join(["Turbine fire at Greyhaven", *wind[1:]])},
        "b4": {"woodland-reprint.txt": "Oak saplings planted on quarry road\n\nThis article was originally published "
                                       "by Island Voice.\n\n" + fresh + "\n\n" + fresh.replace("Saturday", "the weekend"),
               "wire.jsonl": json.dumps({"id": "w-9", "title": "Harbour dues to rise", "source": "Coastal Ledger",
                                         "published": "2026-11-20", "text": fresh.replace("oak", "harbour")}) + "\n"},
    }
    for batch, files in texts.items():
        (landing / batch).mkdir(parents=True)
        for name, text in files.items():
            (landing / batch / name).write_text(text, encoding="utf-8")
    return landing


def _env(root: Path, landing: Path, name: str, catalog: str | None) -> dict[str, str]:
    home = root / f"home-{name}"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {**os.environ, "NEWSDESK_LANDING_DIR": str(landing), "DAGSTER_HOME": str(home),
           "NEWSDESK_DB": str(root / "local" / "news.duckdb"), "NEWSDESK_NER_PROCESSES": "1",
           "NEWSDESK_CLEAN_WORKERS": "1"}
    if catalog:
        env.update(NEWSDESK_STORAGE="ducklake", NEWSDESK_LAKE_CATALOG=catalog, NEWSDESK_LAKE_DATA=str(root / "lake"))
    return env


def _start(env: dict[str, str], *batches: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pipelines", "run", *batches], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def _finish(proc: subprocess.Popen[str]) -> None:
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out[-4000:]


# Story threads are decided greedily in publication order, which concurrent runs do not fix: their tables are
# compared by membership, within the order bound the README documents ("Story threads"), not byte for byte.
ORDER_BOUND = ("threads", "thread_articles", "thread_merges")


class Corpus(NamedTuple):
    tables: dict[str, tuple[int, str]]  # count and content hash of every other published table
    threads: dict[str, str]  # doc_id -> its thread, named by the thread's first member


def digest(con: duckdb.DuckDBPyConnection) -> Corpus:
    """Count and content hash of every published table; a copy cluster is named by its canonical article (its
    id follows ingestion order, which concurrent runs do not fix); story threads as their membership."""
    tables = [t for (t,) in con.execute("""SELECT table_name FROM information_schema.tables
                                           WHERE table_schema = 'main' AND table_type = 'BASE TABLE'
                                             AND table_name NOT IN ('publish_lock', 'newsdesk_meta')
                                             AND table_name NOT LIKE 'ducklake_%' ORDER BY 1""").fetchall()]
    out: dict[str, tuple[int, str]] = {}
    for table in [t for t in tables if t not in ORDER_BOUND]:
        cols = [c for (c,) in con.execute("""SELECT column_name FROM information_schema.columns
                                             WHERE table_name = ? AND table_schema = 'main'
                                             ORDER BY ordinal_position""", [table]).fetchall() if c not in VOLATILE]
        source = table
        if table == "copies":
            source = """(SELECT c.doc_id, k.doc_id AS copy_cluster_id, c.is_canonical, c.similarity FROM copies c
                         JOIN copies k ON k.copy_cluster_id = c.copy_cluster_id AND k.is_canonical)"""
        out[table] = one(con.execute(
            f"SELECT count(*), coalesce(sum(hash({', '.join(cols)})), 0)::VARCHAR FROM {source} t"
        ).fetchone())
    threads = dict(con.execute("""SELECT doc_id, min(doc_id) OVER (PARTITION BY thread_id)
                                  FROM thread_articles""").fetchall())
    return Corpus(out, threads)


def assert_same_corpus(got: Corpus, expected: Corpus) -> None:
    """Every table equal; the same articles threaded, the threads within the documented order bound."""
    assert got.tables == expected.tables
    assert got.threads.keys() == expected.threads.keys() and got.threads
    assert pairwise(got.threads, expected.threads)[2] >= 0.85 and bcubed(got.threads, expected.threads)[2] >= 0.9


def _lake_digest(catalog: str, data: Path,
                 read: Callable[[duckdb.DuckDBPyConnection], Corpus] = digest) -> Corpus:
    from newsdesk.store.lake import LakeSettings, connect_lake

    con = connect_lake(LakeSettings(catalog=catalog, data_path=str(data), name="newsdesk"), read_only=True)
    try:
        return read(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def server() -> PgServer:
    server = start_server_or_skip()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The reference: the four batches one after the other on the embedded DuckDB file."""
    root = tmp_path_factory.mktemp("serial")
    landing = _landing(root)
    _finish(_start(_env(root, landing, "serial", None), *BATCHES))
    con = duckdb.connect(str(root / "local" / "news.duckdb"), read_only=True)
    try:
        reference = digest(con)
        crossing = con.execute("""SELECT c.copy_cluster_id FROM copies c JOIN articles a USING (doc_id)
                                  GROUP BY 1 HAVING count(DISTINCT a.batch_id) > 1""").fetchall()
    finally:
        con.close()
    assert reference.tables["copies"][0] == reference.tables["articles"][0] == 18
    assert len(crossing) >= 1, "no copy cluster crosses batches: the test would prove nothing"
    return reference


READER = """
import json, sys, time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from newsdesk.store.lake import LakeSettings, connect_lake
settings = LakeSettings(catalog=sys.argv[1], data_path=sys.argv[2], name="newsdesk")
stop = Path(sys.argv[3])
ok, failures, errors, half = 0, 0, [], 0
while not stop.exists():
    try:
        con = connect_lake(settings, read_only=True)
        try:
            con.execute("SET enable_progress_bar = false")  # stdout carries the JSON result only
            con.execute("BEGIN TRANSACTION")
            # Whole batches only: every published article has its cluster and every document its article or a
            # clean-stage quarantine row.
            n_half = con.execute(\"\"\"SELECT (SELECT count(*) FROM articles WHERE doc_id NOT IN (SELECT doc_id FROM copies))
                + (SELECT count(*) FROM documents d WHERE doc_id NOT IN (SELECT doc_id FROM articles)
                   AND doc_id NOT IN (SELECT doc_id FROM quarantine WHERE stage = 'clean' AND doc_id IS NOT NULL))\"\"\").fetchone()[0]
            con.execute("COMMIT")
        finally:
            con.close()
        half += n_half > 0
        ok += 1
    except Exception as exc:
        if "does not exist" in str(exc) or "Catalog Error" in str(exc):
            time.sleep(0.5)  # the lake is not initialised yet
            continue
        failures += 1
        errors.append(repr(exc)[:300])
    time.sleep(0.2)
print(json.dumps({"ok": ok, "failures": failures, "errors": errors[:5], "half": half}))
"""


def test_concurrent_runs_on_a_lake_equal_a_serial_embedded_run(
        server: PgServer, serial: Corpus, tmp_path: Path) -> None:
    catalog = server.create_database("lake_concurrent")
    landing = _landing(tmp_path)
    stop = tmp_path / "stop-reader"
    reader = subprocess.Popen([sys.executable, "-c", READER, catalog, str(tmp_path / "lake"), str(stop)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        runs = [_start(_env(tmp_path, landing, name, catalog), *batches)
                for name, batches in (("a", ["b1"]), ("b", ["b2"]), ("c", ["b3", "b4"]))]
        for run in runs:
            _finish(run)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
    seen = json.loads(out)
    assert seen["failures"] == 0, seen["errors"]
    assert seen["ok"] >= 10 and seen["half"] == 0, seen
    assert_same_corpus(_lake_digest(catalog, tmp_path / "lake"), serial)


def test_a_run_killed_mid_batch_then_run_again_changes_nothing(
        server: PgServer, serial: Corpus, tmp_path: Path) -> None:
    catalog = server.create_database("lake_killed")
    landing = _landing(tmp_path)
    first = _start(_env(tmp_path, landing, "a", catalog), "b1", "b2")
    victim = _start(_env(tmp_path, landing, "b", catalog), "b3", "b4")
    time.sleep(20)  # well inside b3's stages on this machine (each run takes a minute or more)
    os.killpg(victim.pid, signal.SIGKILL)  # the run and its worker processes, as in a machine crash
    victim.communicate()
    _finish(first)
    _finish(_start(_env(tmp_path, landing, "b", catalog), "b3", "b4"))
    assert_same_corpus(_lake_digest(catalog, tmp_path / "lake"), serial)
