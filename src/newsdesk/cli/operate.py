"""`newsdesk run`, `demo`, `ui` and `partitions`: the operator commands beside the analyst ones.

They run the same code as `python -m pipelines` (pipelines/ and assets/ live in the checkout, beside
src/, and are not installed), found from where newsdesk is installed (newsdesk.project), so they
work from any directory.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from newsdesk.cli.database import CliError
from newsdesk.project import project_root

COMMANDS = ("run", "demo", "ui", "partitions")


def add_commands(command: Callable[[str, str, str, str], argparse.ArgumentParser]) -> None:
    """The operator commands' parsers (`command` is the analyst parser's factory: same options, same
    help)."""
    run = command(
        "run",
        "process landing folders as batches (real Dagster runs), then publish the corpus",
        "Process each BATCH folder of the landing directory as a batch, one Dagster run each, "
        "recorded in the project's instance (they show in the UI), then publish the corpus and the "
        "analysts' snapshot. Progress per stage while it runs, a summary per batch at the end. The "
        "same as `python -m pipelines run` in the checkout.",
        "examples:\n  newsdesk run 2026-11-01\n  newsdesk run data/landing/2026-11-01/ 2026-11-02\n"
        "  newsdesk run 2026-11-01 --allow-empty",
    )
    batches = run.add_argument(
        "batches", nargs="+", metavar="BATCH", help="batch folder names in the landing directory"
    )
    batches.completer = _landing_folders  # type: ignore[attr-defined]  # read by argcomplete
    run.add_argument(
        "--allow-empty",
        action="store_true",
        help="process a batch whose folder is now empty: its rows are removed",
    )
    command(
        "demo",
        "process the bundled sample batch and print what it produced",
        "Copy samples/sample-batch to the landing directory (with its _SUCCESS), process it as a "
        "batch, publish the corpus and print the summary. The same as `make "
        "demo` once .venv exists.",
        "examples:\n  newsdesk demo",
    )
    command(
        "ui",
        "start the Dagster UI (dagster dev) on the project's instance",
        "Start `dagster dev -w workspace.yaml` in the project with DAGSTER_HOME set to the "
        "project's dagster_home/ (unless DAGSTER_HOME is set); a missing or temporary DAGSTER_HOME "
        "is refused. The same as `make ui`.",
        "examples:\n  newsdesk ui",
    )
    parts = command(
        "partitions",
        "list batch partitions with no folder and no data; --prune deletes them",
        "List the partitions of `batches` that have no folder in the landing "
        "directory and no rows in "
        'the database: a typo made in the UI\'s "Add a partition", or a batch '
        "whose folder and data "
        "are both gone (the landing sensor reports them too). --prune deletes "
        "them from the instance; "
        "their run history stays.",
        "examples:\n  newsdesk partitions\n  newsdesk partitions --prune",
    )
    parts.add_argument("--prune", action="store_true", help="delete them (default: only list them)")


def run(args: argparse.Namespace) -> int:
    """Hand the command to `python -m pipelines` (its errors are already one line with an exit
    code)."""
    root = project_root()
    if root is None:
        raise CliError(
            "the operator commands (run, demo, ui, partitions) need the project's checkout: "
            "install newsdesk from it with `make setup` (pip install -e .), or run "
            "`python -m pipelines` there"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from pipelines.__main__ import main

    argv = [args.command, *getattr(args, "batches", [])]
    if getattr(args, "allow_empty", False):
        argv.append("--allow-empty")
    if getattr(args, "prune", False):
        argv.append("--prune")
    return main(argv)


def _landing_folders(prefix: str, **_: Any) -> list[str]:
    """Batch folder names for shell completion."""
    from newsdesk.config import load_settings

    try:
        landing = load_settings(root=project_root()).landing_dir
        return sorted(p.name for p in landing.iterdir() if p.is_dir() and p.name.startswith(prefix))
    except Exception:  # noqa: BLE001 - completion must never print an error into the shell
        return []
