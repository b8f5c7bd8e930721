"""Issue 26 item 5: the completion marker and the Dagster instance, checked before an operator command runs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from newsdesk.config import load_settings
from newsdesk.preflight import incomplete_delivery


def _pipelines(*args: str, home: Path | None, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DAGSTER_HOME"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    env["NEWSDESK_DB"] = str(cwd / "news.duckdb")
    if home is not None:
        env["DAGSTER_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=REPO,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.slow  # a subprocess with Dagster imports
def test_a_temporary_dagster_home_is_refused_in_one_line(tmp_path: Path) -> None:
    """`dagster dev` without DAGSTER_HOME runs on a .tmp_dagster_home_* it deletes when it stops. (A file or a
    folder that cannot be created: tests/test_hostile_cli.py.)"""
    home = tmp_path / ".tmp_dagster_home_k3v9"
    home.mkdir()
    result = _pipelines("run", "some-batch", home=home, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: DAGSTER_HOME={home}") and "unset DAGSTER_HOME" in line
    assert not home.exists() or not any(home.iterdir())  # nothing was written into it
    assert not (tmp_path / "news.duckdb").exists()


def test_temporary_dagster_homes_are_ignored_by_git() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "-q", ".tmp_dagster_home_k3v9/history/runs.db"], cwd=REPO
    )
    assert result.returncode == 0


def test_a_folder_without_success_marker_is_warned_about(tmp_path: Path) -> None:
    settings = load_settings({}, landing_dir=tmp_path)
    (tmp_path / "b1").mkdir()
    warning = incomplete_delivery(settings, "b1")
    assert warning is not None and str(tmp_path / "b1") in warning and "_SUCCESS" in warning
    (tmp_path / "b1" / "_SUCCESS").touch()
    assert incomplete_delivery(settings, "b1") is None
