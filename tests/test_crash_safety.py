"""Issue 7: SIGKILL in the middle of a batch, run again: the tables equal those of an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from badinput import ARTICLE
from helpers import one

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

RUNNER = Path(__file__).with_name("stage_runner.py")
# Timestamps of first ingestion legitimately differ between two databases; everything else must not.
VOLATILE = {"ingested_at", "first_ingested_at", "landing_path"}


def _write_batch(folder: Path, n: int = 400) -> None:
    folder.mkdir(parents=True)
    lines = []
    for i in range(n):
        text = "\n\n".join(ARTICLE.replace("six", str(i)).replace("Nora Lindqvist", f"Nora Lindqvist {i % 7}")
                           for _ in range(3))
        lines.append(json.dumps({"id": f"a{i}", "title": f"Dredging update {i}", "published": "2026-03-01",
                                 "source": "Port Alder Post", "text": text + f"\n\nStory number {i} ends here."}))
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _digest(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out: dict[str, tuple] = {}
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                                    "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall():
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                              "ORDER BY ordinal_position", [table]).fetchall() if c not in VOLATILE]
            out[table] = one(con.execute(
                f"SELECT count(*), coalesce(sum(hash({', '.join(cols)})), 0)::VARCHAR FROM {table}"
            ).fetchone())
        return out
    finally:
        con.close()


def _run(db: Path, batch: Path, kill_after: float | None = None) -> bool:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(RUNNER), str(db), str(batch), "b"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    if kill_after is None:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]
        return True
    time.sleep(kill_after)
    # The run and its worker processes (spaCy, the cleaning pool) die together, as in a machine crash.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    return False


def _batch_counts(db: Path) -> dict[str, int]:
    """The batch's rows per table, published or still pending (stages write into schema pending until the batch
    is published)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: one(con.execute(
                    f"SELECT (SELECT count(*) FROM main.{t} WHERE batch_id = 'b') "
                    f"+ (SELECT count(*) FROM pending.{t} WHERE batch_id = 'b')").fetchone())[0]
                for t in ("documents", "articles", "boilerplate_segments", "entity_mentions")}
    finally:
        con.close()


def test_sigkill_mid_batch_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    batch = tmp_path / "landing" / "b"
    _write_batch(batch)
    reference = tmp_path / "ref" / "news.duckdb"
    _run(reference, batch)
    full = _batch_counts(reference)

    crashed = tmp_path / "crash" / "news.duckdb"
    partial_states = 0
    for delay in (2.0, 3.5, 5.0):
        _run(crashed, batch, kill_after=delay)
        if crashed.exists():
            counts = _batch_counts(crashed)
            # A killed run leaves each table with all of the batch's rows or none of them.
            for table, n in counts.items():
                assert n in (0, full[table]), (delay, table, n)
            partial_states += counts["documents"] > 0 and counts["entity_mentions"] == 0
    assert partial_states >= 1, "no kill landed between the first and the last stage; the test proved nothing"
    _run(crashed, batch)
    assert _digest(crashed) == _digest(reference)
