"""Stage rows in Parquet files so DuckDB connections stay short and memory stays bounded.

A stage computes for minutes (trafilatura, spaCy) without holding the database lock: its inputs are
exported to Parquet in one short read, its outputs are appended to Parquet chunk by chunk, and one
short write transaction loads them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from newsdesk.liveness import host_tag, tag_owner_dead
from newsdesk.processes import process_alive


@contextmanager
def stage_workdir(root: Path, stage: str) -> Iterator[Path]:
    """A scratch folder for one stage run under `root`, removed afterwards; folders left by runs
    that were killed on this host (their process is gone) are removed first, so a kill -9 does not
    leave gigabytes behind.

    The folder's name records its owner: `<stage>-<pid>-<host tag>-<random>` (liveness.host_tag:
    hostname, boot and PID namespace). Scratch belongs on a local disk (NEWSDESK_DB's folder);
    should it be shared anyway, a sweep still only judges its own host's folders, never another
    machine's."""
    root.mkdir(parents=True, exist_ok=True)
    sweep_stale(root)
    with tempfile.TemporaryDirectory(
        prefix=f"{stage}-{os.getpid()}-{host_tag()}-", dir=root
    ) as tmp:
        yield Path(tmp)


# A folder without a host tag (made before tags existed) is judged by its pid only once it is this
# old: a pid read on another host, or in another PID namespace, says nothing about its owner.
UNTAGGED_GRACE_S = 24 * 3600


def sweep_stale(root: Path, only: str | None = None) -> list[Path]:
    """Remove scratch folders and temp files whose owner is provably dead: made on this host (its
    host tag) by a process that no longer runs. Temp files (`.<name>.<pid>.tmp`, beside the local
    DuckDB file) carry only a pid and are judged by it."""
    removed = []
    for entry in root.iterdir() if root.is_dir() else []:
        if only is not None and entry.name != only:
            continue
        is_dir = entry.is_dir()
        parts = entry.name.lstrip(".").split("-") if is_dir else entry.name.split(".")
        pids = [int(p) for p in parts if p.isdigit()]
        if not pids:
            continue
        if is_dir and len(parts) >= 4 and len(parts[2]) == 8:
            if not tag_owner_dead(parts[2], pids[0]):
                continue  # alive, or another host's folder: its pid means nothing here
        elif process_alive(pids[0]) or (is_dir and not _older_than(entry, UNTAGGED_GRACE_S)):
            continue
        shutil.rmtree(entry, ignore_errors=True) if is_dir else entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


class ParquetStage:
    """Append rows (dicts keyed by the schema's column names); flushed to one Parquet file every
    `chunk_rows`."""

    def __init__(self, path: Path, schema: pa.Schema, chunk_rows: int = 2000) -> None:
        self.path, self.schema, self.chunk_rows = path, schema, chunk_rows
        self._rows: list[Mapping[str, object]] = []
        self._writer: pq.ParquetWriter | None = None
        self._closed = False
        self.n_rows = 0

    def add(self, row: Mapping[str, object]) -> None:
        if self.n_rows == 0 and set(row) != set(
            self.schema.names
        ):  # a misspelt column would load as NULL
            raise ValueError(
                f"{self.path.name}: row columns {sorted(row)} are not {sorted(self.schema.names)}"
            )
        self._rows.append(row)
        self.n_rows += 1
        if len(self._rows) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if self._writer is None:
            self._writer = scratch_writer(self.path, self.schema)
        self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
        self._rows.clear()

    def close(self) -> Path:
        """Flush and close the file; closing again is a no-op (a lake writer may retry its
        transaction)."""
        if not self._closed:
            self.flush()
            assert self._writer is not None
            self._writer.close()
            self._closed = True
        return self.path


def load_stage(con: duckdb.DuckDBPyConnection, table: str, stage: ParquetStage) -> int:
    """INSERT the staged rows into `table` (columns named as in the stage schema)."""
    path = stage.close()
    if stage.n_rows == 0:
        return 0
    cols = ", ".join(stage.schema.names)
    # The table name is a constant of the calling module; the file path travels as a bound
    # parameter.
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(path)])
    return stage.n_rows


