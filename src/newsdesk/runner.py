"""One stage contract and one runner for every batch stage (datatrove's PipelineStep, for our four stages).

A `Stage` declares what it reads (an export of the batch's inputs to Parquet), the picklable function that
turns a chunk of input rows into results, and the sink that stages those results and writes them in one
transaction. `run_stage` owns everything around that: the scratch folder, chunking, the worker pool and its
time limits, turning a document that fails into a quarantine row, progress lines, memory release, and the
stats (total / kept / dropped_<reason>, the same words in every stage).
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from newsdesk.config import Settings, cpu_workers
from newsdesk.parallel import Failed, map_items
from newsdesk.processes import release_memory
from newsdesk.records import QuarantineItem
from newsdesk.store import batches, lease
from newsdesk.store.staging import iter_parquet, stage_workdir
from newsdesk.store.store import Connection, Store

Log = Callable[[str], None]
Stats = Counter[str]


def no_log(_: str) -> None:
    return None


class Sink(Protocol):
    """Stages one stage's results for a batch and writes them in one transaction."""

    def add(self, result: Any, stats: Stats) -> None: ...

    def write(self, con: Connection) -> None: ...


@dataclass(frozen=True)
class Stage:
    name: str  # also the `stage` of its quarantine rows and the prefix of their reasons (clean_error, ...)
    export: Callable[[Store, str, Path], int]  # the batch's inputs -> <workdir>/inputs.parquet; returns the count
    work: Callable[[list[dict[str, Any]], Any], list[Any]]  # picklable: one result per input row
    config: Callable[[Settings], Any]  # the part of the settings `work` needs (sent to every worker)
    sink: Callable[[Path, str, Settings], Sink]
    on_failure: Callable[[dict[str, Any], Failed, str], Any]  # (row, failure, batch) -> a result for the sink
    workers: Callable[[Settings, int], int]  # processes for n inputs (0 = in this process)
    timeout_s: Callable[[Settings], float]  # for one input
    chunk_size: int = 50
    batched: bool = False  # `work` gets whole chunks (spaCy's nlp.pipe), one by one only to find a failure
    # After the sink is filled and before it is written: corpus-wide work (dedup's index and clusters).
    finish: Callable[[Store, Sink, Path, Stats, Settings, Log], None] | None = None
    write_memory: str = "bulk_load"
    writes_pending: bool = True  # its rows wait in the pending tables until the batch is published
    publishes: bool = False  # moves the batch into the published tables: one publisher at a time


def pool_size(configured: int, n_items: int, min_per_worker: int) -> int:
    """Worker processes for n items: as configured (0 = one per core), at most one per `min_per_worker` items
    (a process costs a start-up and imports), and at least one: work runs outside the stage's own process so a
    hang or a crash costs one item, not the batch."""
    wanted = configured or cpu_workers()
    return max(1, min(wanted, math.ceil(n_items / min_per_worker)))


def run_stage(stage: Stage, store: Store, batch_id: str, settings: Settings, log: Log = no_log) -> dict[str, int]:
    """Run one stage for one batch; returns its stats."""
    stats: Stats = Counter()
    with lease.holding(store, batch_id, publishes=stage.publishes), \
            stage_workdir(store.scratch_root, stage.name) as work:
        n_items = stage.export(store, batch_id, work)
        sink = stage.sink(work, batch_id, settings)
        workers = stage.workers(settings, n_items)
        started, reported = time.monotonic(), 0
        fed: deque[list[dict[str, Any]]] = deque()  # outcomes come back in chunk order

        def chunks() -> Iterator[list[dict[str, Any]]]:
            for chunk in iter_parquet(work / "inputs.parquet", stage.chunk_size):
                fed.append(chunk)
                yield chunk

        for results in map_items(stage.work, chunks(), stage.config(settings), workers=workers, scratch=work,
                                 timeout_s=stage.timeout_s(settings), batched=stage.batched):
            for row, result in zip(fed.popleft(), results):
                if isinstance(result, Failed):
                    result = stage.on_failure(row, result, batch_id)
                sink.add(result, stats)
            done = stats["total"]
            if done - reported >= 1000 or done == n_items:
                rate = done / max(time.monotonic() - started, 1e-9)
                log(f"{stage.name}: {done}/{n_items} inputs, {rate:.1f}/s on {workers} processes")
                reported = done
                release_memory()
        if stage.finish is not None:
            stage.finish(store, sink, work, stats, settings, log)
        def write(con: Connection) -> None:
            sink.write(con)
            if stage.writes_pending:  # recorded in the same transaction as the rows
                batches.stage_pending(con, batch_id, stage.name)

        store.write(lease.verified(store, batch_id, write), memory=stage.write_memory, serialise=stage.publishes,
                    message=batches.publish_message(batch_id) if stage.publishes else f"{stage.name} {batch_id}")
        stats.update(getattr(sink, "summary", {}))  # what a sink learns while writing (set, so a retry is harmless)
    release_memory()
    return dict(stats)


def quarantine_for(stage: str) -> Callable[[dict[str, Any], Failed, str], Any]:
    """on_failure for stages whose input rows describe a document (doc_id, source_path, ...)."""
    def failed(row: dict[str, Any], failure: Failed, batch_id: str) -> QuarantineItem:
        return QuarantineItem(
            batch_id=batch_id, source_path=str(row.get("source_path") or ""), stage=stage,
            reason=f"{stage}_{failure.kind}", detail=failure.detail, n_bytes=row.get("n_bytes"),
            sha256=row.get("sha256"), external_id=row.get("external_id"), doc_id=row.get("doc_id"))

    return failed
