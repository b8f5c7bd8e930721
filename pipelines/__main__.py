"""Operator commands that drive real Dagster runs on the project's instance.

    python -m pipelines demo
        copy the bundled sample batch to the landing dir and process it
    python -m pipelines run BATCH [BATCH ...]
        process landing folders as batches, then publish the corpus
    python -m pipelines run BATCH --allow-empty
        ... also a batch whose folder is now empty (removes its rows)
    python -m pipelines corpus
        rebuild the corpus assets and publish the analysts' snapshot
    python -m pipelines ui
        the Dagster UI (dagster dev) on the project's instance
    python -m pipelines partitions [--prune]
        list (delete) batch partitions with no folder and no data

The installed `newsdesk` command has the same `run`, `demo`, `ui` and `partitions`, from any
directory.

Runs are recorded in $DAGSTER_HOME (default: dagster_home/ in the project), so they show in the UI.
Errors are one line saying what to do; exit code 2 for a wrong setting or input, 1 for a failed run,
130 when interrupted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from assets.resources import PROJECT_ROOT
from pipelines.interrupts import Interrupted, interruptible
from pipelines.progress import SILENT, batch_summary, children_stderr_silenced, progress_to

SAMPLE_BATCH = PROJECT_ROOT / "samples" / "sample-batch"
CLI_TAGS = {"newsdesk/launched_by": "cli"}


def cli_tags() -> dict[str, str]:
    """CLI_TAGS plus where the run's process lives: only a command on the same host may judge it
    dead."""
    from newsdesk.liveness import this_host

    host = this_host()
    return {
        **CLI_TAGS,
        "newsdesk/host": host.host,
        "newsdesk/host_key": host.key,
        "newsdesk/pid": str(host.pid),
        "newsdesk/pid_started": host.started,
    }


class Exit(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _instance() -> Any:
    import dagster as dg

    home = dagster_home()
    from newsdesk.cli.lake import (
        check_instance_env,
    )  # a missing NEWSDESK_DAGSTER_PG_*: one line, exit 2

    check_instance_env(home)
    return dg.DagsterInstance.get()


def dagster_home() -> Path:
    """The instance's folder: $DAGSTER_HOME, else the project's dagster_home/. A temporary one
    (`dagster dev` without DAGSTER_HOME makes a `.tmp_dagster_home_*` that is deleted when it stops:
    runs, pools and sensor state lost), a file, or a folder that cannot be created or written is
    refused with one line."""
    from newsdesk.errors import UserError
    from newsdesk.preflight import check_dagster_home

    default = PROJECT_ROOT / "dagster_home"
    home = Path(os.environ.get("DAGSTER_HOME") or default).expanduser().absolute()
    if home.name.startswith(".tmp_dagster_home"):
        raise Exit(
            2,
            f"DAGSTER_HOME={home} is a temporary instance: its runs, pools and sensor state are "
            f"lost when it stops; unset DAGSTER_HOME to use {default}, or point "
            "it at a lasting folder",
        )
    try:
        check_dagster_home(home)
    except UserError as exc:
        raise Exit(2, str(exc)) from None
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def batch_name(arg: str, landing_dir: Path) -> str:
    """A batch name from what the user typed: `B`, `B/` (tab completion) or a path to the folder."""
    path = Path(arg.rstrip("/\\") or arg)
    if len(path.parts) > 1:
        parent = path.resolve().parent if path.exists() else path.parent
        if parent != landing_dir.resolve() and path.parent != landing_dir:
            raise Exit(
                2,
                f"{arg!r} is not a folder of the landing directory {landing_dir}: give the batch's "
                "folder name, or set NEWSDESK_LANDING_DIR",
            )
    return path.name


def run_batches(args: list[str], allow_empty: bool = False) -> bool:
    """Process the named landing folders, one run each, then publish the corpus once."""
    from assets.partitions import batch_key_problem, batches
    from assets.resources import NewsdeskSettings
    from newsdesk.errors import TransientError, UserError
    from newsdesk.preflight import check_batch, check_model, check_store, incomplete_delivery
    from newsdesk.store.lease import release_run
    from pipelines.definitions import defs

    resource = NewsdeskSettings()
    settings = resource.resolve()
    store = resource.store()
    names = [batch_name(a, settings.landing_dir) for a in args]
    for name in names:
        if problem := batch_key_problem(name):
            raise Exit(2, f"cannot process {name!r}: {problem}")
    try:
        check_store(store)
        check_model(settings)
        for (
            name
        ) in names:  # before any partition is registered: no ghost partitions for missing folders
            check_batch(settings, store, name, allow_empty)
    except UserError as exc:
        raise Exit(2, str(exc)) from None
    except TransientError as exc:
        raise Exit(1, str(exc)) from None
    instance = _instance()
    for name in names:
        if incomplete := incomplete_delivery(settings, name):
            print(f"warning: {incomplete}", file=sys.stderr)
    reap_dead_runs(instance)
    ok = True
    queue, done = list(names), set()
    while queue:
        name = queue.pop(0)
        done.add(name)
        instance.add_dynamic_partitions(batches.name, [name])
        config = {**SILENT, "ops": {"raw_documents": {"config": {"allow_empty": allow_empty}}}}
        print(f"processing batch {name}", flush=True)
        started = time.monotonic()
        with interruptible() as signalled, children_stderr_silenced(), progress_to(sys.stdout):
            result = defs.resolve_job_def("process_batch").execute_in_process(
                partition_key=name,
                instance=instance,
                raise_on_error=False,
                run_config=config,
                tags=cli_tags(),
            )
        try:  # a run that failed between stages still holds its batch: free it for the next run
            release_run(store, result.run_id)
        except TransientError as exc:
            print(f"batch {name}: its lease stays until it expires ({exc})")
        if signalled.is_set() and result.success:  # Ctrl-C after the last step's own code
            raise Interrupted(
                f"interrupted after batch {name} was processed: no later batch ran and the corpus "
                "was not published; run the command again (processed batches are skipped)"
            )
        if _interrupted(result) or signalled.is_set():
            raise KeyboardInterrupt
        seconds = time.monotonic() - started
        print(
            batch_summary(name, result, seconds)
            if result.success
            else f"batch {name}: FAILED after {seconds:.1f} s: {_failure(result)} "
            f"(run {result.run_id})",
            flush=True,
        )
        ok &= result.success
        try:
            again = [b for b in _requested(store) if b not in queue and b not in done]
        except TransientError as exc:  # the catalog is away: the batches asked for stay asked for
            print(f"could not read the batches asked to run again: {exc}")
            again = []
        if again:
            print(
                f"batches {', '.join(again)} held duplicates of documents that are "
                "gone: running them again"
            )
        queue += again
    return publish() and ok


def reap_dead_runs(instance: Any) -> None:
    """Runs this command started in a process that no longer exists (killed with -9, a machine
    crash) are still STARTED in the instance and keep their pool slot: the next run would wait for
    it forever. Mark them failed and free their slots. Only runs started on this host (their
    `newsdesk/host_key` tag) are judged: a pid says nothing about a process of another machine,
    whose runs its own next command (or, for runs the daemon launched, run monitoring) judges. Runs
    without the tag (older versions) are left alone."""
    import dagster as dg

    from newsdesk.liveness import same_process_alive, this_host

    here = this_host()
    for record in instance.get_run_records(
        dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING])
    ):
        run = record.dagster_run
        if (
            run.tags.get("newsdesk/launched_by") != "cli"
            or run.tags.get("newsdesk/host_key") != here.key
        ):
            continue
        pid = run.tags.get("newsdesk/pid", "")
        if pid.isdigit() and not same_process_alive(
            int(pid), run.tags.get("newsdesk/pid_started", "")
        ):
            instance.report_run_failed(
                run,
                f"its process {pid} on {here.host} is gone (killed); marked failed "
                "by the next run on that host",
            )
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            print(
                f"run {run.run_id} ({run.job_name}) was left running by a process that "
                "is gone: marked failed"
            )


def _requested(store: Any) -> list[str]:
    """Batches the pipeline asked to process again (they held duplicates of documents that are
    gone)."""
    from newsdesk.store.batches import requests

    with store.read() as con:
        return [batch for batch, _, _ in requests(con)]


def _interrupted(result: Any) -> bool:
    """Whether Ctrl-C stopped the run: inside a step Dagster's own handler turns it into a step
    failure (and never calls ours), so the run's events are where it shows."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error is not None:
                if error.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt"):
                    return True
                error = error.cause or error.context
    return False