def export_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[object],
    path: Path,
    batch_rows: int = 256,
) -> int:
    """Write the result of one query to Parquet, streaming, and return the row count.

    Row groups stay small (`batch_rows`): a reader holds a whole row group in memory, and 10k raw
    pages of ~200 KB would be gigabytes."""
    reader = con.execute(sql, list(params)).to_arrow_reader(batch_rows)
    n = 0
    with scratch_writer(path, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            n += batch.num_rows
    return n


def export_by_rowid(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[object],
    rowid_sql: str,
    rowid_params: Sequence[object],
    path: Path,
    slice_rows: int = 256,
) -> int:
    """Like export_query for a result too big to hold at once: `sql` runs once per slice of
    `slice_rows` rowids of its driving table (its last two parameters are the slice's first and last
    rowid; `rowid_sql` gives the range), all in one transaction so every slice sees the same
    snapshot.

    Why: DuckDB materialises a query result before Python reads it, whatever the fetch method;
    exporting the raw pages of a 100k batch (3.9 GB) that way peaked at 2.3 GB, and COPY ... TO
    parquet needed more than 768MB. Sliced, the peak follows DuckDB's buffer cache, which small
    slices do not need: 1.8 GB at 1GB, 1.0 GB at 256MB (52-54 s instead of 30 s). Open `con` with
    the store's "export" memory profile."""
    con.execute("BEGIN TRANSACTION")
    try:
        first, last = con.execute(rowid_sql, list(rowid_params)).fetchall()[
            0
        ]  # min/max: always one row
        empty = con.execute(sql, [*params, 1, 0]).to_arrow_table()
        n = 0
        with scratch_writer(path, empty.schema) as writer:
            if first is None:
                writer.write_table(empty)
                return 0
            for start in range(int(first), int(last) + 1, slice_rows):
                table = con.execute(sql, [*params, start, start + slice_rows - 1]).to_arrow_table()
                if table.num_rows:
                    writer.write_table(table.cast(empty.schema))
                    n += table.num_rows
        return n
    finally:
        con.execute("COMMIT")


def scratch_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A writer for a scratch file, written once and read once: LZ4 and no dictionary pages (page
    text is mostly unique, so dictionary encoding was tried and dropped for every page; staging
    10k raw pages took 1.72 s with the defaults, 1.47 s so)."""
    return pq.ParquetWriter(path, schema, compression="lz4", use_dictionary=False)


def iter_parquet(path: Path, batch_rows: int = 500) -> Iterator[list[dict[str, object]]]:
    """Rows of a Parquet file as dicts, a chunk at a time.

    pre_buffer=False: with read-ahead buffering on, reading a 1.3 GB staging file chunk by chunk
    held 950 MB after 40k rows instead of 300 MB."""
    parquet = pq.ParquetFile(path, pre_buffer=False)
    for batch in parquet.iter_batches(batch_size=batch_rows):
        yield batch.to_pylist()


def insert_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: dict[str, list[object]],
    key: tuple[str, ...],
) -> int:
    """Bulk upsert of in-memory columns through Arrow: rows with the same `key` are deleted first
    (no key constraints to lean on: DuckLake has none), then everything is inserted in one
    statement."""
    arrow = pa.table(columns)
    if arrow.num_rows == 0:
        return 0
    view = f"_new_{table}"
    names = ", ".join(columns)
    same = " AND ".join(f"n.{k} = t.{k}" for k in key)
    con.register(view, arrow)
    try:
        # Table and column names are constants of the calling module, never input data.
        con.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM {view} n WHERE {same})")
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {view}")
    finally:
        con.unregister(view)
    return arrow.num_rows
