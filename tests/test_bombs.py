"""Issue 23, item 1: decompression bombs of every kind cost at most the configured limit in memory.

A 10 MB bomb of each kind (a `.gz` file, a `.jsonl.gz`, a `.warc.gz` record's gzip member, a WARC
response body with `Content-Encoding: gzip` and `deflate`, a `.warc.gz` header line that never
ends; each inflates to about 10 GB) goes into one batch with the five seeds, through the real
ingest stage into a real DuckDB file, and through the accounting check's inventory. The work runs
in a child process that does nothing else and reports its own peak RSS; the same child on the
seeds alone is the baseline of the same run.
`newsdesk clean FILE` on the WARC record bomb (5.1 GB RSS before the fix) is measured the same way,
against the same command on a small good WARC."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hostile import BOMB_BYTES, BOMBS, Warc, html_page

pytestmark = pytest.mark.slow  # ~15 s: four child processes with the project's imports

REPO = Path(__file__).resolve().parent.parent
# max_file_bytes in these runs: a 10 MB bomb is under it on disk, and inflates far past it.
LIMIT = 32 * 2**20
# A 16 MB record limit: the Content-Encoding bombs (10 MB raw) pass the raw size check and are
# stopped while they inflate.
RECORD_CHARS = 4_000_000
# What a bomb may add to the baseline's peak beyond LIMIT: the bomb file's own bytes (10 MB, read
# whole as every file is) and chunk buffers. Before the fix the same batch inflated gigabytes.
MARGIN = BOMB_BYTES + 16 * 2**20
BATCH = "seeds-and-bombs"
Run = dict[str, Any]

CHILD = """
import json, resource, sys
from pathlib import Path
from typing import Any
from helpers import store_for
from newsdesk.config import IngestConfig
from newsdesk.ingest.inventory import expected_rows
from newsdesk.ingest.stage import ingest_batch

