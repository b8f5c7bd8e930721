"""The hourly fallback for the corpus assets (they normally refresh as soon as a batch lands)."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import publish_corpus

corpus_schedule = dg.ScheduleDefinition(
    name="hourly_corpus_refresh",
    job=publish_corpus,
    cron_schedule="15 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Rebuild the full-text index and corpus summary and publish the snapshot, at a quarter "
        "past every hour (a fallback: they refresh when a batch lands)."
    ),
)
