"""Issue 26 item 8: ghost partitions (no landing folder, no data: a typo in the UI's "Add a partition") are
reported by the landing sensor once, listed by `newsdesk partitions` and deleted by `--prune`."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import REPO
from helpers import newsdesk_resource, sensor_result, store_for

from pipelines.sensors import landing_sensor


def _store_with_batch(db: Path, batch: str) -> None:
    store = store_for(db)
    store.write(
        lambda con: con.execute(
            "INSERT INTO batches (batch_id, landing_path, n_files, n_records, "
            "n_documents, n_quarantined) VALUES (?, 'x', 0, 0, 0, 0)",
            [batch],
        )
    )
    store.publish()  # the sensor reads the analysts' snapshot


def _instance(home: Path) -> dg.DagsterInstance:
    from dagster._core.instance.ref import InstanceRef

    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def _setup(tmp_path: Path, instance: dg.DagsterInstance) -> Path:
    landing = tmp_path / "landing"
    (landing / "has-folder").mkdir(parents=True)
    _store_with_batch(tmp_path / "news.duckdb", "has-data")  # its folder is gone, its rows are not
    instance.add_dynamic_partitions("batches", ["has-folder", "has-data", "tpyo-2026-11-01"])
    return landing


def test_sensor_reports_ghost_partitions_once(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    landing = _setup(tmp_path, instance)
    resources = {
        "newsdesk": newsdesk_resource(
            landing_dir=str(landing), db_path=str(tmp_path / "news.duckdb")
        )
    }
    cursor = None
    for _ in range(2):
        result = sensor_result(
            landing_sensor,
            dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources),
        )
        cursor = result.cursor
        assert not result.run_requests
    logged = capfd.readouterr()
    text = logged.out + logged.err
    assert text.count("no folder in") == 1 and "['tpyo-2026-11-01']" in text and "--prune" in text


@pytest.mark.slow  # three subprocesses with Dagster imports
def test_partitions_command_lists_then_prunes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    with _instance(home) as instance:
        landing = _setup(tmp_path, instance)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DAGSTER_HOME"))}
    env.update(
        DAGSTER_HOME=str(home),
        NEWSDESK_DB=str(tmp_path / "news.duckdb"),
        NEWSDESK_LANDING_DIR=str(landing),
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
    )

    def partitions(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pipelines", "partitions", *args],
            cwd=tmp_path,
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
        )

    listed = partitions()
    assert listed.returncode == 0, listed.stderr
    assert "ghost partition 'tpyo-2026-11-01'" in listed.stdout and "has-" not in listed.stdout
    assert "--prune" in listed.stdout
    pruned = partitions("--prune")
    assert pruned.returncode == 0 and "deleted partition 'tpyo-2026-11-01'" in pruned.stdout, (
        pruned.stderr
    )
    with _instance(home) as instance:
        assert sorted(instance.get_dynamic_partitions("batches")) == ["has-data", "has-folder"]
    assert "no ghost partitions" in partitions().stdout
