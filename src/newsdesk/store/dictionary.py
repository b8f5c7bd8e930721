"""The data dictionary, read back from the database's own comments.

The `COMMENT ON` statements in sql/schema/90_comments.sql and sql/view_comments.sql are the single
source: this module reads them from the catalog (duckdb_tables(), duckdb_views(), duckdb_columns())
and renders what the README's table list and the Dagster column schemas show, so the three cannot
drift apart.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from newsdesk.config import StoreSettings
from newsdesk.store.schema import TABLES
from newsdesk.store.store import Connection, Store

START_MARKER = "<!-- data-dictionary:start -->"
END_MARKER = "<!-- data-dictionary:end -->"

# Only the project's own objects: the current database file, schema main (not the full-text index's
# schema).
_OURS = "database_name = current_database() AND schema_name = 'main' AND NOT internal"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type as DESCRIBE shows it
    description: str  # empty when the column has no comment


@dataclass(frozen=True)
class Relation:
    """A table or a view with its comment and its columns in table order."""

    name: str
    kind: str  # "table" or "view"
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def read_dictionary(con: Connection, names: tuple[str, ...] | None = None) -> dict[str, Relation]:
    """Every table and view with its comments: tables first, in the order of
    newsdesk.store.schema.TABLES (the pipeline's order), then views by name. `names` limits it to
    those relations."""
    rows = con.execute(
        f"""SELECT table_name, 'table', coalesce(comment, '') FROM duckdb_tables()
            WHERE {_OURS} AND NOT temporary
            UNION ALL
            SELECT view_name, 'view', coalesce(comment, '') FROM duckdb_views()
            WHERE {_OURS} AND NOT temporary"""
    ).fetchall()
    columns: dict[str, list[Column]] = {}
    for table, name, dtype, comment in con.execute(
        f"""SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
                WHERE {_OURS} ORDER BY table_name, column_index"""
    ).fetchall():
        columns.setdefault(table, []).append(Column(name, dtype, comment))
    relations = [
        Relation(name, kind, comment, tuple(columns.get(name, ())))
        for name, kind, comment in rows
        if names is None or name in names
    ]
    return {r.name: r for r in sorted(relations, key=_order)}


def _order(relation: Relation) -> tuple[int, int, str]:
    pipeline = list(TABLES)
    position = pipeline.index(relation.name) if relation.name in pipeline else len(pipeline)
    return (relation.kind == "view", position, relation.name)


def describe(con: Connection, name: str) -> Relation:
    """One table or view; KeyError when the database has no such relation."""
    found = read_dictionary(con, (name,))
    if name not in found:
        raise KeyError(f"no table or view named {name!r} in the database")
    return found[name]


def column_schema(con: Connection, name: str) -> list[tuple[str, str, str]]:
    """(name, type, description) of every column of a table or view: what a Dagster TableSchema is
    built from."""
    return [(c.name, c.type, c.description) for c in describe(con, name).columns]


def row_count(con: Connection, name: str, batch_id: str | None = None) -> int:
    """Rows of the table, only the batch's when a batch is given and the table has a batch_id
    column. A batch whose run has not been published yet is counted where its rows wait (schema
    pending)."""
    relation = describe(
        con, name
    )  # the name is checked against the catalog before it enters the SQL text
    if batch_id is not None and "batch_id" in relation.column_names:
        schema = _where(con, relation.name, batch_id)
        return int(
            con.execute(
                f'SELECT count(*) FROM {schema}."{relation.name}" WHERE batch_id = ?', [batch_id]
            ).fetchall()[0][0]
        )
    return int(con.execute(f'SELECT count(*) FROM "{relation.name}"').fetchall()[0][0])


# Corpus-wide tables keyed by article: a batch's rows are those naming one of its articles.
_ARTICLE_KEYS = (("doc_id",), ("doc_id_a", "doc_id_b"))


def batch_rows(con: Connection, name: str, batch_id: str, stage: str | None = None) -> int | None:
    """The batch's rows of a table: by its batch_id column (of `quarantine`, only `stage`'s rows
    when a stage is given), or for a corpus-wide table keyed by article (copies, article_pairs,
    story_links) the rows naming one of the batch's published articles. None for a table that has no
    rows of its own per batch (entities, the dedup index)."""
    from newsdesk.store.batches import source

    relation = describe(
        con, name
    )  # column and table names below come from the catalog, never from the caller
    columns = relation.column_names
    if "batch_id" in columns:
        if stage is not None and "stage" in columns:
            return int(
                con.execute(
                    f'SELECT count(*) FROM {source(con, batch_id, stage)}."{relation.name}" '
                    "WHERE batch_id = ? AND stage = ?",
                    [batch_id, stage],
                ).fetchall()[0][0]
            )
        return row_count(con, name, batch_id)
    keys = next((k for k in _ARTICLE_KEYS if set(k) <= set(columns)), None)
    if keys is None:
        return None
    ours = "SELECT doc_id FROM main.articles WHERE batch_id = ?"
    where = " OR ".join(f"{key} IN ({ours})" for key in keys)
    return int(
        con.execute(
            f'SELECT count(*) FROM "{relation.name}" WHERE {where}', [batch_id] * len(keys)
        ).fetchall()[0][0]
    )


def _where(con: Connection, table: str, batch_id: str) -> str:
    from newsdesk.store.batches import source
    from newsdesk.store.schema import STAGE_TABLES

    stage = next((s for s, tables in STAGE_TABLES.items() if table in tables), None)
    return source(con, batch_id, stage) if stage else "main"


def fresh_dictionary() -> dict[str, Relation]:
    """The dictionary of a new, empty database with the project's schema applied the way every
    process applies it (Store.ensure_schema): what the README is generated from."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-dictionary-") as tmp:
        store = Store(StoreSettings(db_path=Path(tmp) / "dictionary.duckdb"))
        store.ensure_schema()
        with store.read() as con:
            return read_dictionary(con)


