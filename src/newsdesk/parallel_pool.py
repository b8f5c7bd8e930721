"""The worker pool of `newsdesk.parallel`: one per process, kept between stage runs, started with
"spawn" and stopped by killing its workers."""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
from concurrent.futures import ProcessPoolExecutor

from newsdesk.parallel_worker import worker_init

# One pool per process, kept between stage runs: its workers keep what they loaded (trafilatura, the
# spaCy model), so the next batch in the same process (the CLI, the tests, a long Dagster run) does
# not pay that again.
_SHARED: dict[str, ProcessPoolExecutor] = {}


def executor(workers: int) -> ProcessPoolExecutor:
    current = _SHARED.get("pool")
    if (
        current is not None
        and getattr(current, "_max_workers", None) == workers
        and not getattr(current, "_broken", False)
    ):
        return current
    if current is not None:
        discard(current)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_init,
        initargs=(os.getpid(),),
    )
    _SHARED["pool"] = pool
    # When this process is itself a multiprocessing child (a step of Dagster's multiprocess
    # executor), it ends in multiprocessing's exit function, which joins every child before any
    # atexit hook runs: an idle pool kept for reuse would hold it forever. Finalizers with a
    # priority run before that join.
    multiprocessing.util.Finalize(None, shutdown_workers, exitpriority=10)
    return pool


def discard(pool: ProcessPoolExecutor) -> None:
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
        discard(_SHARED["pool"])
