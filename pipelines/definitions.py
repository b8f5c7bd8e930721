"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs` from here.

Assets and checks are loaded from their modules in `assets/`; jobs, the sensors and the schedule are
defined in `pipelines/`. Loading it imports no stage module (spaCy and trafilatura load when a stage
runs)."""

from collections.abc import Mapping

import dagster as dg

import assets.batch
import assets.checks
import assets.corpus
import assets.threads
from assets.resources import NewsdeskSettings
from pipelines.jobs import process_batch, publish_corpus
from pipelines.maintenance import lake_maintenance, lake_maintenance_schedule
from pipelines.schedules import corpus_schedule
from pipelines.sensors import corpus_automation, landing_sensor

ASSET_MODULES = [assets.batch, assets.corpus]
CHECK_MODULES = [assets.checks, assets.threads]


def build_definitions(
    resources: Mapping[str, dg.ConfigurableResource] | None = None,
) -> dg.Definitions:
    """All assets, checks, jobs, the sensors and the schedule; `resources` overrides the defaults
    (tests).

    Every run of the location executes in one process, automation runs included: a batch's stages
    depend on each other and write one at a time, so a process per step only adds start-up time (and
    spaCy loads)."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules(ASSET_MODULES),
        asset_checks=dg.load_asset_checks_from_modules(CHECK_MODULES),
        jobs=[process_batch, publish_corpus, lake_maintenance],
        sensors=[landing_sensor, corpus_automation],
        schedules=[corpus_schedule, lake_maintenance_schedule],
        resources={"newsdesk": NewsdeskSettings(), **(resources or {})},
        executor=dg.in_process_executor,
    )


defs = build_definitions()
