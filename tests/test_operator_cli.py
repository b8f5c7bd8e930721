"""Issue 26 item 4: one path rule. The installed `newsdesk` command (analyst and operator commands) finds the
project from where it is installed, whatever the working directory, and names every path absolutely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

# Each test starts the console script (a Python start-up with Dagster imports): the full suite's tier.
pytestmark = pytest.mark.slow

NEWSDESK = Path(sys.executable).parent / "newsdesk"  # the console script `make setup` installs


def _newsdesk(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEWSDESK_", "DAGSTER_HOME", "PYTHONPATH"))
    }
    return subprocess.run(
        [str(NEWSDESK), *args],
        cwd=cwd,
        env={**clean, **env},
        text=True,
        capture_output=True,
        timeout=120,
    )


def test_analyst_command_from_another_directory_looks_in_the_project(tmp_path: Path) -> None:
    result = _newsdesk("summary", cwd=tmp_path)
    db = REPO / "data" / "newsdesk.duckdb"
    if db.exists():  # a checkout where `make demo` ran: it finds that data
        assert result.returncode == 0, result.stderr
        assert "articles" in result.stdout
    else:
        assert result.returncode == 2
        assert (
            f"no database at {db}" in result.stderr
        )  # the project's, absolute, not ./data in the cwd
    assert not (tmp_path / "data").exists()


def test_run_from_another_directory_uses_the_projects_landing_directory(tmp_path: Path) -> None:
    result = _newsdesk(
        "run", "no-such-batch", cwd=tmp_path, NEWSDESK_DB=str(tmp_path / "news.duckdb")
    )
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"no batch folder {REPO / 'data' / 'landing' / 'no-such-batch'}" in line


def test_relative_db_option_is_shown_absolute(tmp_path: Path) -> None:
    result = _newsdesk("--db", "elsewhere/news.duckdb", "summary", cwd=tmp_path)
    assert result.returncode == 2
    assert f"no database at {tmp_path / 'elsewhere' / 'news.duckdb'}" in result.stderr


def test_operator_commands_are_listed_and_complete(tmp_path: Path) -> None:
    help_text = _newsdesk("--help", cwd=tmp_path).stdout
    assert all(f"    {name} " in help_text for name in ("run", "demo", "ui", "summary", "query"))
    # argcomplete answers the shell's request (as `register-python-argcomplete newsdesk` wires it), with the
    # operator commands and the landing directory's folder names
    (tmp_path / "landing" / "2026-11-01").mkdir(parents=True)
    (tmp_path / "landing" / "2026-12-01").mkdir()
    assert _complete("newsdesk de", tmp_path) == ["demo"]
    assert _complete("newsdesk run 2026-1", tmp_path) == ["2026-11-01", "2026-12-01"]


def _complete(line: str, cwd: Path) -> list[str]:
    out = cwd / "completions.txt"
    env = {
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
        "NEWSDESK_LANDING_DIR": str(cwd / "landing"),
    }
    done = subprocess.run(
        [str(NEWSDESK)],
        cwd=cwd,
        env={**os.environ, **env},
        text=True,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [word.strip() for word in out.read_text().split("\n") if word.strip()]
