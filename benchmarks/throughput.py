"""Throughput of the real pipeline against the bare library calls, on the same synthetic batch.

    .venv/bin/python benchmarks/throughput.py --n 1000 [--n 10000 --n 100000] [--skip-reference]

For each N: writes a mixed batch (HTML pages, text dumps, JSONL records; boilerplate; ~10% planted copies; see
throughput_data.py) under benchmarks/out/throughput/, runs the `process_batch` job through Dagster (in-process,
fresh instance and DuckDB file), and prints per-stage seconds, end-to-end articles/s and peak RSS (the run and
its worker processes, sampled). Then, in the same run, the reference: trafilatura on every input (text wrapped
in <p> as the scorer does; pages with metadata, which the pipeline extracts too), spaCy NER (same model and pipes) over the cleaned bodies, and rensa MinHash over
their word 5-grams — each in a tight loop on all cores. Ratio = reference seconds / pipeline seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from shared_data import shared_dir
from throughput_data import write_batch

OUT = REPO / "benchmarks" / "out" / "throughput"


def own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class PeakRss:
    """Peak of the summed RSS of this process and all its descendants, sampled every 0.2 s; and their CPU
    seconds (this process's own, plus each descendant's last sampled user+system time: the pipeline keeps its
    worker pool alive, so the reaped-children figure of getrusage would miss it). Unlike wall time, CPU seconds
    do not depend much on what else the machine runs."""

    def __init__(self) -> None:
        self.peak = 0
        self.child_cpu: dict[int, float] = {}
        self._base: dict[int, float] = {}  # CPU seconds of each descendant before the block
        self._own0 = own_cpu()
        self._own1: float | None = None  # set on exit: the figure stops there
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
                if proc.pid != me.pid:
                    times = proc.cpu_times()
                    spent = times.user + times.system
                    self.child_cpu[proc.pid] = spent - self._base.setdefault(proc.pid, 0.0)
            except psutil.Error:
                pass
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(0.2)

    @property
    def cpu_s(self) -> float:
        own = own_cpu() if self._own1 is None else self._own1
        return own - self._own0 + sum(self.child_cpu.values())

    def __enter__(self) -> PeakRss:
        # Workers already alive (the pipeline's pool, kept after its run) count from here on only.
        for proc in psutil.Process().children(recursive=True):
            try:
                times = proc.cpu_times()
                self._base[proc.pid] = times.user + times.system
            except psutil.Error:
                pass
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()  # the last CPU figures of workers still alive at the end
        self._own1 = own_cpu()


def run_pipeline(n: int) -> dict:
    import dagster as dg

    from assets.partitions import batches
    from assets.resources import NewsdeskSettings
    from pipelines.definitions import build_definitions

    root = OUT / f"n{n}"
    landing = root / "landing"
    if not (landing / "batch" / "_SUCCESS").exists():
        shutil.rmtree(landing, ignore_errors=True)
        counts = write_batch(landing / "batch", n, shared_dir())
        (root / "counts.json").write_text(json.dumps(counts))
    db = root / "news.duckdb"
    for stale in (db, db.with_name("news.snapshot.duckdb"), db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    defs = build_definitions({"newsdesk": NewsdeskSettings(db_path=str(db), landing_dir=str(landing))})
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(batches.name, ["batch"])
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    with PeakRss() as rss:
        started = time.perf_counter()
        result = defs.resolve_job_def("process_batch").execute_in_process(partition_key="batch", instance=instance,
                                                                            run_config=quiet)
        wall = time.perf_counter() - started
    cpu = rss.cpu_s
    assert result.success
    steps = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            steps[event.step_key] = event.event_specific_data.duration_ms / 1000
    return {"n": n, "wall_s": wall, "cpu_s": cpu, "steps": steps, "peak_rss_mb": rss.peak / 2**20, "db": str(db),
            "landing": str(landing / "batch"), "counts": json.loads((root / "counts.json").read_text())}


# --- reference: bare library calls, all cores -------------------------------------------------------------------

def _extract(item: tuple[str, str]) -> int:
    """trafilatura on one input: body plus metadata for pages (the pipeline needs title, date, author, outlet),
    body only for text (wrapped in <p> per line as the shared scorer does)."""
    import trafilatura

    kind, content = item
    if kind == "text":
        from html import escape

        content = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in content.splitlines()
                                           if line.strip()) + "</body></html>"
        return len(trafilatura.extract(content, include_comments=False) or "")
    doc = trafilatura.bare_extraction(content, include_comments=False, with_metadata=True)
    return len(doc.text or "") if doc is not None else 0


def _ner(texts: list[str]) -> int:
    """spaCy over a share of the bodies: one model load, nlp.pipe, same model and pipes as the pipeline.

    A pool of our own rather than nlp.pipe(n_process=2): spaCy's own workers once left the benchmark waiting
    forever after one of them died."""
    from newsdesk.config import DEFAULT_SPACY_MODEL, NerConfig
    from newsdesk.entities.ner import load_model

    nlp = load_model(DEFAULT_SPACY_MODEL)
    return sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=NerConfig.batch_size))


def _minhash(texts: list[str]) -> int:
    from rensa import RMinHash

    for text in texts:
        words = text.lower().split()
        sig = RMinHash(num_perm=128, seed=1729)
        sig.update([" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))])
        sig.digest()
    return len(texts)


def _pool_map(fn: Any, items: list, workers: int, chunksize: int = 1) -> None:
    """pool.map, then a graceful close: `with Pool()` ends in terminate(), i.e. SIGTERM, which a worker started
    from a shell that ignores SIGTERM (nohup in a job runner) also ignores, and the join then waits forever."""
    pool = multiprocessing.get_context("spawn").Pool(workers)
    try:
        pool.map(fn, items, chunksize=chunksize)
        pool.close()
    except BaseException:
        for process in pool._pool:
            process.kill()
        raise
    finally:
        pool.join()


def run_reference(pipeline: dict, workers: int) -> dict:
    import duckdb

    from newsdesk.config import IngestConfig
    from newsdesk.ingest.batch import read_batch

    inputs = [("html" if d.content_type == "html" else "text", d.content)
              for d in read_batch(Path(pipeline["landing"]), "ref", IngestConfig()) if hasattr(d, "content")]
    con = duckdb.connect(pipeline["db"], read_only=True)
    bodies = [r[0] for r in con.execute("SELECT body FROM articles WHERE coalesce(language, 'en') = 'en'").fetchall()]
    con.close()
    with PeakRss() as usage:
        t0 = time.perf_counter()
        _pool_map(_extract, inputs, workers, chunksize=16)
        extract_s = time.perf_counter() - t0
        chunks = [bodies[i::workers] for i in range(workers)]
        t0 = time.perf_counter()
        _pool_map(_ner, chunks, workers)
        ner_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        _pool_map(_minhash, chunks, workers)
        minhash_s = time.perf_counter() - t0
    return {"cpu_s": usage.cpu_s, "extract_s": extract_s, "ner_s": ner_s, "minhash_s": minhash_s,
            "total_s": extract_s + ner_s + minhash_s, "inputs": len(inputs), "bodies": len(bodies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="batch size (repeatable); default 1000")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--json", help="append one JSON line per size to this file")
    args = parser.parse_args()
    workers = len(os.sched_getaffinity(0))
    print(f"machine: {workers} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, python {sys.version.split()[0]}")
    rows = []
    for n in args.n or [1000]:
        result = run_pipeline(n)
        if not args.skip_reference:
            result["reference"] = run_reference(result, workers)
        rows.append(result)
        report(result)
        if args.json:
            with open(args.json, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(result) + "\n")
    if len(rows) > 1:
        print("\nsize      wall s   articles/s   peak RSS MB   ratio")
        for r in rows:
            ratio = r["reference"]["total_s"] / r["wall_s"] if "reference" in r else float("nan")
            print(f"{r['n']:>7} {r['wall_s']:>9.1f} {r['n'] / r['wall_s']:>11.1f} {r['peak_rss_mb']:>12.0f} {ratio:>8.2f}")
    return 0


def report(r: dict) -> None:
    print(f"\n== N={r['n']}  inputs {r['counts']}")
    for step, seconds in sorted(r["steps"].items(), key=lambda kv: -kv[1]):
        print(f"  {step:45s} {seconds:8.1f} s")
    print(f"  pipeline end to end: {r['wall_s']:.1f} s = {r['n'] / r['wall_s']:.1f} articles/s; "
          f"peak RSS (run + workers) {r['peak_rss_mb']:.0f} MB")
    if "reference" in r:
        ref = r["reference"]
        print(f"  reference (bare calls, all cores): extraction {ref['extract_s']:.1f} s + NER {ref['ner_s']:.1f} s"
              f" + MinHash {ref['minhash_s']:.1f} s = {ref['total_s']:.1f} s")
        print(f"  ratio pipeline/reference throughput = {ref['total_s'] / r['wall_s']:.2f}")
        print(f"  CPU seconds: pipeline {r['cpu_s']:.1f}, reference {ref['cpu_s']:.1f}: "
              f"CPU ratio reference/pipeline = {ref['cpu_s'] / r['cpu_s']:.2f}; load average "
              f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
