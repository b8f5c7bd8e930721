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

import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from newsdesk.errors import is_out_of_memory
from newsdesk.processes import LIBC, release_worker_memory

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """An item without a result: `kind` is error, oom, timeout or crash; `detail` a sentence."""

    kind: str
    detail: str


@dataclass(frozen=True)
class _Job(Generic[T]):
    fn: Callable[[list[T], Any], list[Any]]
    config: Any
    batched: bool  # fn gets the whole chunk at once (spaCy's nlp.pipe); else item by item
    chunk: int
    indices: tuple[int, ...]
    items: tuple[T, ...]
    progress: str


class WorkerStartError(RuntimeError):
    """The pool's workers die before running anything: no item is to blame, so retrying cannot
    help."""


_MAX_IDLE_BREAKS = 3
_BATCH = -2  # progress mark: the worker is inside a whole-chunk call, no single item to blame yet
_IDLE = -1
# In a worker, while a batched fn runs over a whole chunk: its progress file and item indices (for
# working_on).
_CURRENT: dict[str, Any] = {}


def working_on(position: int | None, weight: float = 1.0) -> None:
    """Called by a batched fn during its whole-chunk call: from now on it works on item `position`
    of the list it was given alone (an overrun stops and blames that item), or, with None, on a
    step over the whole chunk worth `weight` items' time limits. Does nothing outside such a call
    (items run alone are already marked)."""
    if not _CURRENT:
        return
    if position is None:
        _mark(_CURRENT["progress"], _BATCH, max(weight, 1.0))
    else:
        _mark(_CURRENT["progress"], _CURRENT["indices"][position])


def _run_job(job: _Job[T]) -> list[tuple[int, Any]]:
    """In a worker: the job's items, each failure recorded as that item's outcome."""
    out: list[tuple[int, Any]] | None = None
    if job.batched and len(job.items) > 1:
        _mark(job.progress, _BATCH)
        _CURRENT.update(progress=job.progress, indices=job.indices)
        try:
            out = list(zip(job.indices, job.fn(list(job.items), job.config), strict=True))
        except Exception:  # noqa: BLE001 - find the item to blame one by one
            out = None
        finally:
            _CURRENT.clear()
    if out is None:
        out = []
        for index, item in zip(job.indices, job.items):
            _mark(job.progress, index)
            try:
                out.append((index, job.fn([item], job.config)[0]))
            except Exception as exc:  # noqa: BLE001
                # one item's failure is its outcome, whatever it is
                out.append((index, _failed(exc)))
    _mark(job.progress, _IDLE)
    release_worker_memory()
    return out


def _failed(exc: Exception) -> Failed:
    """An item's exception as its outcome: kind oom when it ran out of memory (the worker survives
    a MemoryError or a std::bad_alloc that reached Python; one it does not survive is a crash),
    else error."""
    text = f"{type(exc).__name__}: {exc}"[:1000]
    if is_out_of_memory(exc):
        return Failed("oom", f"ran out of memory processing it ({text}); other documents went on")
    return Failed("error", text)


def _mark(path: str, index: int, weight: float = 1.0) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(f"{os.getpid()} {index} {time.time():.3f} {weight:.3f}")


def _read_mark(path: str) -> tuple[int, int, float, float] | None:
    """(worker pid, item index or _BATCH / _IDLE, when it started, how many items' time limits it
    may take)."""
    try:
        pid, index, started, weight = Path(path).read_text(encoding="ascii").split()
        return int(pid), int(index), float(started), float(weight)
    except (OSError, ValueError):
        return None


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
            job = _Job(fn, config, batched, 0, tuple(range(len(items))), tuple(items), os.devnull)
            yield [outcome for _, outcome in _run_job(job)]
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
        self.running: dict[Future[list[tuple[int, Any]]], _Job[T]] = {}
        self.queue: list[_Job[T]] = []
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

    def _job(self, chunk: int, indices: tuple[int, ...], items: tuple[T, ...]) -> _Job[T]:
        self.n_jobs += 1
        return _Job(
            self.fn,
            self.config,
            self.batched,
            chunk,
            indices,
            items,
            str(self.scratch / f"job-{os.getpid()}-{self.n_jobs}"),
        )

    def _suspect(self, job: _Job[T]) -> bool:
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
                self.executor = _executor(self.workers)
            _mark(
                job.progress, _IDLE
            )  # queued, not started: the clock starts when a worker marks an item
            try:
                future = self.executor.submit(_run_job, job)
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
            mark = _read_mark(job.progress)
            if mark is None or mark[1] == _IDLE:
                continue
            allowed = self.timeout_s * (mark[3] if mark[1] == _BATCH else 1.0)
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
        marks = [_read_mark(job.progress) for job in jobs]
        if not timed_out and all(mark is None or mark[1] == _IDLE for mark in marks):
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
            current = mark[1] if mark else _IDLE
            Path(job.progress).unlink(missing_ok=True)
            if timed_out and job.progress not in timed_out or current == _IDLE:
                self.queue.insert(
                    0, self._job(job.chunk, job.indices, job.items)
                )  # a bystander: run it again
            elif current == _BATCH:
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
            _discard(self.executor)
            self.executor = None


# One pool per process, kept between stage runs: its workers keep what they loaded (trafilatura, the
# spaCy model), so the next batch in the same process (the CLI, the tests, a long Dagster run) does
# not pay that again.
_SHARED: dict[str, ProcessPoolExecutor] = {}


def _executor(workers: int) -> ProcessPoolExecutor:
    current = _SHARED.get("pool")
    if (
        current is not None
        and getattr(current, "_max_workers", None) == workers
        and not getattr(current, "_broken", False)
    ):
        return current
    if current is not None:
        _discard(current)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    _SHARED["pool"] = pool
    # When this process is itself a multiprocessing child (a step of Dagster's multiprocess
    # executor), it ends in multiprocessing's exit function, which joins every child before any
    # atexit hook runs: an idle pool kept for reuse would hold it forever. Finalizers with a
    # priority run before that join.
    multiprocessing.util.Finalize(None, shutdown_workers, exitpriority=10)
    return pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers (a hung one does not listen to anything gentler) and forget the
    pool."""
    if _SHARED.get("pool") is pool:
        del _SHARED["pool"]
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def shutdown_workers() -> None:
    """Stop the shared pool (its workers hold models in memory)."""
    if "pool" in _SHARED:
        _discard(_SHARED["pool"])


def _without(job: _Job[T], index: int) -> tuple[tuple[int, ...], tuple[T, ...]]:
    kept = [(i, item) for i, item in zip(job.indices, job.items) if i != index]
    return tuple(i for i, _ in kept), tuple(item for _, item in kept)


def _worker_init(parent_pid: int) -> None:
    """Ignore Ctrl-C (the parent stops the pool), and die with the parent even when it is killed
    with -9."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if LIBC is not None:
        LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before prctl took effect

    def watch() -> None:  # a second guard where prctl is not available
        while os.getppid() == parent_pid:
            time.sleep(2.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
