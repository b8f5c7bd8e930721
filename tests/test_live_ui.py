"""Issue 6 and 16: a live `dagster dev` — the sensor picks up a dropped batch and its run succeeds (its wall time
is recorded), the corpus automation publishes the analysts' snapshot and the HTML report (opened in Chromium), a
backfill of two batches runs under the DuckDB pool limit, and the asset graph renders with every asset on it."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH
from live_ui import DagsterDev, partition_keys, runs_for, screenshot_assets, screenshot_report
from report_sql import check_tables

ASSETS = ["raw_documents", "clean_articles", "article_entities", "article_copies", "analyst_snapshot",
          "article_search_index", "corpus_summary"]
BATCH_ASSETS = [{"path": [name]} for name in ASSETS[:4]]
REPORT_HEADINGS = ["People over time", "Organisations over time", "Places over time", "Who appears with whom",
                   "Copy clusters", "Story threads day by day", "Who copies whom", "Batches",
                   "Words removed by kind", "Quarantine reasons"]
# issue 24 item 4: the story-thread pictures, by section id
THREAD_PICTURES = {"threads": "Story threads day by day", "syndication": "Who copies whom"}
ARTIFACTS = REPO / "artifacts" / "live-ui"

pytestmark = pytest.mark.live


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DagsterDev]:
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian chromium is missing: run scripts/install_chromium.sh (make test does)")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")  # the instance settings we ship
    (tmp_path / "landing").mkdir()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = DagsterDev(REPO, home, {
        "NEWSDESK_DB": str(tmp_path / "news.duckdb"),
        "NEWSDESK_LANDING_DIR": str(tmp_path / "landing"),
        "NEWSDESK_SENSOR_INTERVAL_SECONDS": "3",
    }, ARTIFACTS / "dagster-dev.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
        print(f"\ndagster dev log: {ARTIFACTS / 'dagster-dev.log'}")


def _finished(dev: DagsterDev, partition: str) -> str | None:
    statuses = {r["status"] for r in runs_for(dev, partition)}
    done = statuses & {"SUCCESS", "FAILURE", "CANCELED"}
    return done.pop() if done else None


def test_live_ui(dev: DagsterDev, tmp_path: Path) -> None:
    landing = tmp_path / "landing"

    # 1. An operator drops a complete batch: the sensor registers the partition and its run succeeds.
    shutil.copytree(SAMPLE_BATCH, landing / "dropped-batch")
    dev.wait_for(lambda: "dropped-batch" in partition_keys(dev), 120, "the sensor to register the batch")
    assert dev.wait_for(lambda: _finished(dev, "dropped-batch"), 300, "the sensor's run") == "SUCCESS"
    (run,) = [r for r in runs_for(dev, "dropped-batch") if r["jobName"] == "process_batch"]
    timing = dev.graphql("query($id: ID!) { runOrError(runId: $id) { ... on Run { startTime endTime } } }",
                         {"id": run["runId"]})["runOrError"]
    seconds = timing["endTime"] - timing["startTime"]
    (ARTIFACTS / "sensor-run-seconds.txt").write_text(f"{seconds:.1f}\n", encoding="utf-8")
    print(f"\nsensor-launched run of the sample batch: {seconds:.1f} s (in-process executor)")

    # 1b. The corpus automation publishes the snapshot and the report; the report opens in a real browser.
    report = tmp_path / "newsdesk.report.html"
    dev.wait_for(report.exists, 300, "the corpus automation to publish the snapshot and its report")
    sections = screenshot_report(report, ARTIFACTS / "report.png")
    assert [s["heading"] for s in sections] == REPORT_HEADINGS
    for s in sections:  # each picture drawn, labelled, and followed by its top rows
        picture = s["picture"]
        assert picture and picture["complete"] and picture["natural"] >= 1200 and picture["bytes"] > 20_000, s
        assert picture["alt"] and "SELECT" in s["caption"] and s["rows"], s
    # The story-thread pictures: drawn in the browser (not blank: many colours), with their tables.
    shown = {s["id"]: s for s in sections if s["id"] in THREAD_PICTURES}
    assert {i: s["heading"] for i, s in shown.items()} == THREAD_PICTURES
    for s in shown.values():
        assert s["picture"]["colours"] > 50 and s["picture"]["shown"] >= 900, s["picture"]
    assert shown["threads"]["rows"][0][5] == "The Portside Gazette"  # the bridge thread, largest
    assert {r[0] for r in shown["syndication"]["rows"]} == {"The Portside Gazette"}
    snapshot = duckdb.connect(str(tmp_path / "news.snapshot.duckdb"), read_only=True)
    try:  # the numbers in the tables are the SQL's
        assert check_tables(snapshot, {s["heading"]: s["rows"] for s in sections}) >= 20
    finally:
        snapshot.close()

    # 2. A backfill of two batches (folders without _SUCCESS, so only the backfill runs them).
    repo_selector = {"repositoryLocationName": "newsdesk", "repositoryName": "__repository__"}
    for name in ("backfill-a", "backfill-b"):
        shutil.copytree(SAMPLE_BATCH, landing / name)
        (landing / name / "_SUCCESS").unlink()
        (landing / name / "01-harbor-bridge.txt").write_text(f"{name} note\n\n" + (
            SAMPLE_BATCH / "04-fish-market.txt").read_text(encoding="utf-8").replace("fish", f"{name} fish"))
        added = dev.graphql("mutation($r: RepositorySelector!, $k: String!) { addDynamicPartition("
                            "partitionsDefName: \"batches\", partitionKey: $k, repositorySelector: $r) { __typename } }",
                            {"r": repo_selector, "k": name})
        assert added["addDynamicPartition"]["__typename"] == "AddDynamicPartitionSuccess"
    launched = dev.graphql("mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) { "
                           "__typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }",
                           {"p": {"partitionNames": ["backfill-a", "backfill-b"], "assetSelection": BATCH_ASSETS}})
    backfill_id = launched["launchPartitionBackfill"]["backfillId"]

    def backfill_status() -> str | None:
        data = dev.graphql("query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill "
                           "{ status } } }", {"id": backfill_id})
        status = data["partitionBackfillOrError"]["status"]
        return status if status in ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED") else None

    assert dev.wait_for(backfill_status, 600, "the backfill") in ("COMPLETED", "COMPLETED_SUCCESS")
    runs = dev.graphql("query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill "
                       "{ runs(limit: 20) { status tags { key value } } } } }", {"id": backfill_id})
    runs = runs["partitionBackfillOrError"]["runs"]
    # One run per batch (BackfillPolicy.multi_run(1)); asset backfill runs are tagged with a partition range.
    covered = {t["value"] for r in runs for t in r["tags"] if t["key"].startswith("dagster/asset_partition_range")}
    assert covered == {"backfill-a", "backfill-b"} and len(runs) == 2
    assert {r["status"] for r in runs} == {"SUCCESS"}

    # 3. The asset graph in a real browser.
    shot = ARTIFACTS / "asset-graph.png"
    text = screenshot_assets(f"{dev.url}/locations/newsdesk/asset-groups/batch", shot, ASSETS)
    print(f"\nasset graph screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    for name in ASSETS:
        assert name in text, name