def _failure(result: Any) -> str:
    """The first failed step's message, one line."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            if _out_of_memory(error):
                from newsdesk.errors import out_of_memory_line

                return out_of_memory_line(event.step_key)
            message = (error.message or "").strip().splitlines()
            return f"{event.step_key}: {message[0] if message else error.cls_name}"
    return "see the run's events in the UI"


def _out_of_memory(error: Any) -> bool:
    """Whether a step's error (Dagster's record of an exception and causes) is out of memory."""
    from newsdesk.errors import OOM_NAMES, is_out_of_memory

    while error is not None:
        if error.cls_name in OOM_NAMES or is_out_of_memory(Exception(error.message or "")):
            return True
        error = error.cause or error.context
    return False


def publish() -> bool:
    from pipelines.definitions import defs

    started = time.monotonic()
    try:
        with interruptible() as signalled, children_stderr_silenced():
            result = defs.resolve_job_def("publish_corpus").execute_in_process(
                instance=_instance(), raise_on_error=False, run_config=SILENT, tags=cli_tags()
            )
        if signalled.is_set() and result.success:
            raise Interrupted("interrupted after the corpus was published: nothing was left to do")
        if _interrupted(result) or signalled.is_set():
            raise KeyboardInterrupt
    except Interrupted:
        raise
    except KeyboardInterrupt:
        raise Interrupted(
            "interrupted while publishing the corpus: the batches are processed; the analysts' "
            "snapshot and report keep their previous versions until `python -m pipelines corpus` "
            "(or the UI's automation) publishes them"
        ) from None
    if not result.success:
        print(f"publish: run {result.run_id} FAILED: {_failure(result)}")
        return False
    snapshot = result.asset_materializations_for_node("analyst_snapshot")
    meta = snapshot[-1].metadata if snapshot else {}
    where = f": analysts' snapshot {meta['path'].value}" if "path" in meta else ""
    print(f"published the corpus in {time.monotonic() - started:.1f} s{where}")
    return True


def copy_sample(landing_dir: Path, name: str = "sample-batch") -> str:
    target = landing_dir / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SAMPLE_BATCH, target)
    (
        target / "_SUCCESS"
    ).touch()  # delivered whole: its marker is recorded, and the sensor will not run it again
    return name


def start_ui() -> int:
    """`dagster dev` on the project's workspace and instance (what `make ui` runs); replaces this
    process."""
    dagster = Path(sys.executable).parent / "dagster"
    if not dagster.is_file():
        raise Exit(2, f"{dagster} is not installed: run `make setup` in {PROJECT_ROOT}")
    os.chdir(PROJECT_ROOT)  # workspace.yaml loads pipelines/ and assets/ from the checkout
    os.environ.setdefault("PYTHONWARNINGS", "ignore:Function `dev_command` is superseded")
    os.execv(dagster, [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml")])
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    from newsdesk.config import environment_help

    parser = argparse.ArgumentParser(
        prog="python -m pipelines",
        description=__doc__,
        epilog="settings (environment):\n" + environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="process the bundled sample batch and print what it produced")
    run = sub.add_parser("run", help="process landing folders as batches, then publish the corpus")
    run.add_argument("batches", nargs="+", help="batch folder names in the landing directory")
    run.add_argument(
        "--allow-empty",
        action="store_true",
        help="process a batch whose folder is now empty: its rows are removed",
    )
    sub.add_parser("corpus", help="rebuild the corpus assets and publish the analysts' snapshot")
    sub.add_parser(
        "ui", help="the Dagster UI (dagster dev -w workspace.yaml) on the project's instance"
    )
    parts = sub.add_parser(
        "partitions", help="list batch partitions with no folder and no data (--prune: delete)"
    )
    parts.add_argument("--prune", action="store_true", help="delete them (default: only list them)")
    args = parser.parse_args(argv)
    try:
        return _command(args)
    except Exit as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except Interrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(
            "interrupted: the stage that was running was rolled back (each stage commits in one "
            "transaction); run the batch again to finish it",
            file=sys.stderr,
        )
        return 130


def _command(args: argparse.Namespace) -> int:
    from assets.resources import NewsdeskSettings
    from newsdesk.errors import FAILURES, UserError, out_of_memory_line

    dagster_home()  # first: a wrong instance is refused before anything is read or written
    try:
        if args.command == "demo":
            from newsdesk.cli import print_summary

            resource = NewsdeskSettings()
            settings = resource.resolve()
            name = copy_sample(settings.landing_dir)
            ok = run_batches([name])
            print_summary(resource.store())
        elif args.command == "run":
            ok = run_batches(args.batches, args.allow_empty)
        elif args.command == "ui":
            return start_ui()
        elif args.command == "partitions":
            from pipelines.ghosts import ghost_report

            ghost_report(_instance(), args.prune)
            ok = True
        else:
            ok = publish()
    except UserError as exc:
        raise Exit(2, str(exc)) from None
    except FAILURES as exc:  # damaged database, unreachable catalog, out of memory: not the user's
        raise Exit(1, str(exc)) from None
    except MemoryError:
        raise Exit(1, out_of_memory_line(args.command)) from None
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
