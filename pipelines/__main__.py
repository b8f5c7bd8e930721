"""Operator commands that drive real Dagster runs on the project's instance.

    python -m pipelines demo                 # copy the bundled sample batch to the landing dir and process it
    python -m pipelines run BATCH [BATCH..]  # register landing folders as partitions and process them
    python -m pipelines corpus               # rebuild the corpus-wide assets
Runs are recorded in $DAGSTER_HOME (default: dagster_home/ in the project), so they show in the UI.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

from assets.resources import PROJECT_ROOT

SAMPLE_BATCH = PROJECT_ROOT / "samples" / "sample-batch"
# Step-level DEBUG events stay in the run's event log (and the UI); the terminal gets INFO and above.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def _instance():  # type: ignore[no-untyped-def]
    import dagster as dg

    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / "dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.get()


def run_batches(batch_ids: list[str]) -> bool:
    from pipelines.definitions import defs
    from assets.partitions import batch_key_problem, batches

    instance = _instance()
    ok = True
    for batch in batch_ids:
        if problem := batch_key_problem(batch):
            print(f"cannot process {batch!r}: {problem}", file=sys.stderr)
            ok = False
            continue
        instance.add_dynamic_partitions(batches.name, [batch])
        result = defs.resolve_job_def("process_batch").execute_in_process(
            partition_key=batch, instance=instance, raise_on_error=False, run_config=QUIET)
        print(f"batch {batch}: run {result.run_id} {'succeeded' if result.success else 'FAILED'}")
        ok &= result.success
    return ok


def run_corpus() -> bool:
    from pipelines.definitions import defs

    result = defs.resolve_job_def("refresh_corpus").execute_in_process(instance=_instance(), raise_on_error=False,
                                                                       run_config=QUIET)
    print(f"corpus refresh: run {result.run_id} {'succeeded' if result.success else 'FAILED'}")
    return result.success


def copy_sample(landing_dir: Path, name: str = "sample-batch") -> str:
    target = landing_dir / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SAMPLE_BATCH, target)
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="process the bundled sample batch and print what it produced")
    run = sub.add_parser("run", help="process landing folders as batches")
    run.add_argument("batches", nargs="+")
    sub.add_parser("corpus", help="rebuild the corpus-wide assets")
    args = parser.parse_args(argv)

    from assets.resources import NewsdeskSettings
    from newsdesk.cli import print_summary

    if args.command == "demo":
        settings = NewsdeskSettings().resolve()
        batch = copy_sample(settings.landing_dir)
        ok = run_batches([batch]) and run_corpus()
        print_summary(NewsdeskSettings().store(settings))
    elif args.command == "run":
        ok = run_batches(args.batches)
    else:
        ok = run_corpus()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
