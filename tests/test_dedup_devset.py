"""The shared dedup dev set through ingest and clean, split into date batches: dedup in date order and as a
backfill (newest first) gives identical copies, and the shared scorer finds no false merge."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import settings_for, store_for

from newsdesk.pipeline import run_one

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

N_BATCHES = 3


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("devset")
    lines = (shared / "bench" / "dedup" / "devset" / "batch.jsonl").read_text(encoding="utf-8").splitlines()
    lines = sorted((line for line in lines if line.strip()), key=lambda line: (json.loads(line)["published"], line))
    size = -(-len(lines) // N_BATCHES)
    db, names = root / "clean.duckdb", []
    for k in range(N_BATCHES):
        name = f"dev-{k}"
        folder = root / name
        folder.mkdir()
        (folder / "batch.jsonl").write_text("\n".join(lines[k * size:(k + 1) * size]) + "\n", encoding="utf-8")
        settings = settings_for(db, landing=root)
        for stage in ("ingest", "clean"):
            run_one(stage, store_for(db), settings, name)
        names.append(name)
    return db, names


def _dedup(cleaned: tuple[Path, list[str]], target: Path, order: list[str]) -> list[tuple]:
    shutil.copy(cleaned[0], target)
    for name in order:
        run_one("publish", store_for(target), settings_for(target), name)
    with store_for(target).read() as con:
        return con.execute("SELECT doc_id, copy_cluster_id, is_canonical, similarity FROM copies ORDER BY 1").fetchall()


def test_date_order_and_backfill_give_identical_copies_and_no_false_merge(
        cleaned: tuple[Path, list[str]], tmp_path: Path, shared: Path) -> None:
    in_order = _dedup(cleaned, tmp_path / "in-order.duckdb", cleaned[1])
    backfill = _dedup(cleaned, tmp_path / "backfill.duckdb", list(reversed(cleaned[1])))
    assert in_order == backfill
    assert sum(1 for row in in_order if not row[2]) > 200  # the set has 294 copies: most must be found
    out = subprocess.run([sys.executable, str(shared / "tools" / "dedup_score.py"), "--db", str(tmp_path / "backfill.duckdb"),
                          "--gold", str(shared / "bench" / "dedup" / "devset" / "gold.tsv"), "--json"],
                         capture_output=True, text=True, check=True)
    score = json.loads(out.stdout)
    assert score["pair"]["precision"] >= 0.99
    assert score["hard_negatives"]["merged_with_seed_cluster"] == 0
    assert score["same_event"]["merged"] == 0
