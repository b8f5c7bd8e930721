"""The `ducklake` profile's Dagster instance (dagster_home_lake/dagster.yaml) and the container/Kubernetes recipe
(docs/scaling-recipe.md), loaded with Dagster's own config validation against a real PostgreSQL.

There is no Docker daemon or cluster here: the Docker launcher is built (it connects only when it launches), the
Kubernetes launcher's config is checked against its class's schema (building it needs a kube config), and the
Helm values are not checked (the chart's schema is not on PyPI).
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
import yaml
from pgserver import PgServer

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

pytest_plugins = ["pgserver"]  # the pg_server fixture
REPO = Path(__file__).resolve().parent.parent
LAKE_HOME = REPO / "dagster_home_lake"
RECIPE = REPO / "docs" / "scaling-recipe.md"


def _require(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        message = f"{module} is not installed (the ducklake profile's Dagster packages)"
        if os.environ.get("NEWSDESK_REQUIRE_POSTGRES"):
            pytest.fail(message + " [NEWSDESK_REQUIRE_POSTGRES is set]", pytrace=False)
        pytest.skip(message)


@pytest.fixture
def dagster_pg_env(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """The NEWSDESK_DAGSTER_PG_* variables the instance yaml reads, pointing at a fresh database."""
    _require("dagster_postgres")
    name = f"dagster_{request.node.name.lower()[:30]}_{os.getpid()}"
    dsn = pg_server.create_database(re.sub(r"\W", "_", name))
    fields = dict(part.split("=", 1) for part in dsn.split())
    for var, key in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("DB", "dbname")):
        monkeypatch.setenv(f"NEWSDESK_DAGSTER_PG_{var}", fields[key])
    monkeypatch.setenv("NEWSDESK_DAGSTER_PG_PASSWORD", "")  # the test cluster trusts loopback connections
    return dsn


def _recipe_block(name: str) -> str:
    """The fenced yaml block that follows `<!-- check: NAME -->` in docs/scaling-recipe.md."""
    match = re.search(rf"<!-- check: {re.escape(name)} -->\s*```yaml\n(.*?)```", RECIPE.read_text(), re.DOTALL)
    assert match, f"no '{name}' block in {RECIPE}"
    return match.group(1)


@dg.asset
def one_row() -> int:
    return 1


def test_lake_instance_runs_on_postgres(dagster_pg_env: str, tmp_path: Path) -> None:
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.run_coordinator import QueuedRunCoordinator
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

    config, _ = dagster_instance_config(str(LAKE_HOME))  # Dagster's schema validation; raises on an error
    assert set(config["storage"]) == {"postgres"}

    # A copy in a temp DAGSTER_HOME: local artefacts and compute logs still go under the instance's folder.
    shutil.copy(LAKE_HOME / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        queue = instance.get_concurrency_config().run_queue_config
        assert queue is not None and queue.max_concurrent_runs == 4
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1  # one publishing op at once
        assert dg.materialize([one_row], instance=instance).success

    with psycopg2.connect(dagster_pg_env) as pg, pg.cursor() as cur:
        cur.execute("SELECT status FROM runs")
        assert cur.fetchall() == [("SUCCESS",)]  # the run's record is in PostgreSQL, not in DAGSTER_HOME


def test_lake_instance_reports_a_missing_setting(dagster_pg_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSDESK_DAGSTER_PG_HOST")
    with pytest.raises(Exception, match="NEWSDESK_DAGSTER_PG_HOST"):
        dg.DagsterInstance.from_config(str(LAKE_HOME))  # fails before it writes anything there


def test_docker_recipe_instance_loads(dagster_pg_env: str, tmp_path: Path) -> None:
    _require("dagster_docker")
    from dagster_docker import DockerRunLauncher

    (tmp_path / "dagster.yaml").write_text(_recipe_block("docker instance"))
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        launcher = instance.run_launcher
        assert isinstance(launcher, DockerRunLauncher)
        assert "NEWSDESK_LAKE_CATALOG" in launcher.env_vars
        queue = instance.get_concurrency_config().run_queue_config
        assert queue is not None and queue.max_concurrent_runs == 4


def test_docker_recipe_workspace_is_valid() -> None:
    from dagster._core.workspace.config_schema import process_workspace_config

    result = process_workspace_config(yaml.safe_load(_recipe_block("docker workspace")))
    assert result.success, result.errors


def test_k8s_recipe_launcher_config_is_valid(dagster_pg_env: str, tmp_path: Path) -> None:
    _require("dagster_k8s")
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster_k8s import K8sRunLauncher

    text = _recipe_block("k8s instance")
    (tmp_path / "dagster.yaml").write_text(text)
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["run_launcher"]["class"] == "K8sRunLauncher"
    launcher_config = yaml.safe_load(text)["run_launcher"]["config"]
    result = process_config(K8sRunLauncher.config_type(), launcher_config)
    assert result.success, result.errors
    # and a wrong key is caught by the same check, so the check can fail
    bad = process_config(K8sRunLauncher.config_type(), {**launcher_config, "job_namespaces": "x"})
    assert not bad.success


def test_recipe_has_no_stale_copy_of_the_instance() -> None:
    """The recipe's docker instance uses the profile's storage and queue settings verbatim."""
    lake = yaml.safe_load((LAKE_HOME / "dagster.yaml").read_text())
    docker = yaml.safe_load(_recipe_block("docker instance"))
    assert docker["storage"] == lake["storage"]
    assert docker["run_coordinator"] == lake["run_coordinator"]
