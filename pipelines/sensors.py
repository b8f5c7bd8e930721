"""The landing sensor: registers a batch folder as a partition once it is complete, and requests its run.

A batch is complete when its folder holds a `_SUCCESS` file (written last by whoever delivers the batch).
The cursor remembers the marker's modification time per batch, so it survives restarts, and touching
`_SUCCESS` again re-processes a re-delivered batch. Renamed or deleted folders are reported, never fatal.
"""

import json
from pathlib import Path

import dagster as dg

from assets.partitions import batch_key_problem, batches
from assets.resources import NewsdeskSettings
from newsdesk.config import load_settings
from pipelines.jobs import process_batch

MARKER = "_SUCCESS"
# How often the daemon looks at the landing directory (NEWSDESK_SENSOR_INTERVAL_SECONDS; the live-UI test
# shortens it). Read when the code location loads: Dagster needs the interval to define the sensor.
INTERVAL_SECONDS = load_settings().sensor_interval_s


def scan_landing(landing_dir: Path) -> dict[str, int]:
    """Complete batch folders -> marker mtime (ns). Folders whose names cannot be keys are skipped."""
    found: dict[str, int] = {}
    if not landing_dir.is_dir():
        return found
    for child in sorted(landing_dir.iterdir()):
        marker = child / MARKER
        if child.is_dir() and not child.is_symlink() and marker.is_file() and batch_key_problem(child.name) is None:
            found[child.name] = marker.stat().st_mtime_ns
    return found


@dg.sensor(job=process_batch, minimum_interval_seconds=INTERVAL_SECONDS, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext, newsdesk: NewsdeskSettings) -> dg.SensorResult | dg.SkipReason:
    """Watches the landing directory for complete batches (folders with a _SUCCESS file)."""
    landing_dir = newsdesk.resolve().landing_dir
    seen: dict[str, int] = json.loads(context.cursor) if context.cursor else {}
    current = scan_landing(landing_dir)
    for child in sorted(landing_dir.iterdir()) if landing_dir.is_dir() else []:
        problem = batch_key_problem(child.name)
        if child.is_dir() and problem and not child.name.startswith((".", "_")):
            context.log.warning(f"skipping folder {child.name!r}: {problem}")
    gone = sorted(set(seen) - set(current))
    if gone:
        context.log.info(f"batch folders no longer complete or present (renamed or deleted): {gone}; "
                         "their data stays in the database")
    changed = sorted(k for k, mtime in current.items() if seen.get(k) != mtime)
    known = set(context.instance.get_dynamic_partitions(batches.name))
    new_keys = [k for k in changed if k not in known]
    cursor = json.dumps({k: current[k] for k in sorted(current)})
    if not changed:
        return dg.SensorResult(skip_reason=dg.SkipReason("no new or re-delivered batch"), cursor=cursor)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=k, run_key=f"{k}@{current[k]}") for k in changed],
        dynamic_partitions_requests=[batches.build_add_request(new_keys)] if new_keys else [],
        cursor=cursor,
    )
