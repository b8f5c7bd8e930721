"""Story threads against the gold sets: pairwise and B-cubed scores of newsdesk and two plain baselines.

Each set (benchmarks/data/threads/<set>/: batches/batch-NN.jsonl and gold.tsv, id -> thread) goes batch
by batch through the real stages (newsdesk.pipeline.run_batch, which threads each batch as it publishes
it) into a temp DuckDB. Baselines, measured in the same run on the same published articles: TF-IDF
cosine of title + text with a time window, single-link (threshold and window tuned on wire); and the
links alone (copies + story_links).

Both wire and business are development sets: the parameters were tuned on wire first, then business
was looked at too (its errors studied, changes kept only if neutral or better on both). Neither says
how threading generalises; a held-out set (longwire, written by someone else and run once with the
final parameters) does: any folder of the same format works, e.g. --sets longwire.

    .venv/bin/python benchmarks/threads.py [--sets wire business longwire] [--keep DIR] [--replay]

--keep keeps each set's DuckDB in DIR; --replay re-threads an existing kept DuckDB batch by batch without the
other stages (how the parameters were tuned: seconds instead of minutes), with --param name=value overrides.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NEWSDESK_NER_PROCESSES", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]

import duckdb
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from threads_metrics import line

from newsdesk.config import load_settings
from newsdesk.pipeline import run_batch
from newsdesk.store.backends import open_store
from newsdesk.threads.params import DEFAULT, ThreadParams
from newsdesk.threads.publish import thread_batch

DATA = REPO / "benchmarks" / "data" / "threads"
TFIDF_THRESHOLD, TFIDF_WINDOW_DAYS = 0.25, 16.0  # the baseline's best on wire (grid 0.1-0.35 x 1-16 days)


def read_gold(folder: Path) -> dict[str, str]:
    rows = [r.split("\t") for r in (folder / "gold.tsv").read_text(encoding="utf-8").splitlines()[1:] if r.strip()]
    return {r[0]: r[1] for r in rows}


def run_set(folder: Path, db: Path) -> float:
    settings = load_settings({}, db_path=db, landing_dir=db.parent / "landing")
    store = open_store(settings)
    t0 = time.perf_counter()
    for path in sorted((folder / "batches").glob("batch-*.jsonl")):
        batch = path.stem
        target = db.parent / "landing" / batch
        target.mkdir(parents=True, exist_ok=True)
        (target / "batch.jsonl").write_bytes(path.read_bytes())
        run_batch(store, settings, batch)
    return time.perf_counter() - t0


def replay(db: Path, params: ThreadParams) -> None:
    # a database kept by an older version gets the current schema first
    open_store(load_settings({}, db_path=db)).ensure_schema()
    con = duckdb.connect(str(db))
    try:
        con.execute("BEGIN")
        for table in ("threads", "thread_articles", "thread_merges", "thread_features",
                      "thread_key_counts"):
            con.execute(f"DELETE FROM {table}")
        for (batch,) in con.execute("SELECT batch_id FROM batches ORDER BY batch_id").fetchall():
            thread_batch(con, batch, params)
        con.execute("COMMIT")
    finally:
        con.close()


def predicted(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("""SELECT d.external_id, ta.thread_id FROM thread_articles ta
                               JOIN documents d USING (doc_id)""").fetchall())


def tfidf_baseline(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("""SELECT d.external_id, coalesce(a.title, '') || ' ' || a.body, ta.published_at
                          FROM articles a JOIN documents d USING (doc_id) JOIN thread_articles ta USING (doc_id)
                          ORDER BY 1""").fetchall()
    ids = [r[0] for r in rows]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([r[1] for r in rows])
    sims = (matrix @ matrix.T).toarray()
    hours = np.array([r[2].timestamp() / 3600 for r in rows])
    near = np.abs(hours[:, None] - hours[None, :]) <= TFIDF_WINDOW_DAYS * 24
    return components(ids, [(ids[i], ids[j]) for i, j in zip(*np.nonzero((sims >= TFIDF_THRESHOLD) & near))])


def links_baseline(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    ids = [r[0] for r in con.execute("SELECT external_id FROM articles JOIN documents USING (doc_id)").fetchall()]
    edges = con.execute(
        """SELECT da.external_id, db.external_id FROM
             (SELECT doc_id_a AS a, doc_id_b AS b FROM story_links
              UNION ALL SELECT c.doc_id, c.copy_cluster_id FROM copies c) e
           JOIN documents da ON da.doc_id = e.a JOIN documents db ON db.doc_id = e.b""").fetchall()
    return components(ids, edges)


def components(ids: list[str], edges: list[tuple[str, str]]) -> dict[str, str]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=["wire", "business"])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--keep", type=Path, help="keep each set's DuckDB as DIR/<set>/threads.duckdb")
    ap.add_argument("--replay", action="store_true", help="re-thread the kept DuckDBs instead of running stages")
    ap.add_argument("--param", action="append", default=[], help="name=value override of ThreadParams")
    args = ap.parse_args()
    overrides = dict(p.split("=", 1) for p in args.param)
    params = dataclasses.replace(DEFAULT, **{k: type(getattr(DEFAULT, k))(float(v)) for k, v in overrides.items()})
    with tempfile.TemporaryDirectory(prefix="threads-bench-") as tmp:
        for name in args.sets:
            root = (args.keep or Path(tmp)) / name
            db = root / "threads.duckdb"
            if args.replay:
                t0 = time.perf_counter()
                replay(db, params)
                took = time.perf_counter() - t0
            else:
                root.mkdir(parents=True, exist_ok=True)
                db.unlink(missing_ok=True)
                took = run_set(args.data / name, db)
            gold = read_gold(args.data / name)
            con = duckdb.connect(str(db), read_only=True)
            try:
                print(line(name, "newsdesk", predicted(con), gold), f"({took:.1f}s)", flush=True)
                print(line(name, "baseline tfidf+window", tfidf_baseline(con), gold), flush=True)
                print(line(name, "baseline links only", links_baseline(con), gold), flush=True)
                print(line(name, "all singletons", {i: i for i in gold}, gold), flush=True)
            finally:
                con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
