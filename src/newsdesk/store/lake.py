"""DuckLake primitives: open a lake (catalog in PostgreSQL, Parquet in a folder), initialise it
once, run a transaction that retries on commit conflicts, and read at a snapshot. No Dagster here;
docs/ducklake-notes.md says what works on a lake and what conflicts.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import duckdb

from newsdesk.store.extensions import load_extension

log = logging.getLogger(__name__)

T = TypeVar("T")

# A logical conflict DuckLake does not settle by itself ("Transaction conflict - attempting to
# delete from file ... but another transaction has deleted from it"; non-overlapping commits it
# retries internally, see ducklake_max_retry_count), and the catalog's race on the next snapshot id
# should that internal retry give up (a unique violation on ducklake_snapshot's key). Both end the
# transaction; re-running it may succeed.
_CONFLICT_TEXT = re.compile(
    r"Transaction conflict|ducklake_snapshot_pkey|duplicate key value", re.IGNORECASE
)
# The catalog or the object store cannot be reached right now (a PostgreSQL restart, a refused
# connection, a dropped session); libpq's and httpfs's wording, as DuckDB and psycopg2 pass it on.
# Worth waiting for.
_UNREACHABLE_TEXT = re.compile(
    r"Unable to connect to Postgres|could not connect to server|connection refused|"
    r"server closed the connection|terminating connection|"
    r"the database system is (starting up|shutting down|in recovery)|no connection to the server|"
    r"connection to server .* failed|could not receive data from server|"
    r"could not send data to server|Connection timed out|SSL SYSCALL error|"
    r"Could not establish connection|Connection reset by peer|Broken pipe|"
    r"connection already closed|Failed to (get|send|read) .*HTTP",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LakeSettings:
    """Where a lake lives. `catalog` is a libpq keyword string ("host=... port=... user=...
    dbname=..."), `data_path` a folder every writer sees or an s3:// URL. For S3: `s3_endpoint`
    ("host:port") names an S3-compatible server instead of AWS, `s3_url_style` is path or vhost
    (default: path with an endpoint), `s3_credentials` is "env" (AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or "chain" (DuckDB's credential_chain provider:
    environment, ~/.aws files, instance or pod role)."""

    catalog: str
    data_path: str
    name: str = "lake"
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"
    s3_use_ssl: bool = True
    s3_url_style: str | None = None
    s3_credentials: str = "env"

    def __post_init__(self) -> None:
        if not re.fullmatch(
            r"[a-z_][a-z0-9_]*", self.name
        ):  # it becomes an identifier in ATTACH/USE
            raise ValueError(f"lake name must be a lower-case identifier, got {self.name!r}")
        if self.s3_credentials not in ("env", "chain"):
            raise ValueError(f"s3_credentials must be env or chain, got {self.s3_credentials!r}")
        if self.s3_url_style not in (None, "path", "vhost"):
            raise ValueError(f"s3_url_style must be path or vhost, got {self.s3_url_style!r}")

    @property
    def is_remote_data(self) -> bool:
        return "://" in self.data_path


def sql_literal(value: str) -> str:
    # ATTACH accepts no bound parameters (a parser error), so its two strings are quoted here.
    return "'" + value.replace("'", "''") + "'"


# One DuckDB per process, lake and attach mode, with the extensions loaded and the lake attached
# once: loading them costs ~0.4 s of CPU per database (DuckDB checks each extension's signature),
# more than most stages' SQL. Every connect_lake is a cursor of it (its own connection and
# transaction). Keyed by pid: a forked child never uses nor closes its parent's database (closing
# it would end the parent's catalog sessions on the sockets they share).
_Key = tuple[int, LakeSettings, int | None, bool]  # pid, lake, pinned snapshot, read-only
_SHARED: dict[_Key, duckdb.DuckDBPyConnection] = {}
_SHARED_LOCK = threading.Lock()
_PINNED_KEPT = 4  # databases pinned to a snapshot kept per process (the oldest is let go first)


def connect_lake(
    settings: LakeSettings, *, snapshot: int | None = None, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection (its own transactions) to the lake, in USE. `snapshot` pins the whole lake to
    snapshot N (read-only, "the corpus as of N"); otherwise each transaction sees the latest commit
    at its start.

    It is a cursor of this process's DuckDB for the lake and mode: close() closes the cursor only.
    Global settings (memory_limit, temp_directory) set on it apply to that whole DuckDB. After a
    catalog error that is_unreachable() recognises, call forget() (retry_unreachable does) so the
    next call attaches anew. Attaching a lake whose catalog does not exist yet creates it: call
    init_lake first (once per lake).
    """
    key: _Key = (os.getpid(), settings, snapshot, read_only or snapshot is not None)
    with _SHARED_LOCK:
        base = _SHARED.get(key)
        if base is None:
            base = _SHARED[key] = _attach(settings, snapshot, read_only=key[3])
            pinned = [k for k in _SHARED if k[0] == key[0] and k[2] is not None]
            for old in pinned[:-_PINNED_KEPT]:  # dicts keep insertion order: oldest first
                del _SHARED[old]  # its open cursors keep it alive until they close
        con = base.cursor()
    try:
        con.execute(f"USE {settings.name}")
    except BaseException as exc:
        con.close()
        if is_unreachable(exc):
            forget(settings)
        raise
    return con


def forget(settings: LakeSettings | None = None) -> None:
    """Let go of this process's attached DuckDB(s) for `settings` (all lakes: None), so the next
    connect_lake attaches anew: after a catalog restart the attached catalog's sessions may be
    dead. Not closed: cursors still open on them keep working or fail on their own, and the
    database goes when the last one closes."""
    with _SHARED_LOCK:
        for key in [k for k in _SHARED if k[0] == os.getpid() and settings in (None, k[1])]:
            del _SHARED[key]


def _after_fork_in_child() -> None:
    global _SHARED_LOCK
    _SHARED_LOCK = threading.Lock()  # another thread of the parent may have held it at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)


def _attach(
    settings: LakeSettings, snapshot: int | None, read_only: bool
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    try:
        prepare_storage(con, settings)
        options = [f"DATA_PATH {sql_literal(settings.data_path)}"]
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        if read_only:
            options.append("READ_ONLY")
        con.execute(
            f"ATTACH {sql_literal('ducklake:postgres:' + settings.catalog)} AS {settings.name} "
            f"({', '.join(options)})"
        )
    except BaseException:
        con.close()
        raise
    return con


def _s3_secret(con: duckdb.DuckDBPyConnection, settings: LakeSettings) -> None:
    """A temporary S3 secret for this connection only (never persisted to ~/.duckdb)."""
    options = {"REGION": settings.s3_region}
    if settings.s3_credentials == "chain":
        load_extension(con, "aws")  # the credential_chain provider lives in DuckDB's aws extension
    else:
        options |= {
            "KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "SECRET": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        }
        if os.environ.get("AWS_SESSION_TOKEN"):
            options["SESSION_TOKEN"] = os.environ["AWS_SESSION_TOKEN"]
    if settings.s3_endpoint:
        options["ENDPOINT"] = settings.s3_endpoint
    style = settings.s3_url_style or ("path" if settings.s3_endpoint else "vhost")
    options["URL_STYLE"] = style
    # CREATE SECRET takes no bound parameters; the values are quoted.
    body = ", ".join(f"{key} {sql_literal(value)}" for key, value in options.items())
    provider = "PROVIDER credential_chain, " if settings.s3_credentials == "chain" else ""
    con.execute(
        f"CREATE OR REPLACE TEMPORARY SECRET {settings.name}_s3 (TYPE s3, {provider}{body}, "
        f"USE_SSL {str(settings.s3_use_ssl).lower()})"
    )


def prepare_storage(con: duckdb.DuckDBPyConnection, settings: LakeSettings) -> None:
    """Extensions (and the S3 secret) a connection needs before it attaches this lake itself."""
    for name in ("ducklake", "postgres") + (("httpfs",) if settings.is_remote_data else ()):
        load_extension(con, name)
    if settings.data_path.startswith("s3://"):
        _s3_secret(con, settings)


def _lock_key(settings: LakeSettings) -> int:
    # pg_advisory_lock takes a signed 64-bit key; one per lake name within the catalog database.
    return zlib.crc32(f"newsdesk-ducklake-init:{settings.name}".encode())


def init_lake(
    settings: LakeSettings, setup: Callable[[duckdb.DuckDBPyConnection], None] | None = None
) -> None:
    """Create the lake's catalog (first ATTACH) and run `setup` (e.g. CREATE TABLE IF NOT EXISTS
    ...) in one transaction, serialised across processes and machines by a PostgreSQL advisory lock
    on the catalog database: concurrent first ATTACHes otherwise race on creating the catalog
    tables, and concurrent CREATE TABLEs of the same name conflict. Safe to call on every start."""
    import psycopg2  # only the lake backend needs a plain PostgreSQL client

    if not settings.is_remote_data:
        Path(settings.data_path).mkdir(parents=True, exist_ok=True)
    pg = psycopg2.connect(settings.catalog)
    try:
        pg.autocommit = True
        with pg.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_lock_key(settings)])
        try:
            con = connect_lake(settings)
            try:
                if setup is not None:
                    run_transaction(con, setup)
            finally:
                con.close()
        finally:
            with pg.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(settings)])
    finally:
        pg.close()  # closing the session also drops the lock if the unlock above never ran


