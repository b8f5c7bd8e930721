"""The landing sensor: registers a batch folder as a partition once it is complete, and requests its
run.

A batch is complete when its folder holds a `_SUCCESS` file (written last by whoever delivers the
batch). The cursor remembers the marker's modification time per batch, so it survives restarts, and
touching `_SUCCESS` again re-processes a re-delivered batch. Renamed or deleted folders are
reported, never fatal.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dagster as dg

from assets.common import DEPLOYMENT
from assets.partitions import BATCHES, batch_key_problem, batches, ghost_partitions
from assets.resources import NewsdeskSettings
from pipelines.jobs import process_batch, publish_corpus

MARKER = "_SUCCESS"
# How often the daemon looks at the landing directory (NEWSDESK_SENSOR_INTERVAL_SECONDS; the live-UI
# test shortens it). Dagster needs the interval to define the sensor, so it is the deployment's.
INTERVAL_SECONDS = DEPLOYMENT.sensor_interval_s


def scan_landing(landing_dir: Path) -> dict[str, int]:
    """Complete batch folders -> marker mtime (ns). Folders whose names cannot be keys are
    skipped."""
    found: dict[str, int] = {}
    if not landing_dir.is_dir():
        return found
    for child in sorted(landing_dir.iterdir()):
        marker = child / MARKER
        if (
            child.is_dir()
            and not child.is_symlink()
            and marker.is_file()
            and batch_key_problem(child.name) is None
        ):
            found[child.name] = marker.stat().st_mtime_ns
    return found


@dataclass
class Cursor:
    """What the sensor remembers between ticks (and daemon restarts): the marker time of every batch
    it has requested, the folder names it has warned about, and the re-run requests it has acted
    on."""

    markers: dict[str, int] = field(default_factory=dict)
    warned: list[str] = field(default_factory=list)
    requests: dict[str, str] = field(default_factory=dict)
    ghosts: list[str] = field(default_factory=list)

    @staticmethod
    def load(text: str | None) -> "Cursor":
        data = json.loads(text) if text else {}
        if data and "markers" not in data:  # the first cursor format: {batch: marker mtime}
            return Cursor(markers={k: int(v) for k, v in data.items()})
        return Cursor(**data)

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dg.sensor(
    job=process_batch,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_sensor(
    context: dg.SensorEvaluationContext, newsdesk: NewsdeskSettings
) -> dg.SensorResult | dg.SkipReason:
    """Watches the landing directory for complete batches (folders with a _SUCCESS file), and runs
    batches the pipeline asked to process again (a record they held as a duplicate lost its
    original)."""
    settings = newsdesk.resolve()
    landing_dir = settings.landing_dir
    cursor = Cursor.load(context.cursor)
    current = scan_landing(landing_dir)
    for child in sorted(landing_dir.iterdir()) if landing_dir.is_dir() else []:
        problem = batch_key_problem(child.name)
        if (
            child.is_dir()
            and problem
            and not child.name.startswith((".", "_"))
            and child.name not in cursor.warned
        ):
            context.log.warning(
                f"skipping folder {child.name!r}: {problem}"
            )  # once per name, not every tick
            cursor.warned.append(child.name)
    gone = sorted(set(cursor.markers) - set(current))
    if gone:
        context.log.info(
            f"batch folders no longer complete or present (renamed or deleted): {gone}; "
            "their data stays in the database"
        )
    processed, requested, stored = _store_state(newsdesk)
    known = set(context.instance.get_dynamic_partitions(BATCHES))
    ghosts = ghost_partitions(known, landing_dir, stored) if stored is not None else []
    if new_ghosts := [g for g in ghosts if g not in cursor.ghosts]:  # once per key, not every tick
        context.log.warning(
            f"partitions with no folder in {landing_dir} and no data: {new_ghosts} (a typo in "
            '"Add a partition"?); `newsdesk partitions` lists them, `--prune` deletes them'
        )
    cursor.ghosts = ghosts
    changed = sorted(
        k
        for k, mtime in current.items()
        if cursor.markers.get(k) != mtime and processed.get(k) != mtime
    )  # the CLI or demo ran it
    again = sorted(
        b for b, at in requested.items() if cursor.requests.get(b) != at and b not in changed
    )
    new_keys = [k for k in changed if k not in known]
    cursor.markers = {k: current[k] for k in sorted(current)}
    cursor.requests = requested
    if not changed and not again:
        return dg.SensorResult(
            skip_reason=dg.SkipReason("no new or re-delivered batch"), cursor=cursor.dump()
        )
    runs = [dg.RunRequest(partition_key=k, run_key=f"{k}@{current[k]}") for k in changed]
    runs += [
        dg.RunRequest(partition_key=b, run_key=f"{b}@request-{requested[b]}")
        for b in again
        if b in known
    ]
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[batches.build_add_request(new_keys)] if new_keys else [],
        cursor=cursor.dump(),
    )


def _store_state(
    newsdesk: NewsdeskSettings,
) -> tuple[dict[str, int], dict[str, str], set[str] | None]:
    """From what analysts see (never locked by a run): batches already processed at their current
    marker, re-run requests, and every batch with rows. Nothing when there is no database yet (None:
    no ghost report)."""
    from newsdesk.store import batches as bookkeeping

    try:
        with newsdesk.store().analyst() as con:
            processed = bookkeeping.processed_markers(con)
            requested = {b: str(at) for b, _, at in bookkeeping.requests(con)}
            stored = bookkeeping.stored_batches(con)
    except Exception:  # noqa: BLE001
        # no database yet, or one from before these tables: the cursor decides alone
        return {}, {}, None
    return processed, requested, stored


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[process_batch],
    request_job=publish_corpus,
    name="corpus_automation",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=INTERVAL_SECONDS,
)
def corpus_automation(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
    """Refreshes the full-text index, the corpus summary and the analysts' snapshot when a batch run
    succeeds, as a `publish_corpus` run (one name in the runs list, one process). A refresh already
    queued covers this batch too; a batch run from the CLI publishes the corpus itself."""
    run = context.dagster_run
    if run.tags.get("newsdesk/launched_by") == "cli":
        return dg.SkipReason(
            f"run {run.run_id} came from the CLI, which publishes the corpus itself"
        )
    waiting = context.instance.get_run_records(
        dg.RunsFilter(
            job_name=publish_corpus.name,
            statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED],
        )
    )
    if waiting:
        return dg.SkipReason(
            f"a corpus refresh is already queued (run {waiting[0].dagster_run.run_id})"
        )
    return dg.RunRequest(run_key=f"after-{run.run_id}", tags={"newsdesk/after_run": run.run_id})
