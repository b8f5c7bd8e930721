"""Staging exports: the rowid-sliced export gives exactly the rows of the plain query."""

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from newsdesk.store.staging import export_by_rowid

SQL = "SELECT id, batch, body FROM t WHERE batch = ? AND rowid BETWEEN ? AND ?"
ROWIDS = "SELECT min(rowid), max(rowid) FROM t WHERE batch = ?"


def _table(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (id INTEGER, batch VARCHAR, body VARCHAR)")
    # Two batches interleaved, then part of one deleted and re-added: its rowids are neither contiguous nor dense.
    con.execute("INSERT INTO t SELECT i, CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END, repeat('x', i % 50) FROM range(1000) r(i)")
    con.execute("DELETE FROM t WHERE batch = 'a' AND id < 300")
    con.execute("INSERT INTO t SELECT i, 'a', 'again' FROM range(0, 300, 3) r(i)")
    return con


def test_sliced_export_equals_plain_query(tmp_path: Path) -> None:
    con = _table(tmp_path / "t.duckdb")
    n = export_by_rowid(con, SQL, ["a"], ROWIDS, ["a"], tmp_path / "a.parquet", slice_rows=37)
    got = sorted(pq.read_table(tmp_path / "a.parquet").to_pylist(), key=lambda r: r["id"])
    want = [dict(zip(("id", "batch", "body"), r)) for r in
            con.execute("SELECT id, batch, body FROM t WHERE batch = 'a' ORDER BY id").fetchall()]
    assert n == len(want) == 334 and got == want


def test_sliced_export_of_an_empty_batch(tmp_path: Path) -> None:
    con = _table(tmp_path / "t.duckdb")
    assert export_by_rowid(con, SQL, ["none"], ROWIDS, ["none"], tmp_path / "e.parquet") == 0
    assert pq.read_table(tmp_path / "e.parquet").column_names == ["id", "batch", "body"]