def is_conflict(exc: BaseException) -> bool:
    """True for a commit conflict with another writer: re-running the whole transaction may
    succeed."""
    return isinstance(exc, duckdb.Error) and bool(_CONFLICT_TEXT.search(str(exc)))


def is_unreachable(exc: BaseException) -> bool:
    """True when the catalog (PostgreSQL) or the object store could not be reached: retry after a
    wait."""
    if type(exc).__name__ == "OperationalError" and type(exc).__module__.startswith("psycopg2"):
        # psycopg2 reports every lost or refused connection so, and nothing it should not retry
        return True
    return isinstance(exc, duckdb.Error) and bool(_UNREACHABLE_TEXT.search(str(exc)))


def retry_unreachable(fn: Callable[[], T], budget_s: float, what: str) -> T:
    """fn(), run again after a wait (0.5 s doubling, at most 15 s) while the catalog or object store
    is unreachable, for up to `budget_s` seconds in all; then ServiceUnavailable, one line naming
    `what`."""
    from newsdesk.errors import ServiceUnavailable

    deadline = time.monotonic() + budget_s
    for attempt in range(10_000):
        try:
            return fn()
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            forget()  # which lake failed is unknown here; re-attaching the others costs little
            left = deadline - time.monotonic()
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            if left <= 0:
                raise ServiceUnavailable(
                    f"{what} is unreachable (gave up after {budget_s:.0f} s of retries): {first}"
                ) from exc
            wait = min(left, 15.0, 0.5 * 2**attempt) * random.uniform(0.8, 1.0)
            log.warning("%s unreachable (%s); retry %d in %.1f s", what, first, attempt + 1, wait)
            time.sleep(wait)
    raise AssertionError("retry_unreachable: the loop ended without a result")


