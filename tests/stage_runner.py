"""Runs the four batch stages on one landing folder, without Dagster (a subprocess target for crash tests)."""

import sys
from pathlib import Path

from newsdesk.clean.stage import clean_batch
from newsdesk.config import load_settings
from newsdesk.dedup.stage import dedup_batch
from newsdesk.entities.stage import extract_entities
from newsdesk.ingest.stage import ingest_batch


def run(db_path: Path, batch_dir: Path, batch_id: str) -> None:
    settings = load_settings(db_path=db_path)
    ingest_batch(db_path, batch_dir, batch_id, settings.ingest)
    clean_batch(db_path, batch_id, settings.clean)
    dedup_batch(db_path, batch_id, settings.dedup)
    extract_entities(db_path, batch_id, settings.ner)
    print("done", flush=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
