"""The batch stages in order, for everyone who runs them: the Dagster assets (one stage each), the
tests, the benchmarks and the crash-test subprocess: ingest, then clean -> entities -> publish.
Stage modules are imported when a stage runs, not before: the Dagster code location loads without
spaCy or trafilatura."""

from __future__ import annotations

import importlib
from pathlib import Path

from newsdesk.config import Settings
from newsdesk.runner import BatchStage, Log, no_log, run_stage
from newsdesk.store.store import Store

# Stage name -> "module:attribute" of its BatchStage, in the order a batch goes through them (after
# ingest, which reads files rather than rows: newsdesk.ingest.stage). Every stage before the last
# writes into the pending tables; the last publishes the batch to the tables analysts query, in one
# transaction (newsdesk.publish).
BATCH_STAGES = {
    "clean": "newsdesk.clean.stage:CLEAN",
    "entities": "newsdesk.entities.stage:ENTITIES",
    "publish": "newsdesk.publish:PUBLISH",
}


def stage(name: str) -> BatchStage:
    module, _, attribute = BATCH_STAGES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def ingest(
    store: Store,
    settings: Settings,
    batch_id: str,
    log: Log = no_log,
    batch_dir: Path | None = None,
) -> dict[str, int]:
    from newsdesk.ingest.stage import ingest_batch

    return ingest_batch(
        store, batch_dir or settings.landing_dir / batch_id, batch_id, settings.ingest, log
    )


def run_one(
    name: str, store: Store, settings: Settings, batch_id: str, log: Log = no_log
) -> dict[str, int]:
    """One stage of one batch ("ingest", "clean", "entities" or "publish")."""
    if name == "ingest":
        return ingest(store, settings, batch_id, log)
    return run_stage(stage(name), store, batch_id, settings, log)


def run_batch(
    store: Store,
    settings: Settings,
    batch_id: str,
    log: Log = no_log,
    batch_dir: Path | None = None,
) -> dict[str, dict[str, int]]:
    """Every stage of one batch, in order; returns each stage's stats."""
    stats = {"ingest": ingest(store, settings, batch_id, log, batch_dir)}
    for name in BATCH_STAGES:
        stats[name] = run_stage(stage(name), store, batch_id, settings, log)
    return stats
