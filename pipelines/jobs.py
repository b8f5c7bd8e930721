"""Jobs: one batch end to end, and the corpus-wide refresh."""

from __future__ import annotations

import dagster as dg

from assets.batch import BATCH_ASSETS
from assets.corpus import CORPUS_ASSETS

process_batch = dg.define_asset_job(
    name="process_batch",
    selection=dg.AssetSelection.assets(*BATCH_ASSETS),
    description="Ingest, clean, deduplicate and annotate one batch (one partition of `batches`).",
)

refresh_corpus = dg.define_asset_job(
    name="refresh_corpus",
    selection=dg.AssetSelection.assets(*CORPUS_ASSETS),
    description="Rebuild the corpus-wide assets: full-text index and corpus summary.",
)
