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
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from newsdesk import liveness
from newsdesk.errors import UserError

log = logging.getLogger(__name__)
T = TypeVar("T")

TABLE = "newsdesk_batch_leases"
_DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (batch_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, "
    "host TEXT NOT NULL, host_key TEXT NOT NULL, pid INTEGER NOT NULL, started TEXT NOT NULL, "
    "since DOUBLE PRECISION NOT NULL, heartbeat DOUBLE PRECISION NOT NULL)"
)
_COLS = "run_id, host, host_key, pid, started, since, heartbeat"

_RUN: ContextVar[str | None] = ContextVar("newsdesk_run_id", default=None)
_PROCESS_RUN = (
    f"process-{uuid.uuid4().hex[:12]}"  # the holder id of code run outside Dagster (tests, scripts)
)


class BatchBusy(UserError):
    """Another live run holds the batch: one line naming it; not retried (the other run may take an
    hour)."""


class LeaseLost(UserError):
    """This run's lease was taken over (it looked dead to another run): its write is rolled back."""


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


@dataclass(frozen=True)
class Lease:
    batch_id: str
    run_id: str
    host: str
    host_key: str
    pid: int
    started: str  # the holder process's start time (liveness.process_start)
    since: float  # seconds since the epoch, on the lease store's clock (the catalog's, on a lake)
    heartbeat: float
    age_s: float  # seconds since the heartbeat, on that same clock: no clock skew between hosts

    def describe(self) -> str:
        since = datetime.fromtimestamp(self.since, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return (
            f"run {self.run_id} on host {self.host} (pid {self.pid}) since {since}, last heartbeat "
            f"{self.age_s:.0f} s ago"
        )


class LeaseStore:
    """The lease rows in PostgreSQL (a lake's catalog database); _SqliteLeases beside a DuckDB
    file."""

    now_sql = "extract(epoch from clock_timestamp())"
    placeholder = "%s"
    for_update = " FOR UPDATE"

    def __init__(
        self, connect: Callable[[], Any], retry: Callable[[Callable[[], Any], str], Any]
    ) -> None:
        self._connect, self._retry = connect, retry
        self._ready = False

    def _sql(self, text: str) -> str:
        return text.replace("%s", self.placeholder).replace("NOW()", self.now_sql)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        con = self._retry(self._connect, "the lake catalog (batch leases)")
        try:
            cur = con.cursor()
            if not self._ready:
                # Concurrent CREATE TABLE IF NOT EXISTS race in PostgreSQL (pg_type's unique key):
                # serialised.
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
                cur.execute(_DDL)
                con.commit()
                self._ready = True
            yield cur
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.close()

    def _row(self, cur: Any, batch_id: str, lock: bool) -> Lease | None:
        cur.execute(
            self._sql(
                f"SELECT {_COLS}, NOW() - heartbeat FROM {TABLE} WHERE batch_id = %s"
                + (self.for_update if lock else "")
            ),
            [batch_id],
        )
        row = cur.fetchone()
        if row is None:
            return None
        return Lease(
            batch_id,
            str(row[0]),
            str(row[1]),
            str(row[2]),
            int(row[3]),
            str(row[4]),
            float(row[5]),
            float(row[6]),
            float(row[7]),
        )

    def claim(self, batch_id: str, run_id: str, ttl_s: float) -> Lease | None:
        """Take the batch for `run_id`; returns the dead holder it replaced, if any. BatchBusy if
        held."""
        me = liveness.this_host()
        values = [batch_id, run_id, me.host, me.key, me.pid, me.started]
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"INSERT INTO {TABLE} (batch_id, {_COLS}) VALUES (%s, %s, %s, %s, %s, %s, "
                    "NOW(), NOW()) ON CONFLICT (batch_id) DO NOTHING"
                ),
                values,
            )
            if cur.rowcount == 1:
                return None
            held = self._row(
                cur, batch_id, lock=True
            )  # locked: two takers cannot both replace one holder
            if held is None:
                raise BatchBusy(
                    f"batch {batch_id!r}: its lease changed while being claimed; run it again"
                )
            if held.run_id != run_id and not liveness.provably_dead(
                held.host_key, held.pid, held.started, held.age_s, ttl_s
            ):
                raise BatchBusy(
                    f"batch {batch_id!r} is being processed by {held.describe()}: this run "
                    "stops here; run the batch again after that run ends if it is still needed"
                )
            since = "since" if held.run_id == run_id else "NOW()"
            cur.execute(
                self._sql(
                    f"UPDATE {TABLE} SET run_id = %s, host = %s, host_key = %s, pid = %s, "
                    f"started = %s, since = {since}, heartbeat = NOW() WHERE batch_id = %s"
                ),
                [run_id, me.host, me.key, me.pid, me.started, batch_id],
            )
            return None if held.run_id == run_id else held

    def verify(self, batch_id: str, run_id: str) -> None:
        """LeaseLost unless `run_id` holds the batch; renews the heartbeat."""
        with self._transaction() as cur:
            held = self._row(cur, batch_id, lock=True)
            if held is None or held.run_id != run_id:
                by = held.describe() if held else "nobody (it was released)"
                raise LeaseLost(
                    f"run {run_id} no longer holds batch {batch_id!r} (now held by {by}): its "
                    "write was rolled back; run the batch again"
                )
            cur.execute(
                self._sql(f"UPDATE {TABLE} SET heartbeat = NOW() WHERE batch_id = %s"), [batch_id]
            )

    def beat(self, batch_id: str, run_id: str) -> bool:
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"UPDATE {TABLE} SET heartbeat = NOW() WHERE batch_id = %s AND run_id = %s"
                ),
                [batch_id, run_id],
            )
            return bool(cur.rowcount)

    def release(self, batch_id: str, run_id: str) -> None:
        with self._transaction() as cur:
            cur.execute(
                self._sql(f"DELETE FROM {TABLE} WHERE batch_id = %s AND run_id = %s"),
                [batch_id, run_id],
            )

    def release_run(self, run_id: str) -> list[str]:
        """Drop every lease of a run that has ended (the CLI calls it after each run)."""
        with self._transaction() as cur:
            cur.execute(self._sql(f"SELECT batch_id FROM {TABLE} WHERE run_id = %s"), [run_id])
            batches = [r[0] for r in cur.fetchall()]
            cur.execute(self._sql(f"DELETE FROM {TABLE} WHERE run_id = %s"), [run_id])
            return batches

    def get(self, batch_id: str) -> Lease | None:
        with self._transaction() as cur:
            return self._row(cur, batch_id, lock=False)


