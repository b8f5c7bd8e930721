"""Issue 16, item 4: the data dictionary is the database's own comments, and the README and Dagster read them."""

import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import REPO
from helpers import schema_of, store_for

from assets.dictionary import TABLES_WRITTEN, table_metadata, table_schema
from newsdesk.clean import kinds
from newsdesk.ingest.reasons import INGEST_REASONS
from newsdesk.parallel import Failed
from newsdesk.pipeline import BATCH_STAGES
from newsdesk.pipeline import stage as batch_stage
from newsdesk.store.dictionary import (
    Column,
    Relation,
    current_section,
    fresh_dictionary,
    read_dictionary,
    render_markdown,
    replace_section,
    row_count,
)
from newsdesk.store.schema import TABLES, duckdb_type
from newsdesk.store.store import Store

SCRIPT = REPO / "scripts" / "data_dictionary.py"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = store_for(tmp_path / "news.duckdb")
    store.ensure_schema()
    return store


@pytest.fixture(scope="module")
def dictionary() -> dict[str, Relation]:
    return fresh_dictionary()


def _undocumented(relations: list[Relation]) -> list[str]:
    missing = [r.name for r in relations if not r.description.strip()]
    return missing + [f"{r.name}.{c.name}" for r in relations for c in r.columns if not c.description.strip()]


def test_every_table_and_column_has_a_comment(dictionary: dict[str, Relation]) -> None:
    tables = [r for r in dictionary.values() if r.kind == "table"]
    assert {r.name for r in tables} == set(TABLES)
    assert _undocumented(tables) == []


def test_every_view_and_view_column_has_a_comment(dictionary: dict[str, Relation]) -> None:
    views = [r for r in dictionary.values() if r.kind == "view"]
    defined = re.findall(r"CREATE OR REPLACE VIEW (\w+)", (REPO / "sql" / "views.sql").read_text(encoding="utf-8"))
    assert {r.name for r in views} == set(defined) and len(defined) >= 8
    assert _undocumented(views) == []


def test_describe_matches_the_arrow_schema(store: Store) -> None:
    with store.read() as con:
        for table, schema in TABLES.items():
            described = [(name, dtype) for name, dtype, *_ in con.execute(f"DESCRIBE {table}").fetchall()]
            assert described == [(f.name, duckdb_type(f.type)) for f in schema], table


def test_readme_section_is_generated_from_the_comments(dictionary: dict[str, Relation]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert current_section(readme) == render_markdown(dictionary), "run scripts/data_dictionary.py"


def test_readme_describes_every_column_with_its_comment(dictionary: dict[str, Relation]) -> None:
    section = current_section((REPO / "README.md").read_text(encoding="utf-8"))
    for relation in dictionary.values():
        if relation.kind == "table":
            assert f"| `{relation.name}` | {relation.description} |" in section
        for c in relation.columns:
            assert f"| `{c.name}` | {c.type} |" in section, f"{relation.name}.{c.name}"
    quarantine_reason = next(c for c in dictionary["quarantine"].columns if c.name == "reason")
    assert "&lt;stage&gt;_error" in section and "<stage>" in quarantine_reason.description


def test_script_check_fails_on_a_stale_readme_and_rewrites_it(tmp_path: Path) -> None:
    original = (REPO / "README.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(original.replace("UTC time the batch was first ingested", "when the batch came"),
                      encoding="utf-8")
    stale = subprocess.run([sys.executable, str(SCRIPT), "--check", "--readme", str(readme)],
                           capture_output=True, text=True)
    assert stale.returncode == 1 and "stale" in stale.stderr
    subprocess.run([sys.executable, str(SCRIPT), "--readme", str(readme)], check=True, capture_output=True)
    assert readme.read_text(encoding="utf-8") == original
    fresh = subprocess.run([sys.executable, str(SCRIPT), "--check", "--readme", str(readme)], capture_output=True)
    assert fresh.returncode == 0


def test_replace_section_keeps_the_prose_around_it() -> None:
    readme = "# T\n\nbefore\n<!-- data-dictionary:start -->\nold\n<!-- data-dictionary:end -->\nafter\n"
    out = replace_section(readme, "new\n")
    assert out == "# T\n\nbefore\n<!-- data-dictionary:start -->\nnew\n<!-- data-dictionary:end -->\nafter\n"
    assert current_section(out) == "new\n"
    with pytest.raises(ValueError):
        replace_section("no markers here", "new\n")


def test_markdown_cells_cannot_break_the_table() -> None:
    relation = Relation("t", "table", "a | b", (Column("c", "VARCHAR", "codes: <stage>_error\nsecond line"),))
    text = render_markdown({"t": relation})
    assert "| `t` | a \\| b |" in text
    assert "| `c` | VARCHAR | codes: &lt;stage&gt;_error second line |" in text


def test_dagster_table_schema_lists_every_column_with_its_description(store: Store) -> None:
    written = sorted({t for tables in TABLES_WRITTEN.values() for t in tables})
    assert set(written) == set(TABLES)  # every table has an asset that writes it
    with store.read() as con:
        for table in written:
            schema = table_schema(con, table)
            assert [c.name for c in schema.columns] == TABLES[table].names
            assert [c.type for c in schema.columns] == [duckdb_type(f.type) for f in TABLES[table]]
            comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? "
                                            "AND schema_name = 'main'",
                                        [table]).fetchall())
            assert all(c.description and c.description == comments[c.name] for c in schema.columns), table


