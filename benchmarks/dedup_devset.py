"""The dedup dev set through the real stages (ingest -> clean -> dedup), scored by the shared scorer.

    .venv/bin/python benchmarks/dedup_devset.py [--batches N] [--keep DIR]

The shared folder is $NEWSDESK_SHARED, else <repo>/../shared. With --batches N the records are split into N
batches by publication date and processed newest first (a backfill order), to check order independence.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]

from shared_data import shared_dir

from newsdesk.config import load_settings
from newsdesk.pipeline import run_one
from newsdesk.store.backends import open_store


def split_batches(lines: list[str], n: int) -> list[list[str]]:
    """Records split into n batches by publication date (oldest first)."""
    dated = sorted(lines, key=lambda line: (json.loads(line).get("published") or "", line))
    size = -(-len(dated) // n)
    return [dated[i:i + size] for i in range(0, len(dated), size)]


def run_devset(root: Path, batch_file: Path, n_batches: int = 1, reverse: bool = True) -> Path:
    db = root / "devset.duckdb"
    lines = [line for line in batch_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    batches = split_batches(lines, n_batches) if n_batches > 1 else [lines]
    names = [f"devset-{i:02d}" for i in range(len(batches))]
    settings = load_settings({}, db_path=db, landing_dir=root / "landing")
    store = open_store(settings)
    for name, records in zip(names, batches):
        folder = root / "landing" / name
        folder.mkdir(parents=True)
        (folder / "batch.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
        for stage in ("ingest", "clean"):
            run_one(stage, store, settings, name)
    order = list(reversed(names)) if reverse else names
    for name in order:
        t0 = time.perf_counter()
        stats = run_one("publish", store, settings, name)  # publishes the batch: copies against the corpus
        print(f"{name}: dedup {time.perf_counter() - t0:.2f}s {json.dumps(stats, sort_keys=True)}", file=sys.stderr)
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=1, help="split into N date batches, processed newest first")
    ap.add_argument("--keep", type=Path, help="keep the working folder (DuckDB file) here instead of a temp dir")
    args = ap.parse_args()
    devset = shared_dir() / "bench" / "dedup" / "devset"
    with tempfile.TemporaryDirectory(prefix="dedup-devset-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        db = run_devset(root, devset / "batch.jsonl", args.batches)
        scorer = shared_dir() / "tools" / "dedup_score.py"
        return subprocess.call([sys.executable, str(scorer), "--db", str(db), "--gold", str(devset / "gold.tsv")])


if __name__ == "__main__":
    sys.exit(main())
