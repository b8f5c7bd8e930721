"""A read-only copy of the database for analysts, so their queries never meet the pipeline's lock.

DuckDB lets one process write a file and refuses every other process meanwhile, readers included. The
pipeline therefore publishes a snapshot after each stage: with the writer lock held and the WAL
checkpointed, the file is copied to a temporary name and renamed over the snapshot atomically. Readers
open the snapshot read-only; a reader that has the old snapshot open keeps reading it until it reconnects.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from newsdesk.store.db import connect


def snapshot_path(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(f"{path.stem}.snapshot{path.suffix}")


def publish_snapshot(db_path: Path | str, target: Path | None = None) -> Path:
    """Copy the database to its snapshot path atomically; returns the snapshot path."""
    source = Path(db_path)
    target = target or snapshot_path(source)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    con = connect(source)  # holding the write lock: nobody changes the file while it is copied
    try:
        con.execute("CHECKPOINT")
        shutil.copyfile(source, tmp)
    finally:
        con.close()
    os.replace(tmp, target)
    return target
