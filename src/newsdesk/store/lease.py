"""Batch leases: one run writes a batch at a time, on every machine.

Before its first write a run claims the batch: a row per batch with a real primary key, holder =
(run id, host, pid), `since` and a heartbeat. On a lake the rows live in a plain PostgreSQL table of
the catalog database (psycopg2, `INSERT ... ON CONFLICT` and `SELECT ... FOR UPDATE`): DuckLake
1.5.5 would not conflict-check the DELETE-then-INSERT a lease table in the lake needs
(ducklake#1393). The embedded DuckDB file is one machine's, so its leases live in a SQLite file
beside it (the standard library's, with the same key and transactions).

A second run of the same batch refuses at once with one line naming the holder (BatchBusy): it never
waits, so it never holds a Dagster pool slot the holder needs. A lease is taken over only when its
holder is provably dead (see `liveness`): the same host and its pid gone, or, from another host, no
heartbeat for the TTL. While a process holds leases a thread renews their heartbeat; every stage
re-claims at its start and checks, inside its write transaction and just before COMMIT, that the
lease is still its own (LeaseLost otherwise); the publishing stage releases it, and so does a stage
that fails.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from newsdesk.store.lease_rows import BatchBusy, Lease, LeaseLost, LeaseStore, lease_store

__all__ = [
    "BatchBusy",
    "Lease",
    "LeaseLost",
    "LeaseStore",
    "acting_for",
    "current_run",
    "holding",
    "lease_store",
    "release_run",
    "verified",
]
log = logging.getLogger(__name__)
T = TypeVar("T")

_RUN: ContextVar[str | None] = ContextVar("newsdesk_run_id", default=None)
_PROCESS_RUN = (
    f"process-{uuid.uuid4().hex[:12]}"  # the holder id of code run outside Dagster (tests, scripts)
)


@contextmanager
def acting_for(run_id: str) -> Iterator[None]:
    """Code inside claims leases as run `run_id` (a Dagster run id: every step of the run is the
    same holder)."""
    token = _RUN.set(run_id)
    try:
        yield
    finally:
        _RUN.reset(token)


def current_run() -> str:
    return _RUN.get() or _PROCESS_RUN


class _Heartbeat:
    """One daemon thread per process renewing the heartbeat of every lease the process holds."""

    def __init__(self) -> None:
        self.held: dict[tuple[str, str], tuple[LeaseStore, float]] = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def add(self, leases: LeaseStore, batch_id: str, run_id: str, ttl_s: float) -> None:
        with self.lock:
            self.held[(batch_id, run_id)] = (leases, ttl_s)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._loop, name="newsdesk-lease-heartbeat", daemon=True
                )
                self.thread.start()
        self.wake.set()  # a shorter TTL than the thread is sleeping for takes effect now

    def remove(self, batch_id: str, run_id: str) -> None:
        with self.lock:
            self.held.pop((batch_id, run_id), None)

    def _loop(self) -> None:
        while True:
            with self.lock:
                held = dict(self.held)
            interval = min([ttl / 6 for _, ttl in held.values()] or [10.0])
            if self.wake.wait(max(0.5, interval)):
                self.wake.clear()
                continue
            for (batch_id, run_id), (leases, _) in held.items():
                try:
                    if not leases.beat(batch_id, run_id) and (batch_id, run_id) in self.held:
                        # (not released meanwhile: a publish that just released it is no takeover)
                        log.warning(
                            "batch %s: the lease of run %s was taken over", batch_id, run_id
                        )
                        self.remove(batch_id, run_id)
                except Exception as exc:  # noqa: BLE001
                    # a catalog restart: the next beat tries again
                    log.warning(
                        "batch %s: lease heartbeat failed (%s)",
                        batch_id,
                        str(exc).splitlines()[0][:160],
                    )


_HEARTBEAT = _Heartbeat()


@contextmanager
def holding(store: Any, batch_id: str, *, publishes: bool = False) -> Iterator[None]:
    """Around one stage of a batch: claim the batch (BatchBusy if another live run holds it; a dead
    holder's lease is taken over), renew it while the process lives, release it when the stage
    publishes or fails."""
    leases, run_id, ttl = lease_store(store), current_run(), float(store.settings.lease_ttl_s)
    dead = leases.claim(batch_id, run_id, ttl)
    if dead is not None:
        log.warning(
            "batch %s: took over the lease of %s (its holder is gone)", batch_id, dead.describe()
        )
    _HEARTBEAT.add(leases, batch_id, run_id, ttl)
    try:
        yield
    except BaseException:
        _release(leases, batch_id, run_id)
        raise
    if publishes:
        _release(leases, batch_id, run_id)


def _release(leases: LeaseStore, batch_id: str, run_id: str) -> None:
    _HEARTBEAT.remove(batch_id, run_id)
    try:
        leases.release(batch_id, run_id)
    except Exception as exc:  # noqa: BLE001 - unreleased, it expires like a dead holder's
        log.warning(
            "batch %s: could not release the lease (%s)", batch_id, str(exc).splitlines()[0][:160]
        )


def verified(store: Any, batch_id: str, fn: Callable[[Any], T]) -> Callable[[Any], T]:
    """fn, then (still inside the write transaction, just before COMMIT) a check that this run holds
    the batch: a run whose lease was taken over raises LeaseLost and its transaction rolls back."""
    leases, run_id = lease_store(store), current_run()

    def checked(con: Any) -> T:
        value = fn(con)
        leases.verify(batch_id, run_id)
        return value

    return checked


def release_run(store: Any, run_id: str) -> list[str]:
    """Release what an ended run still holds (a run that failed between stages)."""
    for key in [k for k in _HEARTBEAT.held if k[1] == run_id]:
        _HEARTBEAT.remove(*key)
    return lease_store(store).release_run(run_id)
