"""Ordered, bounded parallel map over chunks: at most `window` chunks in flight, so memory stays flat.

Written here because multiprocessing.Pool.imap reads its whole input ahead and concurrent.futures.map submits
everything at once; both hold a whole batch in memory.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_chunks(fn: Callable[[T], R], chunks: Iterable[T], workers: int, window: int | None = None) -> Iterator[R]:
    """fn(chunk) for every chunk, in order; in this process when workers <= 1, else in `workers` processes.

    Workers are started with "spawn": the caller may hold threads (Dagster does), and forking a threaded
    process can deadlock.
    """
    if workers <= 1:
        for chunk in chunks:
            yield fn(chunk)
        return
    window = window or 2 * workers
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[R]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(fn, chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
