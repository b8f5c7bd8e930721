"""The ingest stage for one batch directory: read every file, stage rows, replace the batch in one
transaction.

The sibling of the row stages (newsdesk.runner): its inputs are files, read one by one by
`read_batch` (which bounds each file's time and size itself; a big batch's files are parsed by the
worker pool, in order), so there is no export; its stats use the same words (`runner.tally`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from newsdesk.config import IngestConfig, cpu_workers
from newsdesk.errors import BatchNotFound
from newsdesk.ingest.batch import IngestNote, list_batch_files, read_batch
from newsdesk.processes import release_memory
from newsdesk.runner import StatKeys, tally
from newsdesk.store import lease
from newsdesk.store.staging import stage_workdir
from newsdesk.store.store import Store
from newsdesk.store.tables import IngestSink

Log = Callable[[str], None]
MAX_LOGGED_NOTES = 20
# From this many files on, the batch is parsed by the worker pool (kept for the stages after it);
# below it, starting worker processes costs more than they save.
POOL_FROM_FILES = 500


def ingest_batch(
    store: Store, batch_dir: Path, batch_id: str, config: IngestConfig, log: Log = lambda _: None
) -> dict[str, int]:
    """Ingest `batch_dir` as batch `batch_id`; returns total / kept / dropped_<reason> counts."""
    if not batch_dir.is_dir():
        raise BatchNotFound(
            f"batch directory {batch_dir} does not exist (was it renamed or deleted?)"
        )
    stats: Counter[str] = Counter()
    n_files = len(list_batch_files(batch_dir))
    with lease.holding(store, batch_id), stage_workdir(store.scratch_root, "ingest") as work:
        sink = IngestSink(work, batch_id)
        workers = cpu_workers() if n_files >= POOL_FROM_FILES else 0
        for item in read_batch(
            batch_dir,
            batch_id,
            config,
            read_timeout=config.read_timeout_s,
            workers=workers,
            scratch=work,
        ):
            if isinstance(item, IngestNote):
                # Not inputs (WARC protocol records, refused field values): counted apart from
                # total.
                stats[item.kind] += 1
                if item.kind == "refused_fields" and stats[item.kind] <= MAX_LOGGED_NOTES:
                    log(f"ingest: {item.source_path}: {item.detail}")
                continue
            sink.add(item)
            tally(stats, item)
            if stats[StatKeys.TOTAL] % 5000 == 0:
                log(f"ingest: {stats[StatKeys.TOTAL]} records read")
        marker = batch_dir / "_SUCCESS"
        mtime = marker.stat().st_mtime_ns if marker.is_file() else None
        write = lease.verified(
            store, batch_id, lambda con: sink.write(con, str(batch_dir), n_files, mtime)
        )
        n_dup = store.write(write, memory="bulk_load")
    release_memory()
    # Cross-batch duplicates are found in the database at write time; move them from kept to
    # dropped.
    if n_dup:
        stats[StatKeys.KEPT] -= n_dup
        stats[StatKeys.dropped("duplicate_record")] += n_dup
    stats["files"] = n_files
    return dict(stats)
