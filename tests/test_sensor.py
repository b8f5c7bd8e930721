"""The landing sensor: only complete batches, a cursor that survives restarts, re-delivery, renamed folders."""

import os
from pathlib import Path

import dagster as dg
import pytest
from conftest import SAMPLE_BATCH, Pipeline
from helpers import newsdesk_resource, requested, sensor_result

from pipelines.sensors import landing_sensor


def _evaluate(instance: dg.DagsterInstance, landing: Path, cursor: str | None) -> dg.SensorResult:
    resources = {"newsdesk": newsdesk_resource(landing_dir=str(landing))}
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    return sensor_result(landing_sensor, context)


def _batch(landing: Path, name: str, complete: bool = True) -> Path:
    folder = landing / name
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("Some article text.", encoding="utf-8")
    if complete:
        (folder / "_SUCCESS").touch()
    return folder


def test_only_complete_batches_are_registered_and_run(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    _batch(tmp_path, "2026-11-01")
    _batch(tmp_path, "still-copying", complete=False)
    _batch(tmp_path, "bad,name")  # a comma cannot be a partition key: skipped with a warning
    result = _evaluate(instance, tmp_path, None)
    assert requested(result) == ["2026-11-01"]
    assert [list(req.partition_keys or []) for req in result.dynamic_partitions_requests or []] == [
        ["2026-11-01"]]


def test_cursor_remembers_batches_and_redelivery_reruns(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    folder = _batch(tmp_path, "b1")
    first = _evaluate(instance, tmp_path, None)
    instance.add_dynamic_partitions("batches", ["b1"])
    again = _evaluate(instance, tmp_path, first.cursor)  # as after a daemon restart: only the stored cursor
    assert not again.run_requests and again.skip_reason is not None
    marker = folder / "_SUCCESS"
    stat = marker.stat()
    os.utime(marker, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # the batch is delivered again
    redelivered = _evaluate(instance, tmp_path, again.cursor)
    assert requested(redelivered) == ["b1"]
    assert not redelivered.dynamic_partitions_requests  # already a partition: only a new run
    assert redelivered.run_requests and first.run_requests
    assert redelivered.run_requests[0].run_key != first.run_requests[0].run_key


def test_renamed_or_deleted_folder_is_not_fatal(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    folder = _batch(tmp_path, "old-name")
    first = _evaluate(instance, tmp_path, None)
    folder.rename(tmp_path / "new-name")
    result = _evaluate(instance, tmp_path, first.cursor)
    assert requested(result) == ["new-name"]
    (tmp_path / "new-name" / "_SUCCESS").unlink()
    (tmp_path / "new-name" / "a.txt").unlink()
    (tmp_path / "new-name").rmdir()
    gone = _evaluate(instance, tmp_path, result.cursor)
    assert not gone.run_requests


def test_missing_landing_directory(tmp_path: Path) -> None:
    result = _evaluate(dg.DagsterInstance.ephemeral(), tmp_path / "not-there", None)
    assert not result.run_requests


@pytest.mark.slow
def test_a_batch_the_cli_already_processed_is_not_run_again(
        pipeline: Pipeline, tmp_path: Path) -> None:
    """Issue 16: after `make demo` (a CLI run of the sample batch), the UI's sensor, starting with no cursor, must
    not process the batch again; a re-delivery (a newer _SUCCESS) still runs."""
    folder = pipeline.add_batch("sample-batch", SAMPLE_BATCH)
    assert pipeline.run_batch("sample-batch").success
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), cursor=None, resources={
        "newsdesk": newsdesk_resource(landing_dir=str(pipeline.landing),
                                      db_path=str(pipeline.db_path))})
    first = sensor_result(landing_sensor, context)
    assert not first.run_requests
    marker = folder / "_SUCCESS"
    stat = marker.stat()
    os.utime(marker, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), cursor=first.cursor, resources={
        "newsdesk": newsdesk_resource(landing_dir=str(pipeline.landing),
                                      db_path=str(pipeline.db_path))})
    assert requested(sensor_result(landing_sensor, context)) == ["sample-batch"]


def test_a_bad_folder_name_is_warned_about_once(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Issue 16: the warning for a folder that cannot be a partition key is logged once, not on every tick."""
    instance = dg.DagsterInstance.ephemeral()
    _batch(tmp_path, "bad,name")
    cursor = None
    for _ in range(3):
        cursor = _evaluate(instance, tmp_path, cursor).cursor
    logged = capfd.readouterr()
    assert (logged.out + logged.err).count("skipping folder 'bad,name'") == 1
