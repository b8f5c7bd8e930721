"""Issue 26 item 9: what `newsdesk run` shows. Progress per stage while the batch runs, one summary line per
batch whose numbers are the database's, correct plurals, and Ctrl-C as one line (no Dagster traceback)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from badinput import ARTICLE
from conftest import REPO

from pipelines.progress import plural

NEWSDESK = Path(sys.executable).parent / "newsdesk"


def test_plurals() -> None:
    assert [plural(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert [plural(n, "copy") for n in (1, 3)] == ["1 copy", "3 copies"]
    assert plural(1200, "process") == "1,200 processes"


def _project(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    batch = root / "landing" / "b1"
    batch.mkdir(parents=True)
    (batch / "harbour.txt").write_text(
        "Dredging to start in March\n\n" + ARTICLE, encoding="utf-8"
    )
    (batch / "copy.txt").write_text("Dredging to start in March\n\n" + ARTICLE, encoding="utf-8")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "_SUCCESS").touch()
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DAGSTER_HOME"))
    }
    return {
        **clean,
        "DAGSTER_HOME": str(home),
        "NEWSDESK_DB": str(root / "news.duckdb"),
        "NEWSDESK_LANDING_DIR": str(root / "landing"),
        "NEWSDESK_NER_PROCESSES": "1",
        "NEWSDESK_CLEAN_WORKERS": "1",
    }


@pytest.mark.slow
def test_run_shows_progress_per_stage_and_a_summary(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(NEWSDESK), "run", "b1"],
        cwd=tmp_path,
        env=_project(tmp_path),
        text=True,
        capture_output=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    for stage in ("ingest", "clean", "entities", "publish"):
        assert f"  {stage}: started" in lines
    assert any(
        re.fullmatch(r"  clean: \d+/\d+ inputs, [\d.]+/s (on 1 process|in this process)", line)
        for line in lines
    ), lines
    assert not any("1 processes" in line or "0 processes" in line for line in lines)
    (summary,) = [line for line in lines if line.startswith("batch b1 succeeded in ")]
    con = duckdb.connect(str(tmp_path / "news.duckdb"), read_only=True)
    try:
        ((articles,),) = con.execute(
            "SELECT count(*) FROM articles WHERE batch_id = 'b1'"
        ).fetchall()
        ((copies,),) = con.execute("SELECT count(*) FROM copies WHERE NOT is_canonical").fetchall()
        reasons = con.execute(
            "SELECT reason, count(*) FROM quarantine WHERE batch_id = 'b1' GROUP BY 1 "
            "ORDER BY 2 DESC, 1"
        ).fetchall()
    finally:
        con.close()
    assert f": {plural(articles, 'article')} from 3 inputs, {plural(copies, 'copy')}, " in summary
    assert (
        f"{sum(n for _, n in reasons)} dropped (" + ", ".join(f"{r} {n}" for r, n in reasons)
        in summary
    )
    assert "run " not in summary  # no run id: the UI has it
    assert (
        "Traceback" not in done.stdout + done.stderr
        and "dagster - " not in done.stdout + done.stderr
    )


@pytest.mark.slow
def test_ctrl_c_is_one_line(tmp_path: Path) -> None:
    env = _project(tmp_path)
    proc = subprocess.Popen(
        [str(NEWSDESK), "run", "b1"],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        seen = ""
        deadline = time.monotonic() + 300
        while "clean: started" not in seen and time.monotonic() < deadline:
            seen += proc.stdout.readline()
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err[-3000:]
    assert err.strip().splitlines() == [err.strip()] and err.startswith("interrupted"), err[-3000:]
    assert "Traceback" not in out


def test_a_failed_final_report_write_leaves_no_half_file(tmp_path: Path) -> None:
    """The report is written to a temp file and renamed over the old one; when the write or the rename fails
    (Ctrl-C, a full disk; here: the target is a folder), no temp file is left beside it."""
    from newsdesk.report.build import REPORT_NAME, build_report

    con = duckdb.connect(":memory:")
    blocker = tmp_path / REPORT_NAME
    blocker.mkdir()
    (blocker / "keep").write_text("x")
    with pytest.raises(OSError):
        build_report(con, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [REPORT_NAME]
    path = build_report(con, tmp_path / "ok")
    assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
