"""The clean stage for one batch: boilerplate removal over the batch's documents, staged, one write."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from newsdesk.clean.article import clean_document
from newsdesk.config import CleanConfig
from newsdesk.records import CleanArticle
from newsdesk.store.db import read_connection, write_transaction
from newsdesk.store.staging import export_query, iter_parquet
from newsdesk.store.tables import BATCH_DOCUMENTS_SQL, CleanSink, row_to_document

Log = Callable[[str], None]


def clean_batch(db_path: Path, batch_id: str, config: CleanConfig, log: Log = lambda _: None,
                chunk_size: int = 200) -> dict[str, int]:
    stats: Counter[str] = Counter()
    staging = Path(db_path).resolve().parent / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clean-", dir=staging) as tmp:
        work = Path(tmp)
        with read_connection(db_path) as con:
            export_query(con, BATCH_DOCUMENTS_SQL, [batch_id], work / "documents.parquet")
        sink = CleanSink(work, batch_id)
        for chunk in iter_parquet(work / "documents.parquet", chunk_size):
            for row in chunk:
                result = clean_document(row_to_document(row), config)
                sink.add(result)
                stats["total"] += 1
                if isinstance(result, CleanArticle):
                    stats["kept"] += 1
                    stats["words_kept"] += result.n_words
                    stats["words_removed"] += sum(len(s.text.split()) for s in result.segments)
                    for segment in result.segments:
                        stats[f"segments_{segment.kind}"] += 1
                    if result.language not in (None, "en"):
                        stats["non_english"] += 1
                else:
                    stats[f"dropped_{result.reason}"] += 1
            log(f"clean: {stats['total']} documents")
        with write_transaction(db_path) as con:
            sink.write(con)
    return dict(stats)
