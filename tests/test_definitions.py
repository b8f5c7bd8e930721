"""The code location loads, its wiring is what the docs say, and the package's layers import one way only."""

import ast
from pathlib import Path

import dagster as dg
from conftest import REPO
from helpers import newsdesk_resource

from assets.resources import NewsdeskSettings
from newsdesk.config import ENVIRONMENT, load_settings
from pipelines.definitions import defs

SRC = REPO / "src" / "newsdesk"
# What the store may import from the rest of the package: plain data and settings, never a domain rule.
STORE_MAY_IMPORT = {"newsdesk.config", "newsdesk.errors", "newsdesk.records", "newsdesk.text", "newsdesk.processes",
                    "newsdesk.liveness"}


def test_definitions_load() -> None:
    graph = defs.resolve_asset_graph()
    names = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw_documents", "clean_articles", "article_entities", "article_copies", "analyst_snapshot"} <= names
    assert len(list(graph.asset_check_keys)) >= 5
    for job in ("process_batch", "publish_corpus"):
        assert defs.resolve_job_def(job).executor_def is dg.in_process_executor
    # The corpus automation launches the named publish_corpus job (one name in the runs list, in one process),
    # and no asset is left to Dagster's default automation sensor (its runs would be anonymous asset jobs).
    automation = defs.resolve_sensor_def("corpus_automation")
    assert [job.name for job in automation.jobs] == ["publish_corpus"]
    assert not any(node.automation_condition for node in graph.asset_nodes)
    implicit = defs.resolve_implicit_job_def_def_for_assets([dg.AssetKey("analyst_snapshot")])
    assert implicit is not None and implicit.executor_def is dg.in_process_executor


def test_every_launchpad_field_is_a_setting_and_every_setting_a_field() -> None:
    fields = NewsdeskSettings.model_fields
    assert set(fields) == {var.field for var in ENVIRONMENT}
    for var in ENVIRONMENT:
        assert var.name in (fields[var.field].description or "")


def test_a_launchpad_field_sets_what_its_variable_sets(tmp_path: Path) -> None:
    resource = newsdesk_resource(db_path=str(tmp_path / "x.duckdb"), ner_processes=3,
                                 max_file_bytes="2MB", copy_containment=0.7)
    expected = load_settings({"NEWSDESK_DB": str(tmp_path / "x.duckdb"), "NEWSDESK_NER_PROCESSES": "3",
                              "NEWSDESK_MAX_FILE_BYTES": "2MB", "NEWSDESK_COPY_CONTAINMENT": "0.7"})
    got = resource.resolve()
    assert (got.db_path, got.ner.n_process, got.ingest.max_file_bytes, got.dedup.copy_containment) == (
        expected.db_path, 3, 2_000_000, 0.7)
    assert resource.store() is resource.store()  # built once


def _imports(path: Path) -> set[str]:
    """Modules of the package a file imports (top level or inside functions), as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsdesk"):
            modules = {f"{node.module}.{a.name}" for a in node.names
                       if (SRC.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()}
            found |= modules or {node.module}  # `from package import module` imports the module
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("newsdesk")}
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_store_imports_no_domain_package() -> None:
    wrong = {}
    for path in (SRC / "store").glob("*.py"):
        outside = {m for m in _imports(path) if not m.startswith("newsdesk.store")}
        if bad := outside - STORE_MAY_IMPORT:
            wrong[path.name] = sorted(bad)
    assert wrong == {}


def test_no_import_cycle_between_modules() -> None:
    graph = {_module(p): {m for m in _imports(p) if m != _module(p)} for p in SRC.rglob("*.py")}
    # A package's __init__ importing its own modules is how packages work, not a cycle.
    graph = {m: {d for d in deps if d in graph and not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
