"""DuckLake commit figures (printed, not a timed test), with the embedded DuckDB file as the reference in the same run.

    PYTHONPATH=src:. .venv/bin/python benchmarks/lake_commits.py [--writers 1,2,4,8] [--txns 15] [--rows 200]
        [--corpus 100000] [--batch 1000] [--catalog DSN] [--out DIR] [--skip-commits] [--skip-visibility]

1. commits: N writer processes (1, 2, 4, 8) each run --txns transactions on one lake table, every one a
   per-batch DELETE + INSERT of --rows rows (~1 KB each). Two cases: "rerun" (each writer replaces its own
   batch again and again, so every DELETE hits rows: the conflicting case) and "new" (a fresh batch id each time,
   so the DELETE matches nothing: a first run). Reference: the same N x --txns transactions serially on an
   embedded DuckDB file.
2. visibility: a --corpus article corpus (synthetic bodies of ~3 KB plus a raw-page column of ~9 KB, as in
   `document_contents`) in a DuckDB file and in a lake; a --batch article batch is then written to both and made
   visible to analysts: on the file by the embedded Store's publish (CHECKPOINT + copy of the whole file), on the
   lake by its COMMIT (a reader's next query sees it).
Without --catalog a throwaway PostgreSQL is started from the Debian binaries (tests/pgserver.py). Data goes to
--out (default: a temp dir under /work if it exists), removed at the end.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks"), str(REPO / "tests")]

from newsdesk.store.lake import LakeSettings, connect_lake, init_lake, run_transaction

SPAWN = mp.get_context("spawn")
ITEMS_DDL = "CREATE TABLE IF NOT EXISTS items(batch_id VARCHAR, i INTEGER, body VARCHAR)"
# ~1 KB of text that does not compress to nothing (30 md5 hex words).
ITEM_ROWS = ("INSERT INTO items SELECT ?, i, list_aggregate(list_transform(range(30), "
             "x -> md5(random()::VARCHAR || x)), 'string_agg', ' ') FROM range(?) t(i)")


def one_batch(con: duckdb.DuckDBPyConnection, batch_id: str, rows: int) -> None:
    con.execute("DELETE FROM items WHERE batch_id = ?", [batch_id])
    con.execute(ITEM_ROWS, [batch_id, rows])


def writer(settings: LakeSettings, name: str, txns: int, rows: int, rerun: bool, barrier: Any,
           out: mp.Queue, verbose: bool) -> None:
    if verbose:  # run_transaction logs each conflict it retries at INFO
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    con = connect_lake(settings)
    barrier.wait(timeout=300)
    started, retries = time.perf_counter(), []
    for k in range(txns):
        batch_id = name if rerun else f"{name}-{k}"
        retries.append(run_transaction(con, lambda c, b=batch_id: one_batch(c, b, rows), retries=1000,
                                       backoff=0.02, max_wait=1.0, label=name).retries)
    out.put((started, time.perf_counter(), retries))


def lake_round(settings: LakeSettings, n: int, txns: int, rows: int, rerun: bool,
               verbose: bool) -> tuple[float, list[int]]:
    out: mp.Queue = SPAWN.Queue()
    barrier = SPAWN.Barrier(n)
    procs = [SPAWN.Process(target=writer, args=(settings, f"w{k}", txns, rows, rerun, barrier, out, verbose))
             for k in range(n)]
    for p in procs:
        p.start()
    results = [out.get(timeout=1800) for _ in procs]
    for p in procs:
        p.join()
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    return wall, [k for r in results for k in r[2]]


def file_round(path: Path, n: int, txns: int, rows: int, rerun: bool) -> float:
    con = duckdb.connect(str(path))
    con.execute(ITEMS_DDL)
    started = time.perf_counter()
    for k in range(txns):
        for w in range(n):
            con.execute("BEGIN TRANSACTION")
            one_batch(con, f"w{w}" if rerun else f"w{w}-{k}", rows)
            con.execute("COMMIT")
    wall = time.perf_counter() - started
    con.close()
    return wall


def commits(new_lake: Any, out: Path, levels: list[int], txns: int, rows: int, cases: list[str],
            verbose: bool) -> None:
    print(f"\n== commits: per-batch DELETE + INSERT of {rows} rows (~1 KB each), {txns} transactions per writer")
    print(f"{'case':<6} {'writers':>7} {'commits':>7} {'lake s':>8} {'lake commits/s':>15} {'retries':>8} "
          f"{'max/txn':>8} {'file s':>8} {'file commits/s':>15}")
    for rerun in [case == "rerun" for case in cases]:
        for n in levels:
            settings = new_lake()
            init_lake(settings, lambda c: c.execute(ITEMS_DDL))
            wall, retries = lake_round(settings, n, txns, rows, rerun, verbose)
            file_path = out / f"ref-{n}-{rerun}.duckdb"
            file_wall = file_round(file_path, n, txns, rows, rerun)
            file_path.unlink()
            total = n * txns
            print(f"{'rerun' if rerun else 'new':<6} {n:>7} {total:>7} {wall:>8.2f} {total / wall:>15.1f} "
                  f"{sum(retries):>8} {max(retries):>8} {file_wall:>8.2f} {total / file_wall:>15.1f}", flush=True)


def corpus_chunks(total: int, chunk: int, batch_prefix: str, start: int = 0) -> Any:
    from dedup_synth import Synth, make_rows  # the synthetic articles of the dedup benchmarks

    synth = Synth()
    for first in range(start, start + total, chunk):
        count = min(chunk, start + total - first)
        rows = make_rows(synth, first, count, f"{batch_prefix}{first // 10_000}", copy_share=0.0)
        articles = pa.Table.from_pylist(rows)
        # The raw page each article came from: its body inside ~6 KB of markup and navigation.
        raw = [f"<html><head><title>{r['title']}</title></head><body><nav>{'<a href=/x>section</a> ' * 200}</nav>"
               f"<article><p>{r['body']}</p></article><footer>{r['url'] * 40}</footer></body></html>" for r in rows]
        contents = pa.table({"doc_id": articles["doc_id"], "batch_id": articles["batch_id"],
                             "content": pa.array(raw), "url": articles["url"]})
        yield articles, contents


def load(con: duckdb.DuckDBPyConnection, articles: pa.Table, contents: pa.Table) -> None:
    con.register("_a", articles)
    con.register("_c", contents)
    con.execute("INSERT INTO articles SELECT * FROM _a")
    con.execute("INSERT INTO document_contents SELECT * FROM _c")
    con.unregister("_a")
    con.unregister("_c")


def publish_copy(path: Path) -> Path:
    """What Store.publish does to the embedded file (newsdesk.store.store): CHECKPOINT while holding the write
    lock, copy the file, rename the copy into place. Inlined here: Store.publish would also apply the project's
    schema to this benchmark's file."""
    target = path.with_name(f"{path.stem}.snapshot{path.suffix}")
    tmp = target.with_name(f".{target.name}.tmp")
    con = duckdb.connect(str(path))
    try:
        con.execute("CHECKPOINT")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    finally:
        con.close()
    return target


