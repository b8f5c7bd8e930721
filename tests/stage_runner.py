"""Runs every batch stage on one landing folder, without Dagster (a subprocess target for crash tests)."""

import sys
from pathlib import Path

from newsdesk.config import load_settings
from newsdesk.pipeline import run_batch
from newsdesk.store.backends import open_store


def run(db_path: Path, batch_dir: Path, batch_id: str) -> None:
    settings = load_settings(db_path=db_path)
    run_batch(open_store(settings), settings, batch_id, batch_dir=batch_dir)
    print("done", flush=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
