"""The clean stage: every document of the batch through boilerplate removal, on worker processes.

trafilatura and our classifier are CPU-bound and hold the GIL; the database is touched only to export the
inputs and to write the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsdesk.clean.article import clean_document
from newsdesk.config import CleanConfig, Settings
from newsdesk.records import CleanArticle, QuarantineItem
from newsdesk.runner import Stage, pool_size, quarantine_for
from newsdesk.store.store import Store
from newsdesk.store.tables import CleanSink, export_batch_documents, row_to_document


def clean_rows(rows: list[dict[str, Any]], config: CleanConfig) -> list[CleanArticle | QuarantineItem]:
    return [clean_document(row_to_document(row), config) for row in rows]


def _export(store: Store, batch_id: str, work: Path) -> int:
    with store.read(memory="export") as con:
        return export_batch_documents(con, batch_id, work / "inputs.parquet")


def _workers(settings: Settings, n_docs: int) -> int:
    return pool_size(settings.clean.workers, n_docs, settings.clean.min_docs_per_worker)


CLEAN = Stage(
    name="clean",
    export=_export,
    work=clean_rows,
    config=lambda s: s.clean,
    sink=lambda work, batch_id, _: CleanSink(work, batch_id),
    on_failure=quarantine_for("clean"),
    workers=_workers,
    timeout_s=lambda s: s.clean.doc_timeout_s,
)
