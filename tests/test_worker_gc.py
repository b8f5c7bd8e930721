"""A pool worker freezes what survives its periodic full collection (newsdesk.processes): garbage
made later is still collected, and a frozen object is still freed when its last reference goes."""

from __future__ import annotations

import gc
import multiprocessing
import weakref


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _in_worker() -> tuple[bool, bool, int]:
    from newsdesk import processes

    processes._COLLECT_EVERY_S = 0.0  # collect (and freeze) on every call
    kept = _Node()
    kept_ref = weakref.ref(kept)
    processes.release_worker_memory()
    frozen = gc.get_freeze_count()
    del kept  # frozen, no cycle: freed by its reference count
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle made after the freeze
    cycle_ref = weakref.ref(a)
    del a, b
    processes.release_worker_memory()
    return kept_ref() is None, cycle_ref() is None, frozen


def test_frozen_heap_still_frees_and_new_cycles_are_collected() -> None:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        freed, collected, frozen = pool.apply(_in_worker)
    assert frozen > 0, "the worker's heap was frozen after its collection"
    assert freed, "an object frozen earlier is freed when its last reference goes"
    assert collected, "a reference cycle made after the freeze is still collected"


def test_the_callers_own_process_is_left_alone() -> None:
    from newsdesk import processes

    before = gc.get_freeze_count()
    processes.release_worker_memory()
    assert gc.get_freeze_count() == before
