"""The publish stage: a batch's pending rows join the corpus, in ONE transaction, with everything
that depends on the corpus as a whole.

Its work (run by the stage runner over the batch's articles) computes the dedup signatures. Its
write (`PublishSink.write`), inside one transaction:
1. the batch's pending rows (documents, articles, mentions, quarantine) move into the published
   tables (`batches.publish_pending`);
2. duplicates this batch held of documents that are gone are released (their batches are asked to
   run again);
3. the batch is deduplicated against the corpus (`newsdesk.dedup.batch`: copies, story links);
4. its dedup quarantine rows are replaced;
5. its mentions are linked to the corpus' entities (`newsdesk.entities.corpus`);
6. its articles join story threads (`newsdesk.threads`), copies that of their canonical;
7. no published table may hold a doc_id twice (`store.uniqueness`: repaired if an older double run
   left duplicates, else the publish fails).
Readers therefore see a batch whole or not at all, and two batches published at once (DuckLake)
serialise: the store takes a lock row first, so the second transaction conflicts, runs again, and
sees the first one's rows. A stage added after entities that must see the published corpus adds its
step to `PublishSink.write`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from newsdesk.config import DedupConfig, Settings
from newsdesk.dedup.batch import MEMORY, DedupBatch, deduplicate, export_inputs, feature_rows
from newsdesk.dedup.features import ArticleFeatures
from newsdesk.entities.corpus import link_corpus
from newsdesk.parallel import Failed
from newsdesk.records import QuarantineItem
from newsdesk.runner import BatchStage, quarantine_item
from newsdesk.store import batches, entity_tables, uniqueness
from newsdesk.store.store import Connection, Store
from newsdesk.store.tables import replace_quarantine
from newsdesk.threads.publish import thread_batch

# Quarantine rows of articles whose dedup features or verification failed keep the stage name of
# that step.
DEDUP_STAGE = "dedup"


class PublishSink:
    """The batch's dedup features while the runner feeds them; `write` publishes the batch."""

    def __init__(self, work: Path, batch_id: str, config: DedupConfig) -> None:
        self.batch_id = batch_id
        self.dedup = DedupBatch(work, batch_id, config)
        self._summary: dict[str, int] = {}

    def add(self, result: ArticleFeatures | QuarantineItem, stats: Counter[str]) -> None:
        self.dedup.add(result)

    def summary(self) -> dict[str, int]:
        return self._summary

    def write(self, con: Connection) -> None:
        """Publish the batch (see the module docstring). Everything is read on `con`, inside the
        transaction, so a re-run after a lake conflict sees what the other writer committed."""
        self.dedup.close()
        touched = entity_tables.published_entity_ids(con, self.batch_id)
        moved = batches.publish_pending(con, self.batch_id)
        released = batches.released_duplicates(con, self.batch_id) if "ingest" in moved else []
        failed = dict(self.dedup.failed)
        dedup_stats = deduplicate(con, self.dedup, failed)
        replace_quarantine(con, self.batch_id, DEDUP_STAGE, list(failed.values()))
        linked = link_corpus(con, self.batch_id, touched)
        threads = thread_batch(con, self.batch_id)
        uniqueness.repair_and_check(con, self.batch_id)
        self._summary = {
            **dedup_stats,
            "entities_relinked": len(linked),
            "batches_released": len(released),
            "stages_published": len(moved),
            **threads,
        }


class PublishStage(BatchStage):
    name = "publish"
    chunk_size = 2000
    batched = True
    write_memory = MEMORY
    writes_pending = False
    publishes = True
    work = staticmethod(feature_rows)

    def export(self, store: Store, batch_id: str, work: Path) -> int:
        return export_inputs(store, batch_id, work)

    def config(self, settings: Settings) -> DedupConfig:
        return settings.dedup

    def sink(self, work: Path, batch_id: str, settings: Settings) -> PublishSink:
        return PublishSink(work, batch_id, settings.dedup)

    def on_failure(self, row: dict[str, Any], failure: Failed, batch_id: str) -> QuarantineItem:
        return quarantine_item(DEDUP_STAGE, row, failure, batch_id)


PUBLISH = PublishStage()