@dataclass(frozen=True)
class Committed(Generic[T]):
    """What run_transaction returns: fn's value, how many conflicts it retried, and the snapshot the
    commit made (None when the transaction changed nothing, so DuckLake wrote no snapshot). DuckLake
    tracks the last commit per attached lake, which every connection of a process shares: should
    another thread of the process commit to the same lake at the same moment, `snapshot` may name
    that commit instead."""

    value: T
    retries: int
    snapshot: int | None


def run_transaction(
    target: LakeSettings | duckdb.DuckDBPyConnection,
    fn: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    retries: int = 30,
    backoff: float = 0.1,
    max_wait: float = 5.0,
    label: str = "transaction",
    message: str | None = None,
) -> Committed[T]:
    """BEGIN; fn(con); COMMIT. On a commit conflict: ROLLBACK, wait (exponential backoff with
    jitter, capped at max_wait seconds) and re-run fn from the start, up to `retries` times. fn must
    read what it depends on inside the transaction, so a re-run sees what the winner committed.
    Other errors roll back and raise. `message` is stored with the snapshot (e.g. the batch id), so
    snapshot_of(con, message) finds it later."""
    own = isinstance(target, LakeSettings)
    con = connect_lake(target) if isinstance(target, LakeSettings) else target
    try:
        for attempt in range(retries + 1):
            con.execute("BEGIN TRANSACTION")
            try:
                # Inside the transaction: a lake statement outside one opens a transaction of its
                # own, which reads the catalog (~5 ms of CPU each).
                name = _catalog_name(con)
                before = _last_committed(con, name)
                if message is not None:
                    con.execute(f"CALL {name}.set_commit_message('newsdesk', ?)", [message])
                value = fn(con)
                con.execute("COMMIT")
            except Exception as exc:
                _rollback(con)
                if not is_conflict(exc) or attempt == retries:
                    if attempt:
                        log.warning("%s: gave up after %d conflict retries", label, attempt)
                    raise
                wait = min(max_wait, backoff * 2**attempt) * random.uniform(0.5, 1.5)
                log.info(
                    "%s: commit conflict (%s), retry %d/%d in %.2f s",
                    label,
                    str(exc).splitlines()[-1][:160],
                    attempt + 1,
                    retries,
                    wait,
                )
                time.sleep(wait)
                continue
            after = _last_committed(con, name)
            if attempt:
                log.info(
                    "%s: committed after %d conflict retries (snapshot %s)", label, attempt, after
                )
            return Committed(value, attempt, after if after != before else None)
        raise AssertionError(
            f"{label}: the retry loop ended without a result"
        )  # every attempt returns or raises
    finally:
        if own:
            con.close()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # a failed COMMIT has already ended the transaction


def _catalog_name(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_database()").fetchall()[0][0])


def _last_committed(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    # The snapshot the last commit of this process on the lake made (see Committed).
    row = con.execute("FROM ducklake_last_committed_snapshot(?)", [name]).fetchone()
    return None if row is None else row[0]


def snapshot_of(con: duckdb.DuckDBPyConnection, message: str) -> int | None:
    """The latest snapshot committed with this message (run_transaction(..., message=...)), or
    None."""
    row = con.execute(
        "SELECT max(snapshot_id) FROM ducklake_snapshots(?) WHERE commit_message = ?",
        [_catalog_name(con), message],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The lake's latest committed snapshot id. Record it after a batch's commits; read the corpus
    as of it with connect_lake(settings, snapshot=N), or per table with `SELECT ... FROM t AT
    (VERSION => N)`."""
    row = con.execute("FROM ducklake_current_snapshot(?)", [_catalog_name(con)]).fetchone()
    assert row is not None
    return int(row[0])
