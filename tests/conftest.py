"""Shared fixtures: paths to the shared seeds and benchmarks, and real Dagster runs on temporary instances."""

import shutil
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from helpers import newsdesk_resource, one

from assets.partitions import batches
from pipelines.definitions import build_definitions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from shared_data import shared_dir  # noqa: E402

SAMPLE_BATCH = REPO / "samples" / "sample-batch"

# `make test` runs on two xdist workers (--dist loadgroup). Modules that start servers (PostgreSQL, dagster dev,
# S3), kill processes or judge time limits run one after another on one worker, as in a serial run, so no two of
# them compete for the cores; every other module stays whole on one worker, so its fixtures are built once.
SERIAL_MODULES = frozenset({
    "test_crash_safety", "test_concurrent_readers", "test_hostile_cli", "test_lake_instance_config",
    "test_lake_maintenance", "test_lake_pipeline", "test_lake_s3", "test_lake_store", "test_lease",
    "test_live_ui", "test_operator_progress", "test_out_of_memory", "test_parallel", "test_readme_lake",
    "test_two_hosts",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem
        item.add_marker(pytest.mark.xdist_group("serial" if module in SERIAL_MODULES else module))


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(scope="session")
def seeds_dir(shared: Path) -> Path:
    return shared / "seeds"


class Pipeline:
    """A real Dagster instance, landing directory and DuckDB file in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.landing = root / "landing"
        self.landing.mkdir(parents=True, exist_ok=True)
        self.db_path = root / "news.duckdb"
        self.instance = dg.DagsterInstance.ephemeral()
        self.defs = build_definitions({
            "newsdesk": newsdesk_resource(db_path=str(self.db_path), landing_dir=str(self.landing)),
        })

    def add_batch(self, name: str, source: Path | None = None) -> Path:
        target = self.landing / name
        if source is not None:
            shutil.copytree(source, target)
        else:
            target.mkdir(parents=True)
        return target

    def run_batch(self, name: str, publish: bool = True) -> dg.ExecuteInProcessResult:
        """The batch's run, then (as the CLI and the UI's automation do) the corpus publish."""
        assert batches.name is not None
        self.instance.add_dynamic_partitions(batches.name, [name])
        result = self.defs.resolve_job_def("process_batch").execute_in_process(
            partition_key=name, instance=self.instance)
        if result.success and publish:
            assert self.run_corpus().success
        return result

    def run_corpus(self) -> dg.ExecuteInProcessResult:
        return self.defs.resolve_job_def("publish_corpus").execute_in_process(instance=self.instance)

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.db_path), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def table_digest(self) -> dict[str, tuple[int, str]]:
        """Row count and an order-independent content hash of every table."""
        con = duckdb.connect(str(self.db_path), read_only=True)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema = 'main' ORDER BY 1").fetchall()]
            out = {}
            for table in tables:
                n, digest = one(con.execute(
                    f"SELECT count(*), coalesce(sum(hash(t)), 0)::VARCHAR FROM {table} t"
                ).fetchone())
                out[table] = (n, digest)
            return out
        finally:
            con.close()


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    return Pipeline(tmp_path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print where the CI artefacts of this run are (the live-UI screenshot and the dagster dev log)."""
    artifacts = REPO / "artifacts" / "live-ui"
    for name in ("asset-graph.png", "dagster-dev.log"):
        path = artifacts / name
        if path.exists():
            terminalreporter.write_line(f"artefact: {path}")
