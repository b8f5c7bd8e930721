"""One stage contract and one runner for every batch stage (datatrove's PipelineStep, for our
stages).

A `BatchStage` declares what it reads (an export of the batch's inputs to Parquet), the picklable
function that turns a chunk of input rows into results, and the sink that stages those results and
writes them in one transaction. `run_stage` owns everything around that: the scratch folder,
chunking, the worker pool and its time limits, turning a document that fails into a quarantine row,
progress lines, memory release, and the stats. Every result is counted here, with the same words in
every stage (`StatKeys`): total, kept, and dropped_<reason> for each quarantined input; sinks add
only stage-specific figures (words, mentions, ...).
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Protocol

from newsdesk.config import Settings, cpu_workers
from newsdesk.parallel import Failed, map_items, shutdown_workers
from newsdesk.processes import release_memory
from newsdesk.records import QuarantineItem
from newsdesk.store import batches, lease
from newsdesk.store.staging import iter_parquet, stage_workdir
from newsdesk.store.store import Connection, Store

Log = Callable[[str], None]
Stats = Counter[str]
# An in-process stage (publishing) over this many inputs first stops the idle worker pool: its
# workers hold the models (~600 MB each) while publishing grows with the batch; restarting them for
# the next batch costs a few seconds, little next to a batch this big, and small batches keep them.
RELEASE_POOL_AT = 1000


def no_log(_: str) -> None:
    return None


class StatKeys:
    """The words of every stage's stats: each input is counted once as kept or dropped_<reason>."""

    TOTAL = "total"
    KEPT = "kept"

    @staticmethod
    def dropped(reason: str) -> str:
        return f"dropped_{reason}"


def tally(stats: Stats, result: object) -> None:
    """Count one input's outcome: a QuarantineItem is dropped with its reason, anything else is
    kept."""
    stats[StatKeys.TOTAL] += 1
    if isinstance(result, QuarantineItem):
        stats[StatKeys.dropped(result.reason)] += 1
    else:
        stats[StatKeys.KEPT] += 1


class Sink(Protocol):
    """Stages one stage's results for a batch and writes them in one transaction."""

    def add(self, result: Any, stats: Stats) -> None: ...

    def write(self, con: Connection) -> None: ...

    def summary(self) -> dict[str, int]:
        """Figures learnt while writing (set, not added: a lake writer may run `write` more than
        once)."""
        ...


class BatchStage(ABC):
    """One batch stage. Subclasses name it, say how to export its inputs, which picklable function
    does the work (`work`, a module-level function: it is sent to worker processes) and which sink
    stores the results."""

    name: ClassVar[str]  # also the `stage` of its quarantine rows and the prefix of their reasons
    chunk_size: ClassVar[int] = 50
    batched: ClassVar[bool] = (
        False  # `work` gets whole chunks (nlp.pipe), one by one only to find a failure
    )
    write_memory: ClassVar[str] = "bulk_load"  # the store's memory profile for the write
    writes_pending: ClassVar[bool] = (
        True  # its rows wait in the pending tables until the batch is published
    )
    publishes: ClassVar[bool] = (
        False  # moves the batch into the published tables: one publisher at a time
    )
    work: ClassVar[Callable[..., list[Any]]]  # (rows, config) -> one result per input row

    @abstractmethod
    def export(self, store: Store, batch_id: str, work: Path) -> int:
        """Write the batch's inputs to <work>/inputs.parquet; return how many."""

    @abstractmethod
    def config(self, settings: Settings) -> Any:
        """The part of the settings `work` needs (sent to every worker)."""

    @abstractmethod
    def sink(self, work: Path, batch_id: str, settings: Settings) -> Sink: ...

    def workers(self, settings: Settings, n_inputs: int) -> int:
        """Processes for n inputs (0 = in this process)."""
        return 0

    def timeout_s(self, settings: Settings) -> float:
        """Time limit for one input (0 = none: only for work that runs in this process)."""
        return 0.0

    def on_failure(self, row: dict[str, Any], failure: Failed, batch_id: str) -> Any:
        """A result for an input whose work raised, ran too long or killed its worker."""
        return quarantine_item(self.name, row, failure, batch_id)

    def finish(  # noqa: B027
        self,
        store: Store,
        sink: Sink,
        work: Path,
        stats: Stats,
        settings: Settings,
        log: Log,
    ) -> None:
        """After the sink is filled and before it is written (corpus-wide reads, final counts);
        optional."""


