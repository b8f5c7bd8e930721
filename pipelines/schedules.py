"""Schedules: the corpus-wide assets are rebuilt every hour (batches themselves are run by the sensor)."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import refresh_corpus

corpus_schedule = dg.ScheduleDefinition(
    name="hourly_corpus_refresh",
    job=refresh_corpus,
    cron_schedule="15 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild the full-text index and corpus summary at a quarter past every hour.",
)
