"""Jobs: one batch end to end (ingest to publish), and the corpus-wide assets (by asset group).

Both run in one process, like every run of the code location (the executor is set once, on the
Definitions)."""

from __future__ import annotations

import dagster as dg

from assets.common import BATCH_GROUP, CORPUS_GROUP

process_batch = dg.define_asset_job(
    name="process_batch",
    selection=dg.AssetSelection.groups(BATCH_GROUP),
    description="Ingest, clean and annotate one batch, then publish it with its copies and entity "
    "links (one partition of `batches`).",
)

publish_corpus = dg.define_asset_job(
    name="publish_corpus",
    selection=dg.AssetSelection.groups(CORPUS_GROUP),
    description=(
        "Rebuild the full-text index and corpus summary, then publish the analysts' snapshot and "
        "report."
    ),
)
