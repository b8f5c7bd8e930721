"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs` from here.

Loading it imports no stage module (spaCy and trafilatura load when a stage runs)."""

from collections.abc import Mapping

import dagster as dg

from assets.batch import BATCH_ASSETS
from assets.checks import ASSET_CHECKS
from assets.corpus import CORPUS_ASSETS
from assets.resources import NewsdeskSettings
from assets.threads import THREAD_CHECKS
from pipelines.jobs import process_batch, publish_corpus
from pipelines.schedules import corpus_schedule
from pipelines.sensors import corpus_automation, landing_sensor


def build_definitions(resources: Mapping[str, dg.ConfigurableResource] | None = None) -> dg.Definitions:
    """All assets, checks, jobs, the sensor and the schedule; `resources` overrides the defaults (tests)."""
    return dg.Definitions(
        assets=[*BATCH_ASSETS, *CORPUS_ASSETS],
        asset_checks=[*ASSET_CHECKS, *THREAD_CHECKS],
        jobs=[process_batch, publish_corpus],
        sensors=[landing_sensor, corpus_automation],
        schedules=[corpus_schedule],
        resources={"newsdesk": NewsdeskSettings(), **(resources or {})},
    )


defs = build_definitions()