def pool_size(configured: int, n_items: int, min_per_worker: int) -> int:
    """Worker processes for n items: as configured (0 = one per core), at most one per
    `min_per_worker` items (a process costs a start-up and imports), and at least one: work runs
    outside the stage's own process so a hang or a crash costs one item, not the batch."""
    wanted = configured or cpu_workers()
    return max(1, min(wanted, math.ceil(n_items / min_per_worker)))


def run_stage(
    stage: BatchStage, store: Store, batch_id: str, settings: Settings, log: Log = no_log
) -> dict[str, int]:
    """Run one stage for one batch; returns its stats."""
    stats: Stats = Counter()
    with (
        lease.holding(store, batch_id, publishes=stage.publishes),
        stage_workdir(store.scratch_root, stage.name) as work,
    ):
        n_items = stage.export(store, batch_id, work)
        sink = stage.sink(work, batch_id, settings)
        workers = stage.workers(settings, n_items)
        if workers == 0 and n_items >= RELEASE_POOL_AT:
            shutdown_workers()
        started, reported = time.monotonic(), 0
        fed: deque[list[dict[str, Any]]] = deque()  # outcomes come back in chunk order

        def chunks() -> Iterator[list[dict[str, Any]]]:
            for chunk in iter_parquet(work / "inputs.parquet", stage.chunk_size):
                fed.append(chunk)
                yield chunk

        for results in map_items(
            type(stage).work,
            chunks(),
            stage.config(settings),
            workers=workers,
            scratch=work,
            timeout_s=stage.timeout_s(settings),
            batched=stage.batched,
        ):
            for row, result in zip(fed.popleft(), results):
                if isinstance(result, Failed):
                    result = stage.on_failure(row, result, batch_id)
                tally(stats, result)
                sink.add(result, stats)
            done = stats[StatKeys.TOTAL]
            if done - reported >= 1000 or done == n_items:
                log(progress_line(stage.name, done, n_items, time.monotonic() - started, workers))
                reported = done
                release_memory()
        stage.finish(store, sink, work, stats, settings, log)

        def write(con: Connection) -> None:
            sink.write(con)
            if stage.writes_pending:  # recorded in the same transaction as the rows
                batches.stage_pending(con, batch_id, stage.name)

        message = (
            batches.publish_message(batch_id) if stage.publishes else f"{stage.name} {batch_id}"
        )
        store.write(
            lease.verified(store, batch_id, write),
            memory=stage.write_memory,
            serialise=stage.publishes,
            message=message,
        )
        stats.update(sink.summary())
    release_memory()
    return dict(stats)


def progress_line(stage: str, done: int, total: int, elapsed_s: float, workers: int) -> str:
    rate = done / max(elapsed_s, 1e-9)
    where = (
        "in this process" if workers == 0 else f"on {workers} process{'es' if workers != 1 else ''}"
    )
    eta = f", about {(total - done) / rate:.0f} s to go" if 0 < done < total and rate > 0 else ""
    return f"{stage}: {done}/{total} inputs, {rate:.1f}/s {where}{eta}"


def quarantine_item(
    stage: str, row: dict[str, Any], failure: Failed, batch_id: str
) -> QuarantineItem:
    """The quarantine row of an input row describing a document (doc_id, source_path, ...) whose
    work failed."""
    return QuarantineItem(
        batch_id=batch_id,
        source_path=str(row.get("source_path") or ""),
        stage=stage,
        reason=f"{stage}_{failure.kind}",
        detail=failure.detail,
        n_bytes=row.get("n_bytes"),
        sha256=row.get("sha256"),
        external_id=row.get("external_id"),
        doc_id=row.get("doc_id"),
    )
