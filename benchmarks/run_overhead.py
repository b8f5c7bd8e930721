"""How long a Dagster run of the sample batch takes as the daemon launches it, with the job's in-process executor
against the multiprocess executor it had before (issue 16), alternating, in the same run of this script. With
--corpus: the corpus refresh after the sample batch, as `publish_corpus` in one process (what corpus_automation
launches now) against the corpus assets on the multiprocess executor (the anonymous asset job that declarative
automation launched before, issue 26).

    .venv/bin/python benchmarks/run_overhead.py [--rounds 3] [--corpus]

Each run is `dg.execute_job` of a reconstructable job on a fresh instance, database and landing folder (what a
sensor- or UI-launched run does in its run worker, minus the daemon's queueing). Prints wall seconds per round.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]

import dagster as dg


def in_process_job() -> dg.JobDefinition:
    from pipelines.definitions import defs

    return defs.resolve_job_def("process_batch")


def multiprocess_job() -> dg.JobDefinition:
    """The same assets with Dagster's default executor (a process per step), as before issue 16."""
    from assets.common import BATCH_GROUP
    from pipelines.definitions import build_definitions

    job = dg.define_asset_job("process_batch_multiprocess", selection=dg.AssetSelection.groups(BATCH_GROUP),
                              executor_def=dg.multiprocess_executor)
    defs = build_definitions()
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def("process_batch_multiprocess")


def corpus_in_process_job() -> dg.JobDefinition:
    from pipelines.definitions import defs

    return defs.resolve_job_def("publish_corpus")


def corpus_multiprocess_job() -> dg.JobDefinition:
    from assets.common import CORPUS_GROUP
    from pipelines.definitions import build_definitions

    job = dg.define_asset_job("corpus_multiprocess", selection=dg.AssetSelection.groups(CORPUS_GROUP),
                              executor_def=dg.multiprocess_executor)
    return dg.Definitions.merge(build_definitions(), dg.Definitions(jobs=[job])).resolve_job_def(
        "corpus_multiprocess")


def one_run(factory: object, root: Path, corpus: bool = False) -> float:
    """Wall seconds of one run of `factory`'s job on a fresh instance, database and landing folder; with
    `corpus`, the sample batch is processed first (not timed) and the job is the corpus refresh."""
    landing = root / "landing"
    shutil.copytree(REPO / "samples" / "sample-batch", landing / "sample")
    os.environ.update(NEWSDESK_DB=str(root / "news.duckdb"), NEWSDESK_LANDING_DIR=str(landing))
    (root / "home").mkdir()
    partition = {"dagster/partition": "sample"}
    with dg.instance_for_test(temp_dir=str(root / "home")) as instance:
        instance.add_dynamic_partitions("batches", ["sample"])
        if corpus:
            with dg.execute_job(dg.reconstructable(in_process_job), instance=instance, tags=partition) as batch:
                assert batch.success, "batch run failed"
        started = time.perf_counter()
        with dg.execute_job(dg.reconstructable(factory), instance=instance,
                            tags={} if corpus else partition) as r:
            assert r.success, "run failed"
        return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--corpus", action="store_true", help="time the corpus refresh instead of the batch")
    args = ap.parse_args()
    timings: dict[str, list[float]] = {"in_process (now)": [], "multiprocess (before)": []}
    cases = ((("multiprocess (before)", corpus_multiprocess_job), ("in_process (now)", corpus_in_process_job))
             if args.corpus else (("multiprocess (before)", multiprocess_job), ("in_process (now)", in_process_job)))
    for _ in range(args.rounds):
        for name, factory in cases:
            with tempfile.TemporaryDirectory(prefix="newsdesk-overhead-") as tmp:
                timings[name].append(one_run(factory, Path(tmp), corpus=args.corpus))
            print(f"{name:24s} {timings[name][-1]:6.1f} s", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, values in timings.items():
        print(f"{name:24s} median {statistics.median(values):6.1f} s  runs {' '.join(f'{v:.1f}' for v in values)}")


if __name__ == "__main__":
    main()