def test_table_metadata_counts_the_batch_rows_or_the_whole_table(store: Store) -> None:
    def fill(con: duckdb.DuckDBPyConnection) -> None:
        for batch, n in (("b1", 3), ("b2", 2)):
            for i in range(n):
                con.execute("INSERT INTO articles (doc_id, batch_id, body, n_words) VALUES (?, ?, 'text', 1)",
                            [f"{batch}-{i}", batch])
        con.execute("INSERT INTO copies VALUES ('b1-0', 'b1-0', true, 1.0), ('b1-1', 'b1-0', false, 0.9), "
                    "('b2-0', 'b2-0', true, 1.0)")
        con.executemany("INSERT INTO quarantine (batch_id, source_path, stage, reason, detail) VALUES (?, 'f', ?, 'r', '')",
                        [["b2", "ingest"], ["b2", "ingest"], ["b2", "clean"], ["b1", "clean"]])
        con.execute("INSERT INTO entities (entity_id, name, label, n_articles, aliases) VALUES ('e1', 'Port Alder', 'GPE', 1, [])")

    store.write(fill)
    with store.read() as con:
        per_batch = table_metadata(con, ["articles", "copies", "boilerplate_segments", "quarantine", "entities"],
                                   batch_id="b2", stage="clean")
        copies = table_metadata(con, ["copies"], batch_id="b1")
        everything = table_metadata(con, ["articles"])
    assert per_batch["dagster/row_count"].value == 2
    assert per_batch["corpus_rows"].value == 5  # the corpus total has its own key
    assert per_batch["copies_rows"].value == 1  # no batch_id column: the rows of the batch's articles
    assert copies["dagster/row_count"].value == 2 and copies["corpus_rows"].value == 3
    assert per_batch["boilerplate_segments_rows"].value == 0
    assert per_batch["quarantine_rows"].value == 1  # the clean stage's own, not ingest's
    assert per_batch["entities_corpus_rows"].value == 1 and "entities_rows" not in per_batch  # corpus-wide only
    articles_schema = schema_of(per_batch["dagster/column_schema"])
    assert [c.name for c in articles_schema.columns] == TABLES["articles"].names
    copies_schema = schema_of(per_batch["copies_columns"])
    assert [c.name for c in copies_schema.columns] == TABLES["copies"].names
    assert everything["dagster/row_count"].value == 5


def test_an_asset_materializes_with_the_column_schema_and_row_count(store: Store) -> None:
    store.write(lambda con: con.execute(
        "INSERT INTO articles (doc_id, batch_id, body, n_words) VALUES ('d1', 'b1', 'text', 1), ('d2', 'b2', 'x', 1)"))

    @dg.asset
    def clean_articles() -> dg.MaterializeResult:
        with store.read() as con:
            return dg.MaterializeResult(metadata=table_metadata(con, TABLES_WRITTEN["clean_articles"], "b1"))

    result = dg.materialize([clean_articles])
    metadata = result.asset_materializations_for_node("clean_articles")[0].metadata
    assert metadata["dagster/row_count"].value == 1
    columns = schema_of(metadata["dagster/column_schema"]).columns
    assert [(c.name, c.type) for c in columns] == [(f.name, duckdb_type(f.type)) for f in TABLES["articles"]]
    assert all(c.description for c in columns)
    assert {"boilerplate_segments_columns", "quarantine_rows"} <= set(metadata)


def test_row_count_accepts_only_relations_of_the_database(store: Store) -> None:
    with store.read() as con:
        with pytest.raises(KeyError):
            row_count(con, 'articles" WHERE 1=1; --')


_READ_BACK = """
import json, sys
from pathlib import Path
sys.path[:0] = [{src!r}, {tests!r}]
from helpers import schema_of, store_for
from newsdesk.store.dictionary import read_dictionary
store = store_for(Path({db!r}))
store.ensure_schema()
with store.read() as con:
    print(json.dumps({{r.name: [r.description, [[c.name, c.description] for c in r.columns]]
                      for r in read_dictionary(con).values()}}))
"""


def _read_back_in_new_process(db: Path) -> dict[str, list]:
    import json

    code = _READ_BACK.format(src=str(REPO / "src"), tests=str(REPO / "tests"), db=str(db))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list], dict[str, list]]:
    db = tmp_path_factory.mktemp("idempotent") / "news.duckdb"
    return _read_back_in_new_process(db), _read_back_in_new_process(db)


