"""newsdesk: raw news article batches to clean, deduplicated, entity-annotated tables.

The stage logic lives here and knows nothing of Dagster; `pipelines/` and `assets/` wrap it.
"""

import os

# Arrow's default allocator (mimalloc) keeps a 1 GB arena of freed pages for the life of the
# process: a batch of raw pages streamed through Parquet then shows as up to a gigabyte of resident
# memory that is never handed back. jemalloc returns it. Read once, when pyarrow is first imported,
# so it is set before any of our imports.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

__version__ = "0.1.0"
