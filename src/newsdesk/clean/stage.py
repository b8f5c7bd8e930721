"""The clean stage for one batch: boilerplate removal over the batch's documents, staged, one write.

Documents are cleaned in chunks on every core (trafilatura and our classifier are CPU-bound and hold the GIL);
the database is touched only to export the inputs and to write the results.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from newsdesk.clean.article import clean_document
from newsdesk.config import CleanConfig, cpu_workers
from newsdesk.parallel import map_chunks, release_memory, release_worker_memory
from newsdesk.records import CleanArticle, QuarantineItem
from newsdesk.store.db import read_connection, write_transaction
from newsdesk.store.staging import export_by_rowid, iter_parquet, stage_workdir
from newsdesk.store.tables import BATCH_CONTENT_ROWIDS_SQL, BATCH_DOCUMENTS_SQL, CleanSink, row_to_document

Log = Callable[[str], None]


def clean_chunk(job: tuple[list[dict[str, object]], CleanConfig]) -> list[CleanArticle | QuarantineItem]:
    rows, config = job
    results = [clean_document(row_to_document(row), config) for row in rows]
    release_worker_memory()
    return results


def clean_batch(db_path: Path, batch_id: str, config: CleanConfig, log: Log = lambda _: None,
                chunk_size: int = 50) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with stage_workdir(db_path, "clean") as work:
        with read_connection(db_path) as con:
            n_docs = export_by_rowid(con, BATCH_DOCUMENTS_SQL, [batch_id, batch_id], BATCH_CONTENT_ROWIDS_SQL,
                                     [batch_id], work / "documents.parquet")
        workers = min(config.workers or cpu_workers(), math.ceil(n_docs / config.min_docs_per_worker))
        sink = CleanSink(work, batch_id)
        started = time.monotonic()
        jobs = ((chunk, config) for chunk in iter_parquet(work / "documents.parquet", chunk_size))
        for results in map_chunks(clean_chunk, jobs, workers):
            for result in results:
                sink.add(result)
                _count(stats, result)
            rate = stats["total"] / max(time.monotonic() - started, 1e-9)
            if stats["total"] % 1000 < chunk_size or stats["total"] == n_docs:
                log(f"clean: {stats['total']}/{n_docs} documents, {rate:.1f} docs/s on {workers} processes")
                release_memory()
        with write_transaction(db_path) as con:
            sink.write(con)
    release_memory()
    return dict(stats)


def _count(stats: Counter[str], result: CleanArticle | QuarantineItem) -> None:
    stats["total"] += 1
    if isinstance(result, QuarantineItem):
        stats[f"dropped_{result.reason}"] += 1
        return
    stats["kept"] += 1
    stats["words_kept"] += result.n_words
    stats["words_removed"] += sum(len(s.text.split()) for s in result.segments)
    for segment in result.segments:
        stats[f"segments_{segment.kind}"] += 1
    if result.language not in (None, "en"):
        stats["non_english"] += 1
