"""The DuckLake backend of the Store: catalog in PostgreSQL, Parquet data in a folder (or S3),
several writers.

Same tables, same SQL, same stages as the embedded file; what differs is here. A write transaction
that loses a commit conflict is run again from the start (`lake.run_transaction`); the transaction
that publishes a batch first updates one lock row, so two of them can never both commit from the
same snapshot: the second conflicts, runs again, and sees the first one's rows, exactly as if they
had run one after the other. The schema is applied once per lake and version (under a PostgreSQL
advisory lock), not per process. Every committed snapshot holds whole batches only (stages write
into `pending`), so analysts read the latest snapshot, with no copy, and "the corpus as of batch X"
is the snapshot its publication made.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from newsdesk.config import StoreSettings
from newsdesk.errors import ServiceUnavailable, TransientError, UserError
from newsdesk.store import lake
from newsdesk.store.batches import publish_message
from newsdesk.store.db import schema_sql, spill_dir, sql_text
from newsdesk.store.schema import pending_ddl
from newsdesk.store.store import Connection, Published, Store

T = TypeVar("T")
_READY: set[lake.LakeSettings] = set()  # lakes whose schema this process has checked

_LOCK_DDL = (
    "CREATE TABLE IF NOT EXISTS newsdesk_meta (key VARCHAR NOT NULL, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS publish_lock (id INTEGER NOT NULL, n BIGINT NOT NULL)",
)


class LakeStore(Store):
    backend = "ducklake"

    def __init__(self, settings: StoreSettings) -> None:
        super().__init__(settings)
        if not settings.lake_catalog or not settings.lake_data_path:
            raise UserError(
                "storage ducklake needs NEWSDESK_LAKE_CATALOG (a PostgreSQL connection string, "
                "e.g. 'host=db dbname=lake user=newsdesk') and NEWSDESK_LAKE_DATA (a folder every "
                "writer sees, or s3://...)"
            )
        self.lake = lake_settings(settings)

    def describe(self) -> str:
        # The connection string may hold a password: name only the host and database.
        fields = dict(re.findall(r"(\w+)\s*=\s*'?([^'\s]+)'?", self.lake.catalog))
        where = f"{fields.get('host', 'localhost')}/{fields.get('dbname', '?')}"
        return f"DuckLake {self.lake.name} (catalog {where}, data {self.lake.data_path})"

    @property
    def scratch_root(self) -> Path:
        root = Path(self.settings.db_path).resolve().parent / ".staging"
        root.mkdir(parents=True, exist_ok=True)
        return root

    def exists(self) -> bool:
        return True  # the catalog is created by ensure_schema on first use

    def _connect(self, read_only: bool, memory: str, path: Path | None = None) -> Connection:
        try:
            con = lake.retry_unreachable(
                lambda: lake.connect_lake(self.lake, read_only=read_only),
                self.settings.catalog_retry_s,
                f"the lake catalog of {self.describe()}",
            )
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(
                f"cannot open {self.describe()}: {first}; check NEWSDESK_LAKE_CATALOG and that "
                "PostgreSQL is running"
            ) from None
        self._configure(con, memory)
        return con

    def _configure(self, con: Connection, memory: str) -> None:
        # Global settings of the process's shared lake DuckDB (lake.connect_lake): the cap of the
        # work about to run. A process's stages run one after another, each under its own cap.
        con.execute("SET memory_limit = ?", [self.settings.memory.limit(memory)])
        con.execute("SET temp_directory = ?", [str(spill_dir(Path(self.settings.db_path)))])
        con.execute("SET preserve_insertion_order = false")

    @contextmanager
    def read(self, memory: str = "default") -> Iterator[Connection]:
        """As Store.read; a catalog that goes away mid-read is ServiceUnavailable (the step is
        retried)."""
        try:
            with super().read(memory) as con:
                yield con
        except duckdb.Error as exc:
            if lake.is_unreachable(exc):
                lake.forget(self.lake)  # the next connection attaches anew
                raise ServiceUnavailable(
                    f"the lake catalog of {self.describe()} became unreachable during a "
                    f"read: {str(exc).strip().splitlines()[0][:200]}"
                ) from exc
            raise

    def _ready_to_read(self) -> None:
        # a lake reader never waits for a writer, and the check is once per process
        self.ensure_schema()

    def write(
        self,
        fn: Callable[[Connection], T],
        memory: str = "default",
        serialise: bool = False,
        message: str | None = None,
    ) -> T:
        """fn(con) in one lake transaction, run again from the start after a commit conflict. With
        `serialise`, the transaction first takes the publish lock row (see the module docstring)."""
        self.ensure_schema()

        def body(con: Connection) -> T:
            if serialise:
                con.execute("UPDATE publish_lock SET n = n + 1 WHERE id = 1")
            return fn(con)

        def attempt() -> T:
            # A fresh connection per attempt; after a catalog error retry_unreachable has let go of
            # the attached lake (lake.forget), so the next attempt attaches anew.
            con = self._connect(read_only=False, memory=memory)
            try:
                return lake.run_transaction(
                    con, body, label=message or "write", message=message
                ).value
            finally:
                con.close()

        try:
            return lake.retry_unreachable(
                attempt, self.settings.catalog_retry_s, f"the lake catalog of {self.describe()}"
            )
        except duckdb.Error as exc:
            if lake.is_conflict(exc):
                raise TransientError(
                    f"{self.describe()}: still conflicting with other writers after retries; "
                    "the step will be retried"
                ) from exc
            raise

    def ensure_schema(self) -> None:
        """Create the lake's catalog and tables once; later processes only check the schema
        version."""
        if self.lake in _READY:
            return
        lake.retry_unreachable(
            lambda: lake.init_lake(self.lake, setup=self._setup),
            self.settings.catalog_retry_s,
            f"the lake catalog of {self.describe()}",
        )
        _READY.add(self.lake)

    def _setup(self, con: Connection) -> None:
        # DuckLake keeps comments on views but not on their columns (those stay in the README and
        # Dagster).
        view_comments = [
            c
            for c in sql_text("view_comments.sql").split(";\n")
            if c.strip() and "COMMENT ON COLUMN" not in c
        ]
        statements = [
            *_LOCK_DDL,
            *schema_sql(),
            *pending_ddl(),
            sql_text("views.sql"),
            *view_comments,
        ]
        version = hashlib.sha256("\n".join(statements).encode("utf-8")).hexdigest()
        for ddl in _LOCK_DDL:
            con.execute(ddl)
        row = con.execute("SELECT value FROM newsdesk_meta WHERE key = 'schema_version'").fetchone()
        if row is not None and row[0] == version:
            # comments and views are versioned in the catalog: re-applying them would add snapshots
            return
        for ddl in statements[len(_LOCK_DDL) :]:
            con.execute(ddl)
        if not con.execute("SELECT count(*) FROM publish_lock").fetchall()[0][0]:
            con.execute("INSERT INTO publish_lock VALUES (1, 0)")
        con.execute("DELETE FROM newsdesk_meta WHERE key = 'schema_version'")
        con.execute("INSERT INTO newsdesk_meta VALUES ('schema_version', ?)", [version])

    # -- analysts
    # ----------------------------------------------------------------------------------------------
    def reader_location(self) -> str:
        return self.describe()

    def report_dir(self) -> Path:
        """The report and search index: one copy every machine sees, written by the publisher.
        NEWSDESK_SHARED, else `<data folder>-shared` beside a local data folder (not inside it:
        orphan cleanup owns that folder), else, for an s3:// lake without NEWSDESK_SHARED, the local
        folder of NEWSDESK_DB."""
        if self.settings.shared_dir is not None:
            folder = Path(self.settings.shared_dir)
        elif not self.lake.is_remote_data:
            data = Path(self.lake.data_path).resolve()
            folder = data.with_name(data.name + "-shared")
        else:
            folder = Path(self.settings.db_path).resolve().parent
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def snapshot_path(self) -> Path:
        raise UserError(
            "storage ducklake has no snapshot file: analysts read the lake itself (newsdesk query, "
            "newsdesk shell)"
        )

    @contextmanager
    def analyst(self, snapshot: int | None = None) -> Iterator[Connection]:
        """Read-only, at the latest snapshot (every snapshot holds whole batches) or at
        `snapshot`."""
        self.ensure_schema()
        con = lake.connect_lake(self.lake, snapshot=snapshot, read_only=True)
        try:
            self._configure(con, "default")
            yield con
        except duckdb.Error as exc:
            if lake.is_unreachable(exc):
                lake.forget(self.lake)
            raise
        finally:
            con.close()

    def build_search_index(self) -> int:
        """DuckDB's fts index cannot live in a lake (its tables use types DuckLake lacks), so it is
        built in a file in the shared folder of the report (report_dir), from the latest snapshot's
        articles, and swapped in atomically. Query it with `ATTACH
        '<report_dir>/newsdesk.search.duckdb' AS search` and
        `search.fts_main_articles.match_bm25`."""
        from newsdesk.store.fts import load_fts

        target = self.report_dir() / "newsdesk.search.duckdb"
        # host and pid: publishers on several machines may share the folder
        tmp = target.with_name(f".{target.name}.{socket.gethostname()}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            lake.prepare_storage(con, self.lake)
            con.execute(
                f"ATTACH {lake.sql_literal('ducklake:postgres:' + self.lake.catalog)} "
                "AS source (READ_ONLY)"
            )
            con.execute("CREATE TABLE articles AS SELECT doc_id, title, body FROM source.articles")
            con.execute("DETACH source")
            load_fts(con)
            con.execute(
                "PRAGMA create_fts_index('articles', 'doc_id', 'title', 'body', overwrite=1)"
            )
            n = int(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        os.replace(tmp, target)
        return n

    def publish(self) -> Published:
        """Nothing to copy: the latest snapshot is what analysts read. Reports its id."""
        with self.read() as con:
            return Published(location=self.describe(), snapshot_id=lake.current_snapshot(con))

    def snapshot_of_batch(self, batch_id: str) -> int | None:
        """The snapshot that published the batch: `SELECT ... AT (VERSION => n)` reads the corpus as
        of it."""
        with self.read() as con:
            return lake.snapshot_of(con, publish_message(batch_id))


def lake_settings(settings: StoreSettings) -> lake.LakeSettings:
    """The lake named by the NEWSDESK_LAKE_* settings."""
    return lake.LakeSettings(
        catalog=settings.lake_catalog,
        data_path=settings.lake_data_path,
        name=settings.lake_name,
        s3_endpoint=settings.lake_s3_endpoint or None,
        s3_region=settings.lake_s3_region,
        s3_use_ssl=settings.lake_s3_use_ssl,
        s3_url_style=settings.lake_s3_url_style or None,
        s3_credentials=settings.lake_s3_credentials,
    )
