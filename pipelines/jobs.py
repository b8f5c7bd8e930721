"""Jobs: one batch end to end, and publishing the corpus. Both run in one process: a batch's stages depend on
each other and write one at a time, so a process per step (the default executor) only adds start-up time."""

from __future__ import annotations

import dagster as dg

from assets.batch import BATCH_ASSETS
from assets.corpus import CORPUS_ASSETS

process_batch = dg.define_asset_job(
    name="process_batch",
    selection=dg.AssetSelection.assets(*BATCH_ASSETS),
    executor_def=dg.in_process_executor,
    description="Ingest, clean, deduplicate and annotate one batch (one partition of `batches`).",
)

publish_corpus = dg.define_asset_job(
    name="publish_corpus",
    selection=dg.AssetSelection.assets(*CORPUS_ASSETS),
    executor_def=dg.in_process_executor,
    description="Rebuild the full-text index and corpus summary, then publish the analysts' snapshot and report.",
)
