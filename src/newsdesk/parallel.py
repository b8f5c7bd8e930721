"""Items through a pool of worker processes, where no single item can stop, stall or crash the
rest.

Each worker runs a chunk of items and writes which item it is on to a small progress file. An item
that raises becomes a `Failed` outcome with the exception text; an item that runs past its time
limit gets its worker killed by the parent and becomes `Failed(timeout)`; an item whose worker dies
(a segfault in a C library, the kernel's OOM killer) is retried once alone and becomes
`Failed(crash)` if it kills that worker too. The other items of the broken chunks are resubmitted,
so every item ends with exactly one outcome.

Time limits hold per item also when `fn` takes a whole chunk at once (spaCy's nlp.pipe). A
whole-chunk call is time-boxed to what its real size is worth: one item's limit, or `weight` items'
when `fn` says how big the step is (`working_on(None, weight)`); an overrun falls back to running
every item alone, each with its own limit. A batched `fn` that works item by item inside its call
(tokenising, linking) says which one with `working_on(i)`: an item that runs past the limit there
is itself the one stopped and blamed, at once, and the rest of the chunk is run again without it.
So one slow document costs about one limit, never `limit x chunk size` (a 7-document chunk once sat
9 minutes in NER with nothing quarantined).

Written here because multiprocessing.Pool and concurrent.futures neither bound what they read ahead
nor say which item killed a worker. Workers start with "spawn" (the caller may hold threads,
Dagster does), ignore Ctrl-C (the parent decides) and die with their parent (kill -9 of a run must
not leave them behind).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Generic, TypeVar

from newsdesk.parallel_pool import discard, executor, shutdown_workers
from newsdesk.parallel_worker import (
    BATCH,
    IDLE,
    Failed,
    Job,
    read_mark,
    run_job,
    working_on,
    write_mark,
)

__all__ = ["Failed", "WorkerStartError", "map_items", "shutdown_workers", "working_on"]
T = TypeVar("T")
R = TypeVar("R")


class WorkerStartError(RuntimeError):
    """The pool's workers die before running anything: no item is to blame, so retrying cannot
    help."""


_MAX_IDLE_BREAKS = 3


def map_items(
    fn: Callable[[list[T], Any], list[R]],
    chunks: Iterable[list[T]],
    config: Any,
    *,
    workers: int,
    scratch: Path,
    timeout_s: float,
    batched: bool = False,
    window: int | None = None,
) -> Iterator[list[R | Failed]]:
    """fn(items, config) -> one result per item, for every chunk, in order: one list of outcomes
    per chunk.

    With `batched`, fn gets a whole chunk at once (and the items one by one only when the chunk
    fails or runs out of time); otherwise always one item. `timeout_s` bounds one item; a
    whole-chunk call gets that once, or `weight` times for a step it declares with `working_on`
    (see the module docstring). workers == 0 runs in this process (no protection against hangs and
    crashes: for tests and tiny tools)."""
    if workers <= 0:
        for items in chunks:
            job = Job(fn, config, batched, 0, tuple(range(len(items))), tuple(items), os.devnull)
            yield [outcome for _, outcome in run_job(job)]
        return
    yield from _Pool(fn, config, batched, workers, scratch, timeout_s, window or 2 * workers).run(
        chunks
    )


class _Pool(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[list[T], Any], list[R]],
        config: Any,
        batched: bool,
        workers: int,
        scratch: Path,
        timeout_s: float,
        window: int,
    ) -> None:
        self.fn, self.config, self.batched = fn, config, batched
        self.workers, self.timeout_s, self.window = workers, timeout_s, window
        self.scratch = scratch / "progress"
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.executor: ProcessPoolExecutor | None = None
        self.running: dict[Future[list[tuple[int, Any]]], Job[T]] = {}
        self.queue: list[Job[T]] = []
        self.outcomes: dict[int, dict[int, Any]] = {}
        self.sizes: dict[int, int] = {}
        self.suspects: set[tuple[int, int]] = set()  # items that were in flight when a worker died
        self.n_jobs = 0
        self.idle_breaks = (
            0  # pool breaks in a row with no item started: the workers themselves cannot run
        )

    def run(self, chunks: Iterable[list[T]]) -> Iterator[list[R | Failed]]:
        source = iter(enumerate(chunks))
        next_out = 0
        exhausted = completed = False
        try:
            while True:
                while not exhausted and len(self.sizes) < self.window:
                    try:
                        number, items = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    self.sizes[number] = len(items)
                    self.outcomes[number] = {}
                    if items:
                        self.queue.append(self._job(number, tuple(range(len(items))), tuple(items)))
                self._submit_queued()
                while (
                    next_out in self.sizes and len(self.outcomes[next_out]) == self.sizes[next_out]
                ):
                    done = self.outcomes.pop(next_out)
                    yield [done[i] for i in range(self.sizes.pop(next_out))]
                    next_out += 1
                if exhausted and not self.sizes:
                    completed = True
                    return
                if self.running:
                    self._collect()
        finally:
            if not completed:  # an error, Ctrl-C or an abandoned generator: stop the workers now
                self._shutdown()

    def _job(self, chunk: int, indices: tuple[int, ...], items: tuple[T, ...]) -> Job[T]:
        self.n_jobs += 1
        return Job(
            self.fn,
            self.config,
            self.batched,
            chunk,
            indices,
            items,
            str(self.scratch / f"job-{os.getpid()}-{self.n_jobs}"),
        )

    def _suspect(self, job: Job[T]) -> bool:
        return len(job.indices) == 1 and (job.chunk, job.indices[0]) in self.suspects

    def _submit_queued(self) -> None:
        """A suspect (an item in flight when a worker died) runs alone, so a second death is surely
        its own."""
        while self.queue and len(self.running) < self.window:
            job = self.queue[0]
            if any(self._suspect(j) for j in self.running.values()) or (
                self._suspect(job) and self.running
            ):
                return
            if self.executor is None:
                self.executor = executor(self.workers)
            write_mark(
                job.progress, IDLE
            )  # queued, not started: the clock starts when a worker marks an item
            try:
                future = self.executor.submit(run_job, job)
            except (RuntimeError, OSError):
                # The pool broke before we saw it (a worker died while we were submitting; starting
                # a replacement then fails with BrokenProcessPool or "handle is closed"): the job
                # stays queued.
                self._recover(timed_out=set())
                continue
            self.running[future] = self.queue.pop(0)

    def _collect(self) -> None:
        done, _ = wait(list(self.running), timeout=1.0, return_when=FIRST_COMPLETED)
        for future in done:
            try:
                results = future.result()
            except BrokenProcessPool:
                self._recover(timed_out=set())
                return
            job = self.running.pop(future)
            for index, outcome in results:
                self.outcomes[job.chunk][index] = outcome
            Path(job.progress).unlink(missing_ok=True)
        self._enforce_time_limit()

    def _enforce_time_limit(self) -> None:
        now = time.time()
        late: set[str] = set()
        for job in self.running.values():
            mark = read_mark(job.progress)
            if mark is None or mark[1] == IDLE:
                continue
            allowed = self.timeout_s * (mark[3] if mark[1] == BATCH else 1.0)
            if now - mark[2] > allowed:
                late.add(job.progress)
                try:
                    os.kill(mark[0], signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if late:
            self._recover(timed_out=late)

    def _recover(self, timed_out: set[str]) -> None:
        """The pool broke (a worker died or was stopped): give the item to blame its outcome,
        resubmit the rest, and start a fresh pool."""
        jobs = list(self.running.values())
        self.running.clear()
        self._shutdown()
        marks = [read_mark(job.progress) for job in jobs]
        if not timed_out and all(mark is None or mark[1] == IDLE for mark in marks):
            self.idle_breaks += 1
            if self.idle_breaks >= _MAX_IDLE_BREAKS:
                raise WorkerStartError(
                    f"worker processes died {self.idle_breaks} times before starting any item (a "
                    "worker that cannot start: an import error, or a script without `if "
                    '__name__ == "__main__":`)'
                )
        else:
            self.idle_breaks = 0
        for job, mark in zip(jobs, marks, strict=True):
            current = mark[1] if mark else IDLE
            Path(job.progress).unlink(missing_ok=True)
            if timed_out and job.progress not in timed_out or current == IDLE:
                self.queue.insert(
                    0, self._job(job.chunk, job.indices, job.items)
                )  # a bystander: run it again
            elif current == BATCH:
                # inside a whole-chunk call, no item to blame yet: each is retried alone (as a
                # suspect if crashed)
                if not timed_out:
                    self.suspects.update((job.chunk, i) for i in job.indices)
                self.queue[:0] = [
                    self._job(job.chunk, (i,), (item,)) for i, item in zip(job.indices, job.items)
                ]
            elif job.progress in timed_out:
                self.outcomes[job.chunk][current] = Failed(
                    "timeout", f"processing took longer than {self.timeout_s:.0f} s; it was stopped"
                )
                if len(job.items) > 1:
                    self.queue.insert(0, self._job(job.chunk, *_without(job, current)))
            elif self._suspect(job):
                self.outcomes[job.chunk][current] = Failed(
                    "crash",
                    "the worker process died while processing it, alone (out of memory or a crash "
                    "in a native library)",
                )
            else:
                self.suspects.add((job.chunk, current))
                self.queue.insert(
                    0, self._job(job.chunk, (current,), (job.items[job.indices.index(current)],))
                )
                if len(job.items) > 1:
                    self.queue.insert(0, self._job(job.chunk, *_without(job, current)))

    def _shutdown(self) -> None:
        if self.executor is not None:
            discard(self.executor)
            self.executor = None


def _without(job: Job[T], index: int) -> tuple[tuple[int, ...], tuple[T, ...]]:
    kept = [(i, item) for i, item in zip(job.indices, job.items) if i != index]
    return tuple(i for i, _ in kept), tuple(item for _, item in kept)