def lease_store(store: Any) -> LeaseStore:
    """The lease rows of a Store: its lake's catalog database, or a SQLite file beside its DuckDB
    file."""
    budget = float(store.settings.catalog_retry_s)
    if store.backend == "ducklake":
        import psycopg2

        from newsdesk.store.lake import retry_unreachable

        dsn = store.lake.catalog
        return LeaseStore(
            lambda: psycopg2.connect(dsn, connect_timeout=10),
            lambda fn, what: retry_unreachable(fn, budget, what),
        )
    path = Path(store.settings.db_path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    target, timeout = (
        path.with_name(path.name + ".leases"),
        max(30.0, float(store.settings.lock_timeout_s)),
    )

    def connect() -> sqlite3.Connection:
        try:
            return sqlite3.connect(target, timeout=timeout, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise UserError(
                f"cannot write the batch leases {target} ({exc}): make its folder writable or set "
                "NEWSDESK_DB to a file in a writable folder"
            ) from None

    return _SqliteLeases(connect, lambda fn, what: fn())


class _SqliteLeases(LeaseStore):
    # Autocommit mode, each transaction opened with BEGIN IMMEDIATE: the write lock at once, so a
    # check and the update that follows it cannot interleave with another process's.
    now_sql = "((julianday('now') - 2440587.5) * 86400.0)"
    placeholder = "?"
    for_update = ""

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        con = self._connect()
        try:
            if not self._ready:
                con.execute(_DDL)
                self._ready = True
            cur = con.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()


# -- what the stages call
# -------------------------------------------------------------------------------------


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
