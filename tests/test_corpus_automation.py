"""The corpus automation: a batch run that succeeds is followed by one named publish_corpus run."""

from collections.abc import Iterator

import dagster as dg
import pytest

from pipelines.sensors import corpus_automation


def _evaluate(instance: dg.DagsterInstance, tags: dict[str, str]) -> object:
    run = dg.DagsterRun(job_name="process_batch", run_id="batch-run-1", tags=tags)
    event = dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name="process_batch")
    context = dg.build_run_status_sensor_context(sensor_name="corpus_automation", dagster_instance=instance,
                                                 dagster_run=run, dagster_event=event)
    return corpus_automation(context)


@pytest.fixture()
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as instance:
        yield instance


def test_a_successful_batch_run_requests_a_named_corpus_refresh(instance: dg.DagsterInstance) -> None:
    request = _evaluate(instance, {"dagster/partition": "b1"})
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == "after-batch-run-1"
    assert corpus_automation.job_name == "publish_corpus"


def test_a_cli_batch_run_is_left_to_the_cli(instance: dg.DagsterInstance) -> None:
    assert isinstance(_evaluate(instance, {"newsdesk/launched_by": "cli"}), dg.SkipReason)
