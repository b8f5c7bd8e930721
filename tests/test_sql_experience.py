"""Issue 6: the README's queries and sql/examples run as written on the sample batch; the CLI works."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH, Pipeline
from helpers import snapshot_path

from newsdesk.store.fts import load_fts

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

EXAMPLES = sorted((REPO / "sql" / "examples").glob("*.sql"))


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipeline = Pipeline(tmp_path_factory.mktemp("sample"))
    pipeline.add_batch("sample-batch", SAMPLE_BATCH)
    assert pipeline.run_batch("sample-batch").success
    assert pipeline.run_corpus().success
    return pipeline


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_query_runs_on_snapshot(sample_db: Pipeline, path: Path) -> None:
    con = duckdb.connect(str(snapshot_path(sample_db.db_path)), read_only=True)
    try:
        load_fts(con)
        rows = con.execute(path.read_text(encoding="utf-8")).fetchall()
    finally:
        con.close()
    assert rows, f"{path.name} returned nothing on the sample batch"


def _readme_commands(prefix: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()
            if line.strip().startswith(prefix)]


def test_readme_newsdesk_commands_run(sample_db: Pipeline) -> None:
    # `newsdesk lake ...` needs a lake: the quick start that holds them runs in tests/test_readme_lake.py.
    commands = [c for c in _readme_commands(".venv/bin/newsdesk") if " shell" not in c and " lake " not in c
                and not c.endswith(" lake")]
    assert len(commands) >= 2
    for command in commands:
        args = shlex.split(command)[1:]
        result = subprocess.run([sys.executable, "-m", "newsdesk.cli", "--db", str(sample_db.db_path), *args],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (command, result.stderr[-1000:])
        assert result.stdout.strip()


def test_duckdb_shell_reads_snapshot_with_fts(sample_db: Pipeline) -> None:
    shell = Path(sys.executable).with_name("duckdb")
    sql = (REPO / "sql" / "examples" / "07_full_text_search.sql").read_text(encoding="utf-8")
    result = subprocess.run([str(shell), "-readonly", "-csv", str(snapshot_path(sample_db.db_path)),
                             "-c", "LOAD fts;", "-c", sql], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "bridge" in result.stdout.lower()


def test_duckdb_shell_matches_library_version() -> None:
    shell = Path(sys.executable).with_name("duckdb")
    version = subprocess.run([str(shell), "--version"], capture_output=True, text=True).stdout
    assert f"v{duckdb.__version__}" in version


def test_non_english_article_kept_flagged_and_not_annotated(sample_db: Pipeline) -> None:
    rows = sample_db.query("SELECT doc_id, language FROM articles WHERE title LIKE 'El puerto%'")
    assert len(rows) == 1 and rows[0][1] == "es"
    assert sample_db.query("SELECT count(*) FROM entity_mentions WHERE doc_id = ?", [rows[0][0]]) == [(0,)]
    assert sample_db.query("SELECT count(*) FROM entity_mentions")[0][0] > 20
