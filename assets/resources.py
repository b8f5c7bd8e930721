"""The one resource: newsdesk's settings, resolved when a run starts (not when the code location loads).

Each field overrides one setting for a run (the launchpad shows these descriptions); a field left empty takes
the NEWSDESK_* environment variable, else the default. Dagster's `EnvVar` is not used because these variables
are optional with defaults, and an unset `EnvVar` fails the launch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from newsdesk.config import Settings, load_settings
from newsdesk.store.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class NewsdeskSettings(dg.ConfigurableResource):
    """Where newsdesk reads batches and keeps its tables, and how its stages run."""

    storage: str | None = Field(default=None, description="duckdb (one local file, default) or ducklake "
                                   "(catalog in PostgreSQL; set lake_catalog and lake_data_path). NEWSDESK_STORAGE")
    db_path: str | None = Field(default=None, description="The DuckDB file. NEWSDESK_DB, default "
                                   "data/newsdesk.duckdb in the project")
    lake_catalog: str | None = Field(default=None, description="libpq connection string of the DuckLake "
                                        "catalog. NEWSDESK_LAKE_CATALOG")
    lake_data_path: str | None = Field(default=None, description="Folder for the lake's data files. "
                                          "NEWSDESK_LAKE_DATA")
    landing_dir: str | None = Field(default=None, description="Where batch folders are delivered, one folder "
                                       "per batch with a _SUCCESS file. NEWSDESK_LANDING_DIR, default data/landing")
    spacy_model: str | None = Field(default=None, description="spaCy package or model directory for NER. "
                                       "NEWSDESK_SPACY_MODEL")
    ner_processes: int | None = Field(default=None, description="NER processes, 0 = one per core. "
                                         "NEWSDESK_NER_PROCESSES")
    clean_workers: int | None = Field(default=None, description="Boilerplate-removal processes, 0 = one per "
                                         "core. NEWSDESK_CLEAN_WORKERS")
    max_file_bytes: int | None = Field(default=None, description="Input files larger than this are "
                                          "quarantined unread. NEWSDESK_MAX_FILE_BYTES")
    copy_containment: float | None = Field(default=None, description="Share of the shorter text's shingles "
                                              "the longer must hold to be a copy (0.55)")
    story_min_shared_words: int | None = Field(default=None, description="Words of one shared passage that "
                                                  "make a story link (24)")

    def resolve(self) -> Settings:
        """Defaults < environment < the fields set here. Raises SettingsError on a bad value."""
        settings = load_settings(root=PROJECT_ROOT)
        overrides: dict[str, Any] = {"store__backend": self.storage, "db_path": self.db_path,
                     "store__lake_catalog": self.lake_catalog, "store__lake_data_path": self.lake_data_path,
                     "landing_dir": self.landing_dir, "ner__model": self.spacy_model,
                     "ner__n_process": self.ner_processes, "clean__workers": self.clean_workers,
                     "ingest__max_file_bytes": self.max_file_bytes, "dedup__copy_containment": self.copy_containment,
                     "dedup__story_min_shared_words": self.story_min_shared_words}
        return load_settings(base=settings, env={}, **overrides)

    def store(self, settings: Settings | None = None) -> Store:
        return Store.from_settings(settings or self.resolve())

    def batch_dir(self, batch_id: str) -> Path:
        return self.resolve().landing_dir / batch_id
