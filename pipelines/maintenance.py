"""Lake maintenance as an operation: an op job and a daily schedule (DuckLake's flush, rewrite,
merge, expiry and file cleanup: newsdesk.store.maintenance). The op shares the publishing ops' pool,
so it never runs beside a publication; on the embedded file it has nothing to do and says so. The
schedule starts RUNNING when the code location loads with NEWSDESK_STORAGE=ducklake (03:30 UTC
daily), STOPPED otherwise."""

from datetime import timedelta

import dagster as dg

from assets.common import DEPLOYMENT, PUBLISH_POOL, TAGS, failures_explained
from assets.resources import NewsdeskSettings


@dg.op(pool=PUBLISH_POOL, tags=TAGS)
def lake_maintenance_op(context: dg.OpExecutionContext, newsdesk: NewsdeskSettings) -> None:
    """Flush inlined rows, rewrite files with many deletes, merge small files, expire snapshots
    older than NEWSDESK_LAKE_KEEP_SNAPSHOTS_DAYS, delete files only expired snapshots read and
    orphans older than 24 h."""
    from newsdesk.store.lake_store import LakeStore
    from newsdesk.store.maintenance import MaintenancePolicy, maintain

    with failures_explained():
        settings = newsdesk.resolve()
        store = newsdesk.store()
        if not isinstance(store, LakeStore):
            context.log.info("storage duckdb: no lake to maintain")
            return
        store.ensure_schema()
        policy = MaintenancePolicy(
            keep_snapshots=timedelta(days=settings.store.lake_keep_snapshots_days),
            orphan_age=timedelta(hours=settings.store.lake_orphan_age_hours),
        )
        report = maintain(store.lake, policy, log=context.log.info)
    for line in report.lines():
        context.log.info(line)


@dg.job(
    description=(
        "DuckLake maintenance: flush inlined rows, rewrite, merge, expire old snapshots, delete "
        "unreferenced files (nothing to do on the embedded file)."
    ),
    tags=TAGS,
)
def lake_maintenance() -> None:
    lake_maintenance_op()


lake_maintenance_schedule = dg.ScheduleDefinition(
    name="daily_lake_maintenance",
    job=lake_maintenance,
    cron_schedule="30 3 * * *",
    default_status=(
        dg.DefaultScheduleStatus.RUNNING
        if DEPLOYMENT.store.backend == "ducklake"
        else dg.DefaultScheduleStatus.STOPPED
    ),
    description=(
        "Lake maintenance at 03:30 every day (running by default with NEWSDESK_STORAGE=ducklake)."
    ),
)