def test_table_comments_survive_a_second_schema_application(two_processes: tuple[dict, dict],
                                                            dictionary: dict[str, Relation]) -> None:
    first, second = two_processes
    for table in TABLES:
        assert first[table] == second[table]
        assert second[table][0] == dictionary[table].description != ""


def test_view_comments_survive_a_second_schema_application(two_processes: tuple[dict, dict]) -> None:
    first, second = two_processes
    views = set(first) - set(TABLES)
    defined = re.findall(r"CREATE OR REPLACE VIEW (\w+)", (REPO / "sql" / "views.sql").read_text(encoding="utf-8"))
    assert views == set(defined) and len(defined) >= 8
    for view in views:
        assert first[view] == second[view]
        assert second[view][0] != "" and all(description for _, description in second[view][1])


def test_the_analyst_snapshot_carries_the_dictionary(store: Store) -> None:
    published = store.publish()
    con = duckdb.connect(published.location, read_only=True)
    try:
        relations = read_dictionary(con)
    finally:
        con.close()
    assert _undocumented([r for r in relations.values() if r.kind == "table"]) == []


# -- the code columns name every value the code writes -------------------------------------------------------
def _comment(dictionary: dict[str, Relation], table: str, column: str) -> str:
    return next(c.description for c in dictionary[table].columns if c.name == column)


def _listed(comment: str, after: str) -> set[str]:
    """The comma-separated codes a comment lists after `after`, up to the end of that sentence (asides in
    parentheses left out)."""
    found = re.search(re.escape(after) + r"\s*([^.]*)\.", comment)
    assert found, f"{after!r} not in {comment!r}"
    return {code.strip() for code in re.sub(r"\([^)]*\)", "", found.group(1)).split(",")}


def test_segment_kind_comment_lists_exactly_the_kinds(dictionary: dict[str, Relation]) -> None:
    assert _listed(_comment(dictionary, "boilerplate_segments", "kind"), "one of:") == set(kinds.KINDS)


# Where a quarantine reason is written: Problem("code", ...), SomeError("code", ...), reason="code", and the
# ingest SQL that inserts ('ingest', 'code'); a ternary `"a" if ... else "b"` gives both codes.
# In ingest also (reason, sentence) pairs: ("symlink_loop", "a symbolic link ...").
_INGEST_PAIR = re.compile(r'\(\s*"([a-z]+(?:_[a-z]+)+)",\s*f?"[a-z(]')
_CODE = re.compile(r'(?:\b(?:Problem|problem|FileRefused|[A-Z]\w*Error)\(\s*|reason=)"([a-z]+(?:_[a-z]+)*)"'
                   r'(?:\s+if\b[^\n]*?\belse\s+"([a-z_]+)")?')
_SQL_CODE = re.compile(r"'(?:ingest|clean|dedup|entities)',\s*'([a-z_]+)'")
_STAGE = re.compile(r'\bstage="([a-z]+)"')
_FAILED = re.compile(r'\bFailed\(\s*"([a-z]+)"')


def test_quarantine_comments_name_every_reason_and_stage_the_code_writes(dictionary: dict[str, Relation]) -> None:
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "src" / "newsdesk").rglob("*.py")]
    codes = {g for text in sources for m in _CODE.finditer(text) for g in m.groups() if g}
    codes |= {m.group(1) for text in sources for m in _SQL_CODE.finditer(text)}
    codes |= {m.group(1) for p in (REPO / "src" / "newsdesk" / "ingest").glob("*.py")
              for m in _INGEST_PAIR.finditer(p.read_text(encoding="utf-8"))}
    stages = {m.group(1) for text in sources for m in _STAGE.finditer(text)}
    # The stage runner names a failed input's quarantine row after the stage (BatchStage.on_failure).
    stages |= {batch_stage(name).on_failure({}, Failed("error", ""), "b").stage for name in BATCH_STAGES}
    failures = {m.group(1) for text in sources for m in _FAILED.finditer(text)}
    assert {"empty_file", "no_article_text"} <= codes and {"ingest", "clean"} <= stages  # the scan finds them
    assert failures == {"error", "timeout", "crash", "oom"}

    reason, stage = _comment(dictionary, "quarantine", "reason"), _comment(dictionary, "quarantine", "stage")
    generic = {f"{s}_{kind}" for s in stages for kind in failures}  # runner failures: <stage>_<kind>
    # Ingest's codes are listed once, in newsdesk.ingest.reasons; what the scan finds must be among them.
    assert (codes - generic) - {"no_article_text"} <= set(INGEST_REASONS), (codes - generic) - set(INGEST_REASONS)
    assert _listed(reason, "At ingest:") == set(INGEST_REASONS)
    assert _listed(reason, "At clean:") == {"no_article_text"}
    assert _listed(reason, "At any stage:") == {f"<stage>_{kind}" for kind in failures}
    assert [s for s in sorted(stages) if not re.search(rf"\b{s}\b", stage)] == []