def visibility(new_lake: Any, out: Path, corpus: int, batch: int) -> None:
    print(f"\n== visibility: a {batch}-article batch on a {corpus}-article corpus")
    file_path = out / "corpus.duckdb"
    settings = new_lake()

    def ddl(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS articles(doc_id VARCHAR, batch_id VARCHAR, title VARCHAR, "
                    "published_date DATE, author VARCHAR, source_name VARCHAR, syndicated_from VARCHAR, "
                    "url VARCHAR, language VARCHAR, body VARCHAR, n_words BIGINT)")
        con.execute("CREATE TABLE IF NOT EXISTS document_contents(doc_id VARCHAR, batch_id VARCHAR, "
                    "content VARCHAR, url VARCHAR)")
    init_lake(settings, ddl)
    fcon, lcon = duckdb.connect(str(file_path)), connect_lake(settings)
    ddl(fcon)
    t_file = t_lake = 0.0
    for articles, contents in corpus_chunks(corpus, 10_000, "base-"):
        t = time.perf_counter()
        fcon.execute("BEGIN TRANSACTION")
        load(fcon, articles, contents)
        fcon.execute("COMMIT")
        t_file += time.perf_counter() - t
        t = time.perf_counter()
        run_transaction(lcon, lambda c, a=articles, d=contents: load(c, a, d))
        t_lake += time.perf_counter() - t
    fcon.execute("CHECKPOINT")
    fcon.close()
    size = file_path.stat().st_size
    lake_bytes = sum(p.stat().st_size for p in Path(settings.data_path).rglob("*") if p.is_file())
    print(f"corpus loaded: file {size / 1e9:.2f} GB in {t_file:.1f} s; lake data {lake_bytes / 1e9:.2f} GB "
          f"in {t_lake:.1f} s ({corpus // 10_000} commits)")

    new_articles, new_contents = next(corpus_chunks(batch, batch, "new-", start=corpus))

    def write_batch(con: duckdb.DuckDBPyConnection) -> None:
        for table in ("articles", "document_contents"):
            con.execute(f"DELETE FROM {table} WHERE batch_id = ?", ["new-" + str(corpus // 10_000)])
        load(con, new_articles, new_contents)

    fcon = duckdb.connect(str(file_path))
    t = time.perf_counter()
    fcon.execute("BEGIN TRANSACTION")
    write_batch(fcon)
    fcon.execute("COMMIT")
    t_write = time.perf_counter() - t
    fcon.close()
    t = time.perf_counter()
    snap = publish_copy(file_path)
    t_publish = time.perf_counter() - t
    print(f"file: batch written in {t_write:.2f} s; published (CHECKPOINT + copy of {size / 1e9:.2f} GB) in "
          f"{t_publish:.2f} s ({size / 1e6 / t_publish:.0f} MB/s); visible after {t_write + t_publish:.2f} s")
    snap.unlink()

    reader = connect_lake(settings, read_only=True)
    before = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
    lcon.execute("BEGIN TRANSACTION")
    t = time.perf_counter()
    write_batch(lcon)
    t_write = time.perf_counter() - t
    t = time.perf_counter()
    lcon.execute("COMMIT")
    t_commit = time.perf_counter() - t
    after = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert after == before + batch, (before, after)
    print(f"lake: batch written (Parquet files) in {t_write:.2f} s; COMMIT {t_commit:.3f} s; a reader's next "
          f"query sees {after - before} new articles; visible after {t_write + t_commit:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--writers", default="1,2,4,8")
    ap.add_argument("--cases", default="rerun,new", help="rerun (DELETE hits rows), new (fresh batch ids)")
    ap.add_argument("--verbose", action="store_true", help="print every conflict the writers retry")
    ap.add_argument("--txns", type=int, default=15)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--corpus", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--catalog", help="libpq DSN of a PostgreSQL database the benchmark may create databases in")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--skip-commits", action="store_true")
    ap.add_argument("--skip-visibility", action="store_true")
    args = ap.parse_args()

    base = args.out or Path(tempfile.mkdtemp(prefix="lake-bench-", dir="/work" if Path("/work").is_dir() else None))
    base.mkdir(parents=True, exist_ok=True)
    server = None
    if args.catalog:
        admin = args.catalog
    else:
        from pgserver import PgServer, pg_bin_dir

        bin_dir = pg_bin_dir()
        if bin_dir is None:
            sys.exit("no PostgreSQL binaries: run scripts/install_postgres.sh or pass --catalog")
        server = PgServer(bin_dir)
        server.start()
        admin = server.dsn()
    counter = iter(range(10_000))

    def new_lake() -> LakeSettings:
        import psycopg2

        name = f"lakebench_{int(time.time())}_{next(counter)}"
        con = psycopg2.connect(admin)
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')  # a generated identifier, not data
        con.close()
        dsn = " ".join(p for p in admin.split() if not p.startswith("dbname=")) + f" dbname={name}"
        return LakeSettings(catalog=dsn, data_path=str(base / name))

    print(f"duckdb {duckdb.__version__}; data under {base}; load average {os.getloadavg()[0]:.1f}")
    try:
        if not args.skip_commits:
            commits(new_lake, base, [int(n) for n in args.writers.split(",")], args.txns, args.rows,
                    args.cases.split(","), args.verbose)
        if not args.skip_visibility:
            visibility(new_lake, base, args.corpus, args.batch)
    finally:
        if server is not None:
            server.stop()
        if not args.out:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
