"""Resources: the DuckDB file, the landing directory, the spaCy model. Settings come from the environment
(NEWSDESK_*), with defaults inside the project directory."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import dagster as dg
from spacy.language import Language

from newsdesk.config import DEFAULT_SPACY_MODEL, DedupConfig, NerConfig, load_settings
from newsdesk.entities.ner import load_model
from newsdesk.store.snapshot import publish_snapshot

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_path(env_var: str, relative: str) -> str:
    return os.environ.get(env_var) or str(PROJECT_ROOT / relative)


class DuckDBStore(dg.ConfigurableResource):
    """The DuckDB file every asset writes. Connections are opened per read or write, never held."""

    db_path: str = _default_path("NEWSDESK_DB", "data/newsdesk.duckdb")

    @property
    def path(self) -> Path:
        return Path(self.db_path)

    def publish(self) -> Path:
        """Refresh the read-only snapshot analysts query (see newsdesk.store.snapshot)."""
        return publish_snapshot(self.path)


class LandingZone(dg.ConfigurableResource):
    """Where operators drop batch folders: <landing_dir>/<batch>/ with a _SUCCESS file when complete."""

    landing_dir: str = _default_path("NEWSDESK_LANDING_DIR", "data/landing")
    max_file_bytes: int = load_settings().ingest.max_file_bytes

    def batch_dir(self, batch_id: str) -> Path:
        return Path(self.landing_dir) / batch_id


class SpacyNer(dg.ConfigurableResource):
    """The spaCy pipeline for NER, loaded once per process. `model` is a package name or a directory."""

    model: str = os.environ.get("NEWSDESK_SPACY_MODEL", DEFAULT_SPACY_MODEL)
    batch_size: int = NerConfig.batch_size
    n_process: int = int(os.environ.get("NEWSDESK_NER_PROCESSES", "0"))  # 0 = one process per core

    def load(self) -> Language:
        return load_model(self.model)

    @property
    def config(self) -> NerConfig:
        return NerConfig(model=self.model, batch_size=self.batch_size, n_process=self.n_process)


class DedupSettings(dg.ConfigurableResource):
    """Thresholds of copy and story-link detection (defaults in newsdesk.config.DedupConfig)."""

    copy_containment: float = DedupConfig.copy_containment
    story_min_shared_words: int = DedupConfig.story_min_shared_words

    @property
    def config(self) -> DedupConfig:
        return replace(DedupConfig(), copy_containment=self.copy_containment,
                       story_min_shared_words=self.story_min_shared_words)
