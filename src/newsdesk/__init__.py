"""newsdesk: raw news article batches to clean, deduplicated, entity-annotated tables.

The stage logic lives here and knows nothing of Dagster; `pipelines/` and `assets/` wrap it.
"""

__version__ = "0.1.0"
