"""DuckLake maintenance: flush inlined rows, rewrite files with many deletes, merge small files,
expire old snapshots, delete the files they alone referenced, and delete orphaned files (left by
killed writers).

Safe beside writers: a PostgreSQL advisory lock keeps two maintenance runs apart. In Dagster the
maintenance op shares the pool of the publishing ops (one op at a time), so it never overlaps a
publication. Outside Dagster it relies on DuckLake's own conflict check: a compaction cannot carry
the publish lock row ("Transactions can either make changes OR perform compaction - not both",
DuckLake 1.5.5), it changes no row, and a writer whose files it rewrote meanwhile conflicts at
COMMIT and runs again (`lake.run_transaction`), as does the step itself. Orphan deletion only
touches files older than `orphan_age`: DuckLake writes a transaction's Parquet files before its
COMMIT, so until then they are "orphans" too (checked on 1.5.5: a file of an open INSERT is listed
by `ducklake_delete_orphaned_files(older_than => now() - 1 s)`); the age must exceed the longest
write transaction. Function names and signatures are DuckLake 1.5.5's (`duckdb_functions()`).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import duckdb

from newsdesk.errors import TransientError
from newsdesk.store import lake


@dataclass(frozen=True)
class MaintenancePolicy:
    keep_snapshots: timedelta = timedelta(days=30)  # "as of batch X" works this far back
    orphan_age: timedelta = timedelta(hours=24)  # longer than any write transaction runs
    rewrite_delete_threshold: float = (
        0.5  # rewrite a data file once this share of its rows is deleted
    )


@dataclass
class MaintenanceReport:
    live_files_before: int = 0  # data files the latest snapshot reads
    live_files_after: int = 0
    stored_files_before: int = 0  # every Parquet file under the data path
    stored_files_after: int = 0
    steps: dict[str, int] = field(
        default_factory=dict
    )  # step -> rows its CALL returned (tables, files, ...)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"{name:22s} {n}" for name, n in self.steps.items()]
        out.append(
            f"data files read by the latest snapshot: {self.live_files_before} -> "
            f"{self.live_files_after}"
        )
        out.append(f"Parquet files stored: {self.stored_files_before} -> {self.stored_files_after}")
        out.append(f"took {self.seconds:.1f} s")
        return out


class MaintenanceBusy(TransientError):
    """Another maintenance run holds this lake's maintenance lock."""


def _lock_key(settings: lake.LakeSettings) -> int:
    return zlib.crc32(f"newsdesk-ducklake-maintain:{settings.name}".encode())


def maintain(
    settings: lake.LakeSettings,
    policy: MaintenancePolicy = MaintenancePolicy(),
    log: Callable[[str], None] = lambda line: None,
) -> MaintenanceReport:
    """Run every maintenance step once, in order; `log` gets a line per step."""
    import psycopg2

    started = time.perf_counter()
    pg = psycopg2.connect(settings.catalog)
    try:
        pg.autocommit = True
        with pg.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(settings)])
            row = cur.fetchone()
        if not row or not row[0]:
            raise MaintenanceBusy(
                f"another maintenance run is working on lake {settings.name}; try again later"
            )
        con = lake.connect_lake(settings)
        try:
            report = MaintenanceReport(
                live_files_before=live_files(con, settings),
                stored_files_before=stored_files(con, settings),
            )
            for name, sql, params, commits in _steps(settings, policy):
                report.steps[name] = _run_step(con, sql, params, commits)
                log(f"{name}: {report.steps[name]}")
            report.live_files_after = live_files(con, settings)
            report.stored_files_after = stored_files(con, settings)
        finally:
            con.close()
    finally:
        pg.close()  # ends the session, which releases the advisory lock
    report.seconds = time.perf_counter() - started
    return report


def _steps(
    settings: lake.LakeSettings, policy: MaintenancePolicy
) -> list[tuple[str, str, list[object], bool]]:
    name = settings.name
    keep_s = policy.keep_snapshots.total_seconds()
    orphan_s = policy.orphan_age.total_seconds()
    # (step, SQL, bound values, commits a snapshot: retried on a conflict)
    return [
        ("flush_inlined_data", "CALL ducklake_flush_inlined_data(?)", [name], True),
        (
            "rewrite_data_files",
            "CALL ducklake_rewrite_data_files(?, delete_threshold => ?)",
            [name, policy.rewrite_delete_threshold],
            True,
        ),
        # after the rewrite, so rewritten files are merged too
        ("merge_adjacent_files", "CALL ducklake_merge_adjacent_files(?)", [name], True),
        (
            "expire_snapshots",
            "CALL ducklake_expire_snapshots(?, older_than => now() - to_seconds(?))",
            [name, keep_s],
            True,
        ),
        # Files only expired snapshots referenced; the grace period lets a reader that started
        # before the expiry finish reading them.
        (
            "cleanup_old_files",
            "CALL ducklake_cleanup_old_files(?, older_than => now() - to_seconds(?))",
            [name, orphan_s],
            False,
        ),
        (
            "delete_orphaned_files",
            "CALL ducklake_delete_orphaned_files(?, older_than => now() - to_seconds(?))",
            [name, orphan_s],
            False,
        ),
    ]


def _run_step(con: duckdb.DuckDBPyConnection, sql: str, params: list[object], commits: bool) -> int:
    if not commits:  # deletes files no snapshot reads: nothing to commit
        return len(con.execute(sql, params).fetchall())
    return lake.run_transaction(
        con,
        lambda c: len(c.execute(sql, params).fetchall()),
        label=sql.split("(")[0].removeprefix("CALL "),
    ).value


def live_files(con: duckdb.DuckDBPyConnection, settings: lake.LakeSettings) -> int:
    """Data files the latest snapshot reads, from the lake's own catalog tables."""
    meta = f"__ducklake_metadata_{settings.name}"  # name is a checked identifier (LakeSettings)
    row = con.execute(
        f"SELECT count(*) FROM {meta}.ducklake_data_file WHERE end_snapshot IS NULL"
    ).fetchone()
    return int(row[0]) if row else 0


def stored_files(con: duckdb.DuckDBPyConnection, settings: lake.LakeSettings) -> int:
    """Parquet files under the data path (live, awaiting cleanup, or orphaned): a folder or
    s3://."""
    root = settings.data_path.rstrip("/") + "/"
    row = con.execute("SELECT count(*) FROM glob(?)", [root + "**/*.parquet"]).fetchone()
    return int(row[0]) if row else 0
