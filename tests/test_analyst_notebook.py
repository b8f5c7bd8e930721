"""Issue 16 item 5: the notebook-style analyst example runs as a plain script against a snapshot of the sample batch,
leaves the snapshot untouched, and writes exports and a plot that hold the rows the views hold."""

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH, Pipeline
from helpers import one, snapshot_path

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

NOTEBOOK = REPO / "examples" / "analyst_notebook.py"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pipeline = Pipeline(tmp_path_factory.mktemp("sample"))
    pipeline.add_batch("sample-batch", SAMPLE_BATCH)
    assert pipeline.run_batch("sample-batch").success
    return pipeline.db_path


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    return one(con.execute(sql, params or []).fetchone())[0]


def test_notebook_is_cells() -> None:
    cells = [line for line in NOTEBOOK.read_text(encoding="utf-8").splitlines() if line.startswith("# %%")]
    assert len(cells) >= 8


def test_notebook_runs_and_writes_exports(sample_db: Path, tmp_path: Path) -> None:
    snapshot = snapshot_path(sample_db)
    before = hashlib.sha256(snapshot.read_bytes()).hexdigest()
    env = {**os.environ, "NEWSDESK_DB": str(sample_db), "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, str(NOTEBOOK)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == before  # read-only: the snapshot is untouched

    out = tmp_path / "data" / "analyst"
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        n_stories = _count(con, "SELECT count(*) FROM canonical_articles")
        n_copies = _count(con, "SELECT count(*) FROM syndication")
        n_about = _count(con, "SELECT count(*) FROM article_entities ae JOIN copies c ON c.doc_id = ae.doc_id "
                              "AND c.is_canonical WHERE ae.is_about")
        parquet = duckdb.connect()
        assert _count(parquet, "SELECT count(*) FROM read_parquet(?)", [str(out / "stories.parquet")]) == n_stories
        assert _count(parquet, "SELECT count(*) FROM read_parquet(?)", [str(out / "syndication.parquet")]) == n_copies
        titles = {r[0] for r in parquet.execute("SELECT title FROM read_parquet(?)",
                                                [str(out / "stories.parquet")]).fetchall()}
        assert titles == {r[0] for r in con.execute("SELECT title FROM canonical_articles").fetchall()}
    finally:
        con.close()
    assert n_stories > 5 and n_copies > 0 and n_about > 0  # the sample has all three; else this proves little
    with (out / "stories.csv").open(newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == n_stories
    with (out / "story_entities.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n_about and all(r["entity"] for r in rows)
    with (out / "copies_by_outlet.csv").open(newline="", encoding="utf-8") as f:
        assert sum(int(r["copies_run"]) for r in csv.DictReader(f)) == n_copies
    png = (out / "articles_per_outlet.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    assert str(snapshot) in result.stdout
