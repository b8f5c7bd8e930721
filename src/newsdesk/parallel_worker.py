"""Inside a worker process of `newsdesk.parallel`: a job's items, one by one or as one whole-chunk
call, each failure recorded as that item's outcome, and the progress mark the parent reads to hold
every item to its time limit."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from newsdesk.errors import is_out_of_memory
from newsdesk.processes import LIBC, release_worker_memory

T = TypeVar("T")


@dataclass(frozen=True)
class Failed:
    """An item without a result: `kind` is error, oom, timeout or crash; `detail` a sentence."""

    kind: str
    detail: str


@dataclass(frozen=True)
class Job(Generic[T]):
    fn: Callable[[list[T], Any], list[Any]]
    config: Any
    batched: bool  # fn gets the whole chunk at once (spaCy's nlp.pipe); else item by item
    chunk: int
    indices: tuple[int, ...]
    items: tuple[T, ...]
    progress: str


BATCH = -2  # progress mark: the worker is inside a whole-chunk call, no single item to blame yet
IDLE = -1
# In a worker, while a batched fn runs over a whole chunk: its progress file's descriptor and item
# indices (for working_on).
_CURRENT: dict[str, Any] = {}


def working_on(position: int | None, weight: float = 1.0) -> None:
    """Called by a batched fn during its whole-chunk call: from now on it works on item `position`
    of the list it was given alone (an overrun stops and blames that item), or, with None, on a
    step over the whole chunk worth `weight` items' time limits. Does nothing outside such a call
    (items run alone are already marked)."""
    if not _CURRENT:
        return
    if position is None:
        _mark(_CURRENT["fd"], BATCH, max(weight, 1.0))
    else:
        _mark(_CURRENT["fd"], _CURRENT["indices"][position])


def run_job(job: Job[T]) -> list[tuple[int, Any]]:
    """In a worker: the job's items, each failure recorded as that item's outcome."""
    # One descriptor per job, rewritten in place: a mark per item (two per article in NER) cost an
    # open and a truncation each, ~2 % of a batch's CPU.
    fd = os.open(job.progress, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        return _run_items(job, fd)
    finally:
        _mark(fd, IDLE)
        os.close(fd)
        release_worker_memory()


def _run_items(job: Job[T], fd: int) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] | None = None
    if job.batched and len(job.items) > 1:
        _mark(fd, BATCH)
        _CURRENT.update(fd=fd, indices=job.indices)
        try:
            out = list(zip(job.indices, job.fn(list(job.items), job.config), strict=True))
        except Exception:  # noqa: BLE001 - find the item to blame one by one
            out = None
        finally:
            _CURRENT.clear()
    if out is None:
        out = []
        for index, item in zip(job.indices, job.items):
            _mark(fd, index)
            try:
                out.append((index, job.fn([item], job.config)[0]))
            except Exception as exc:  # noqa: BLE001
                # one item's failure is its outcome, whatever it is
                out.append((index, _failed(exc)))
    return out


def _failed(exc: Exception) -> Failed:
    """An item's exception as its outcome: kind oom when it ran out of memory (the worker survives
    a MemoryError or a std::bad_alloc that reached Python; one it does not survive is a crash),
    else error."""
    text = f"{type(exc).__name__}: {exc}"[:1000]
    if is_out_of_memory(exc):
        return Failed("oom", f"ran out of memory processing it ({text}); other documents went on")
    return Failed("error", text)


def write_mark(path: str, index: int, weight: float = 1.0) -> None:
    """The mark of a job not started yet (the parent's; a worker rewrites it in place)."""
    with open(path, "wb") as handle:
        handle.write(_record(index, weight))


def _mark(fd: int, index: int, weight: float = 1.0) -> None:
    os.pwrite(fd, _record(index, weight), 0)


def _record(index: int, weight: float) -> bytes:
    """A fixed-width mark written twice: every record overwrites the last whole, and a reader that
    caught a write half done sees two different halves (read_mark: None) instead of a wrong
    time."""
    mark = f"{os.getpid()} {index} {time.time():.3f} {weight:.3f}".ljust(_MARK_WIDTH)
    return f"{mark}|{mark}".encode("ascii")


_MARK_WIDTH = 60


def read_mark(path: str) -> tuple[int, int, float, float] | None:
    """(worker pid, item index or BATCH / IDLE, when it started, how many items' time limits it
    may take)."""
    try:
        first, second = Path(path).read_text(encoding="ascii").split("|")
        if first != second:
            return None
        pid, index, started, weight = first.split()
        return int(pid), int(index), float(started), float(weight)
    except (OSError, ValueError):
        return None


def worker_init(parent_pid: int) -> None:
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