batch, db, limit, chars = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
store = store_for(db)
store.ensure_schema()
config = IngestConfig(max_file_bytes=limit, max_record_chars=chars)
stats = ingest_batch(store, batch, batch.name, config)
expected = expected_rows(batch, limit)
print(json.dumps({"stats": stats, "expected": expected,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# Runs its arguments as a child and prints that child's peak RSS (KB): RUSAGE_CHILDREN of a process
# whose only child is the measured command.
MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print(f"PEAK_KB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(done.returncode)
"""


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    clean["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO / "tests"), str(REPO)])
    return clean


def ingest_in_child(batch: Path, db: Path) -> dict:
    args = [str(batch), str(db), str(LIMIT), str(RECORD_CHARS)]
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          env=env(), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def query(db: Path, sql: str, params: list[object]) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def rows_by_path(db: Path) -> dict[str, list[str | None]]:
    rows = query(db, """SELECT source_path, NULL FROM pending.documents WHERE batch_id = ?
                        UNION ALL
                        SELECT source_path, reason FROM pending.quarantine WHERE batch_id = ?""",
                 [BATCH, BATCH])
    out: dict[str, list[str | None]] = defaultdict(list)
    for path, reason in rows:
        out[path].append(reason)
    return {p: sorted(r, key=lambda x: (x is not None, x or "")) for p, r in out.items()}


def seed_hashes(db: Path, batch: str) -> dict[str, tuple[str, int]]:
    rows = query(db, "SELECT source_path, sha256, n_bytes FROM pending.documents "
                     "WHERE batch_id = ? AND source_path LIKE '0%.txt'", [batch])
    return {p: (h, n) for p, h, n in rows}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Run:
    root = tmp_path_factory.mktemp("bombs")
    seeds, bombs = root / "seeds-only", root / BATCH
    shutil.copytree(seeds_dir, seeds)
    shutil.copytree(seeds_dir, bombs)
    for name, (build, _) in BOMBS.items():
        (bombs / name).write_bytes(build())
    base = ingest_in_child(seeds, root / "seeds.duckdb")
    hit = ingest_in_child(bombs, root / "bombs.duckdb")
    return {"root": root, "bombs": bombs, "base": base, "hit": hit}


def test_each_bomb_gets_its_rows_with_the_right_reason(runs: Run) -> None:
    db = runs["root"] / "bombs.duckdb"
    rows = rows_by_path(db)
    assert {name: rows.get(name) for name in BOMBS} == {n: want for n, (_, want) in BOMBS.items()}
    sql = "SELECT source_path, reason, detail FROM pending.quarantine WHERE batch_id = ?"
    details = {(p, r): d for p, r, d in query(db, sql, [BATCH])}
    assert "Content-Encoding: gzip" in details[("bomb_http_gzip.warc", "record_too_large")]
    assert "Content-Encoding: deflate" in details[("bomb_http_deflate.warc", "record_too_large")]
    assert f"more than {LIMIT} bytes" in details[("bomb.txt.gz", "file_too_large")]


def test_the_seeds_come_out_intact(runs: Run, seeds_dir: Path) -> None:
    expected = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size)
                for p in sorted(seeds_dir.iterdir())}
    assert len(expected) == 5
    assert seed_hashes(runs["root"] / "bombs.duckdb", BATCH) == expected
    assert seed_hashes(runs["root"] / "seeds.duckdb", "seeds-only") == expected


def test_inventory_agrees_with_the_reader(runs: Run) -> None:
    """The accounting check's own count (in the same child, so inside the RSS bound too) never asks
    for more rows than the reader gave: a .jsonl.gz bomb is one input, not the millions of lines its
    first 32 MB hold."""
    rows = rows_by_path(runs["root"] / "bombs.duckdb")
    expected = runs["hit"]["expected"]
    assert set(expected) == set(rows)
    assert {p: n for p, n in expected.items() if len(rows[p]) < n} == {}
    assert expected["bomb.jsonl.gz"] == 1
    assert expected["bomb_http_gzip.warc"] == 3  # a plain WARC's records are all counted


def test_peak_memory_stays_within_the_limit(runs: Run) -> None:
    base, hit = runs["base"]["peak_kb"] * 1024, runs["hit"]["peak_kb"] * 1024
    print(f"ingest + inventory peak RSS: seeds only {base / 2**20:.0f} MB, seeds + 6 bombs of "
          f"{BOMB_BYTES / 2**20:.0f} MB {hit / 2**20:.0f} MB (limit {LIMIT / 2**20:.0f} MB, "
          f"margin {MARGIN / 2**20:.0f} MB)")
    assert hit - base < LIMIT + MARGIN
    # The seeds, the page before the record bomb (the one after it is past the file limit), and
    # the pages around the two Content-Encoding bombs.
    assert Counter(runs["hit"]["stats"])["kept"] == 5 + 1 + 4


def test_clean_command_on_a_warc_record_bomb(runs: Run, tmp_path: Path) -> None:
    """`newsdesk clean` on a .warc.gz whose second record inflates to 10 GB: the good page is
    shown, the bomb is one quarantine line, and the command's peak RSS stays within the limit of the
    baseline (a small WARC)."""
    small = Warc()
    small.response("https://kesterby.example/small", html_page(65).encode(), "text/html")
    (tmp_path / "small.warc.gz").write_bytes(small.bytes())
    cli_env = {**env(), "NEWSDESK_MAX_FILE_BYTES": str(LIMIT)}

    def measured(path: Path) -> tuple[subprocess.CompletedProcess, int]:
        command = [sys.executable, "-m", "newsdesk.cli", "clean", str(path)]
        done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                              text=True, env=cli_env, timeout=300)
        peak = int(done.stdout.strip().splitlines()[-1].removeprefix("PEAK_KB ")) * 1024
        return done, peak

    base_run, base = measured(tmp_path / "small.warc.gz")
    assert base_run.returncode == 0, base_run.stderr[-2000:]
    done, peak = measured(runs["bombs"] / "bomb_record.warc.gz")
    assert done.returncode == 0, done.stderr[-2000:]
    print(f"newsdesk clean peak RSS: small WARC {base / 2**20:.0f} MB, WARC record bomb "
          f"{peak / 2**20:.0f} MB")
    bomb_id = "<urn:uuid:00000000-0000-4000-8000-0000000b0b01>"
    assert f"quarantined (ingest): record_too_large: WARC record {bomb_id}" in done.stdout
    assert "quarantined (ingest): file_too_large: the WARC archive decompresses to" in done.stdout
    assert "bomb_record.warc.gz: total 3, kept 1, dropped_file_too_large 1, " \
        "dropped_record_too_large 1" in done.stdout  # the page before the bomb is shown and kept
    assert peak - base < LIMIT + MARGIN
