"""Scale benchmark of deduplication (in the publish stage): a new batch against a large corpus
already indexed.

    .venv/bin/python benchmarks/dedup_scale.py [--n 1000000] [--base-batch 50000] [--new 10000] [--out DIR]

Phases (each resumable; the corpus and its index are cached in --out, default benchmarks/out/scale-<n>):
1. corpus: N synthetic articles (benchmarks/dedup_synth.py) written straight into `articles`, in batches of
   --base-batch (ingest and clean are not measured here);
2. index: every base batch through dedup_batch, oldest first (the slow part: about an hour for 1M);
3. new batch: --new articles, --new-copy-share of them copies of random corpus articles (a measured batch
   stays in the corpus afterwards, so a second run measures against N + new);
4. measure: dedup_batch on the new batch in a fresh subprocess: wall time and peak RSS (the child's VmHWM);
5. signature speed on the new batch's bodies: our features + MinHash + band keys, and rensa's raw MinHash on the
   same shingle sets, in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import rensa

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]

from dedup_synth import Synth, make_rows

from newsdesk.config import (
    DedupConfig,
    load_settings,
)
from newsdesk.dedup.features import band_keys, compute_features
from newsdesk.dedup.shingles import shingle_hashes, tokenize
from newsdesk.pipeline import run_one
from newsdesk.store.backends import open_store
from newsdesk.store.store import Store


def store_for(db: Path) -> Store:
    return open_store(load_settings({}, db_path=db))


def dedup_batch(db: Path, batch_id: str, config: DedupConfig, log=lambda _: None) -> dict:  # type: ignore[no-untyped-def]
    """The publish stage (it deduplicates) on articles written straight into the published table."""
    return run_one("publish", store_for(db), load_settings({}, db_path=db, dedup=config), batch_id, log)

def base_batches(n: int, size: int) -> list[tuple[str, int, int]]:
    return [(f"base-{k:04d}", start, min(size, n - start)) for k, start in enumerate(range(0, n, size))]


def insert_articles(db: Path, rows: list[dict[str, object]]) -> None:
    table = pa.Table.from_pylist(rows)

    def insert(con) -> None:  # type: ignore[no-untyped-def]
        con.register("_rows", table)
        con.execute(f"INSERT INTO articles ({', '.join(table.column_names)}) SELECT * FROM _rows")
        con.unregister("_rows")

    store_for(db).write(insert)


def build_corpus(db: Path, synth: Synth, n: int, size: int, log_path: Path) -> None:
    for batch_id, start, count in base_batches(n, size):
        with store_for(db).read() as con:
            have = con.execute("SELECT count(*) FROM articles WHERE batch_id = ?", [batch_id]).fetchone()[0]
            indexed = con.execute("SELECT count(*) FROM dedup_docs WHERE batch_id = ?", [batch_id]).fetchone()[0]
        if have != count:
            store_for(db).write(lambda con, b=batch_id: con.execute("DELETE FROM articles WHERE batch_id = ?", [b]))
            insert_articles(db, make_rows(synth, start, count, batch_id, copy_share=0.05))
        if indexed != count:
            t0 = time.perf_counter()
            stats = dedup_batch(db, batch_id, DedupConfig())
            entry = {"batch": batch_id, "indexed_before": start, "seconds": round(time.perf_counter() - t0, 2), **stats}
            with log_path.open("a") as f:
                f.write(json.dumps(entry) + "\n")
            print(json.dumps(entry), flush=True)


def prepare_new_batch(db: Path, synth: Synth, n: int, count: int, copy_share: float) -> str:
    """A fresh batch of `count` articles (earlier measured batches stay in the corpus: it only grows)."""
    with store_for(db).read() as con:
        run = con.execute("SELECT count(DISTINCT batch_id) FROM articles WHERE batch_id LIKE 'bench-new-%'").fetchone()[0]
        sources = dict(con.execute("SELECT hash(doc_id), body FROM articles USING SAMPLE 2000 ROWS").fetchall())
    batch_id = f"bench-new-{run:03d}"
    insert_articles(db, make_rows(synth, n + run * count, count, batch_id, copy_share, sources=sources,
                                  prefix=f"new{run}-"))
    return batch_id


def measure(db: Path, batch_id: str) -> dict[str, object]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--run-batch", str(db), batch_id], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    # ru_maxrss of children also counts the parent's pages the child held between fork and exec, so the
    # child reports its own kernel high-water mark (VmHWM) instead.
    forked_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"wall_s_incl_startup": round(wall, 2), **result, "ru_maxrss_children_mb": round(forked_kb / 1024, 1)}


def run_batch(db: Path, batch_id: str) -> None:
    """Child process: import, then time only dedup_batch."""
    t0 = time.perf_counter()
    phases: list[str] = []

    def log(message: str) -> None:
        phases.append(f"{time.perf_counter() - t0:6.1f}s peak {peak_rss_mb():6.0f} MB  {message}")

    stats = dedup_batch(db, batch_id, DedupConfig(), log=log)
    log("done")
    print(json.dumps({"dedup_s": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(peak_rss_mb()),
                      "stats": stats, "phases": phases}))


def peak_rss_mb() -> float:
    """VmHWM of this process (the kernel's high-water mark of resident memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def signature_speed(db: Path, batch_id: str) -> dict[str, float]:
    """docs/s on the new batch's bodies: signatures alone (tokens -> shingles -> MinHash -> band keys), all dedup
    features (plus passage fingerprints and guard slots), and rensa's MinHash alone on the same shingle hashes;
    rensa hashing whitespace tokens itself is a reference for its string path (a different, easier input)."""
    config = DedupConfig()
    with store_for(db).read() as con:
        bodies = [r[0] for r in con.execute("SELECT body FROM articles WHERE batch_id = ?", [batch_id]).fetchall()]

    def rate(fn: Callable[[], object]) -> int:
        t0 = time.perf_counter()
        fn()
        return round(len(bodies) / (time.perf_counter() - t0))

    def signatures_only() -> None:
        sets = [np.unique(shingle_hashes(tokenize(b).hashes, config.shingle_words)) for b in bodies]
        flat, offsets = np.concatenate(sets), np.concatenate(([0], np.cumsum([len(x) for x in sets]))).astype(np.uint64)
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, config.num_perm, config.seed)
        band_keys(np.asarray(matrix.to_rows(), dtype=np.uint32), config.bands)

    feats: list = []
    out = {"docs": len(bodies), "signatures_docs_per_s": rate(signatures_only),
           "all_features_docs_per_s": rate(lambda: feats.extend(compute_features(str(i), b, config)
                                                                for i, b in enumerate(bodies)))}
    sets = [f.shingle_set for f in feats]
    flat = np.concatenate(sets)
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.uint64)
    out["rensa_minhash_only_docs_per_s"] = rate(lambda: rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        flat, offsets, config.num_perm, config.seed))
    words = [b.split() for b in bodies]
    out["rensa_str_tokens_docs_per_s"] = rate(lambda: rensa.RMinHash.digest_matrix_from_token_sets(
        words, config.num_perm, config.seed))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="articles in the indexed corpus")
    ap.add_argument("--base-batch", type=int, default=50_000, help="batch size used to build the index")
    ap.add_argument("--new", type=int, default=10_000, help="articles in the measured new batch")
    ap.add_argument("--new-copy-share", type=float, default=0.2, help="share of the new batch copying the corpus")
    ap.add_argument("--out", type=Path, help="cache folder (default benchmarks/out/scale-<n>)")
    ap.add_argument("--run-batch", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run_batch:
        run_batch(Path(args.run_batch[0]), args.run_batch[1])
        return 0
    out = args.out or REPO / "benchmarks" / "out" / f"scale-{args.n}"
    out.mkdir(parents=True, exist_ok=True)
    db = out / "corpus.duckdb"
    synth = Synth()
    t0 = time.perf_counter()
    build_corpus(db, synth, args.n, args.base_batch, out / "index_log.jsonl")
    print(f"corpus of {args.n} indexed ({time.perf_counter() - t0:.0f}s this run)", flush=True)
    batch_id = prepare_new_batch(db, synth, args.n, args.new, args.new_copy_share)
    with store_for(db).read() as con:
        indexed = con.execute("SELECT count(*) FROM dedup_docs").fetchone()[0]
    report = {"indexed_before": indexed, "new_batch": args.new, "machine": machine(), "dedup": measure(db, batch_id),
              "signatures": signature_speed(db, batch_id), "db_mb": round(db.stat().st_size / 2**20)}
    (out / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


def machine() -> str:
    import os
    import platform
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