# -- the README section
# ----------------------------------------------------------------------------------------
def render_markdown(relations: dict[str, Relation]) -> str:
    """The README's table list: one overview table per kind, then the columns of each relation
    (collapsed)."""
    out = [
        "<!-- Generated by scripts/data_dictionary.py from the COMMENT ON statements in "
        "sql/schema/90_comments.sql and sql/view_comments.sql: edit those, "
        "then run the script. -->",
        "",
        "The same descriptions are in the database (DuckDB's DESCRIBE does not show comments): "
        "`SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = "
        "'articles'`, `SELECT table_name, comment FROM duckdb_tables()`, `SELECT view_name, "
        "comment FROM duckdb_views()`.",
        "",
    ]
    for kind in ("table", "view"):
        chosen = [r for r in relations.values() if r.kind == kind]
        if not chosen:
            continue
        out += [f"| {kind} | what it holds |", "|---|---|"]
        out += [f"| `{r.name}` | {_cell(r.description)} |" for r in chosen]
        out.append("")
    out += ["Columns of each table and view (click to open):", ""]
    for r in relations.values():
        out += [
            f"<details><summary><code>{r.name}</code> ({r.kind}, "
            f"{len(r.columns)} columns)</summary>",
            "",
            "| column | type | description |",
            "|---|---|---|",
        ]
        out += [f"| `{c.name}` | {_cell(c.type)} | {_cell(c.description)} |" for c in r.columns]
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell: no column breaks, no line breaks, no stray HTML
    tags."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\n", " ")


def replace_section(readme: str, generated: str) -> str:
    """The README with the text between the data-dictionary markers replaced by `generated`."""
    start, end = readme.find(START_MARKER), readme.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {START_MARKER} ... {END_MARKER} section")
    return readme[:start] + START_MARKER + "\n" + generated + readme[end:]


def current_section(readme: str) -> str:
    """The text between the markers, as replace_section writes it."""
    start, end = readme.find(START_MARKER), readme.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {START_MARKER} ... {END_MARKER} section")
    return readme[start + len(START_MARKER) + 1 : end]
