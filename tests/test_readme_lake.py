"""The README's DuckLake quick start, run literally (its first bash block) against a PostgreSQL of the test's own
(Debian's server in a temp dir, tests/pgserver.py): databases, roles and grants made by `newsdesk lake init`, the
sample batch through the lake with Dagster's instance on PostgreSQL, query, report, maintenance; then the
analyst role reads and cannot write. And a missing NEWSDESK_DAGSTER_PG_* is one line, exit 2."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from conftest import REPO, SAMPLE_BATCH
from pgserver import PgServer

pytestmark = pytest.mark.slow
pytest_plugins = ["pgserver"]
README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start() -> str:
    section = README.split("## Beyond one machine: DuckLake", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.S)
    assert match, "the lake section has no bash block"
    return match.group(1)


def _checkout(tmp_path: Path) -> Path:
    """The checkout as the reader has it, with its own dagster_home_lake (the instance writes logs there)."""
    work = tmp_path / "checkout"
    work.mkdir()
    for name in (".venv", "pipelines", "assets", "src", "sql", "samples", "workspace.yaml"):
        (work / name).symlink_to(REPO / name)
    shutil.copytree(REPO / "dagster_home_lake", work / "dagster_home_lake")
    return work


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DAGSTER_", "PG", "AWS_"))}
    # Where this machine keeps its local files (defaults are inside the checkout), and one worker per stage.
    env.update(NEWSDESK_DB=str(tmp_path / "local" / "newsdesk.duckdb"), NEWSDESK_LANDING_DIR=str(tmp_path / "landing"),
               NEWSDESK_NER_PROCESSES="1", NEWSDESK_CLEAN_WORKERS="1")
    return env


def test_the_quick_start_runs_as_written(pg_server: PgServer, tmp_path: Path) -> None:
    work = _checkout(tmp_path)
    env = _clean_env(tmp_path) | {"PGHOST": "127.0.0.1", "PGPORT": str(pg_server.port),
                                  "SHARED": str(tmp_path / "shared")}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", quick_start()], cwd=work, env=env, text=True,
                          capture_output=True, timeout=1200)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-5000:]
    # the query's table: a header "articles", a rule, the count (the last such table in the output)
    counts = re.findall(r"^\s*articles\s*\n[-─ ]+\n\s*(\d+)\s*$", done.stdout, re.M)
    assert counts and int(counts[-1]) >= 5, done.stdout[-3000:]
    assert (tmp_path / "shared" / "analysts" / "newsdesk.report.html").exists()
    assert (tmp_path / "shared" / "analysts" / "newsdesk.search.duckdb").exists()
    assert "delete_orphaned_files" in done.stdout

    # the analyst role reads the catalog and cannot change it
    analyst = f"host=127.0.0.1 port={pg_server.port} user=newsdesk_analyst dbname=newsdesk_lake"
    con = psycopg2.connect(analyst)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT count(*) FROM ducklake_snapshot")
            assert cur.fetchone()[0] > 1
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("DELETE FROM ducklake_snapshot")
    finally:
        con.close()
    query = subprocess.run([sys.executable, "-m", "newsdesk.cli", "query", "SELECT count(*) FROM articles",
                            "--csv", "-"], cwd=REPO, text=True, capture_output=True, timeout=300,
                           env=_clean_env(tmp_path) | {"NEWSDESK_STORAGE": "ducklake",
                                                       "NEWSDESK_LAKE_CATALOG": analyst,
                                                       "NEWSDESK_LAKE_DATA": str(tmp_path / "shared" / "lake")})
    assert query.returncode == 0, query.stderr[-2000:]
    assert query.stdout.splitlines()[-1] == counts[-1]


def test_a_missing_dagster_setting_is_one_line(tmp_path: Path) -> None:
    work = _checkout(tmp_path)
    shutil.copytree(SAMPLE_BATCH, tmp_path / "landing" / "b1")
    env = _clean_env(tmp_path) | {"DAGSTER_HOME": str(work / "dagster_home_lake")}
    done = subprocess.run([sys.executable, "-m", "pipelines", "run", "b1"], cwd=work, env=env, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "NEWSDESK_DAGSTER_PG_HOST" in lines[0], done.stderr[-3000:]
