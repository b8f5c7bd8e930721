"""The clean stage: every document of the batch through boilerplate removal, on worker processes.

trafilatura and our classifier are CPU-bound and hold the GIL; the database is touched only to
export the inputs and to write the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsdesk.clean.article import clean_document
from newsdesk.config import CleanConfig, Settings
from newsdesk.records import CleanArticle, QuarantineItem
from newsdesk.runner import BatchStage, pool_size
from newsdesk.store.store import Store
from newsdesk.store.tables import CleanSink, export_batch_documents, row_to_document


def clean_rows(
    rows: list[dict[str, Any]], config: CleanConfig
) -> list[CleanArticle | QuarantineItem]:
    return [clean_document(row_to_document(row), config) for row in rows]


class CleanStage(BatchStage):
    name = "clean"
    work = staticmethod(clean_rows)

    def export(self, store: Store, batch_id: str, work: Path) -> int:
        with store.read(memory="export") as con:
            return export_batch_documents(con, batch_id, work / "inputs.parquet")

    def config(self, settings: Settings) -> CleanConfig:
        return settings.clean

    def sink(self, work: Path, batch_id: str, settings: Settings) -> CleanSink:
        return CleanSink(work, batch_id)

    def workers(self, settings: Settings, n_inputs: int) -> int:
        return pool_size(settings.clean.workers, n_inputs, settings.clean.min_docs_per_worker)

    def timeout_s(self, settings: Settings) -> float:
        return settings.clean.doc_timeout_s


CLEAN = CleanStage()
