"""What the `newsdesk` command line asks of the analysts' database: the summary's sections, catalog
look-ups and streamed exports. Each takes an open read-only connection (`Store.analyst()`); values
are bound, and the only SQL text spliced in is the analyst's own query or a name checked against the
catalog."""

from __future__ import annotations

import duckdb

from newsdesk.store.queries import table_count

Connection = duckdb.DuckDBPyConnection
Relation = duckdb.DuckDBPyRelation

# COPY options per export format. JSON arrays (.json) are what most tools open; one object per line
# (.jsonl) is what streams: DuckDB's read_json, jq and pandas(lines=True) read both.
EXPORT_OPTIONS = {
    "csv": "FORMAT csv, HEADER true",
    "parquet": "FORMAT parquet",
    "json": "FORMAT json, ARRAY true",
    "jsonl": "FORMAT json",
}


# -- the summary
# --------------------------------------------------------------------------------------------------
def table_counts(con: Connection) -> list[tuple[str, int]]:
    """(table, rows) for every project table present in the database, in pipeline order."""
    from newsdesk.store.schema import (
        TABLES,
    )  # lazy, as below: pyarrow's import would slow every CLI command

    present = relations(con)
    return [(t, table_count(con, t)) for t in TABLES if t in present]


def n_batches(con: Connection) -> int:
    return int(con.execute("SELECT count(*) FROM batches").fetchall()[0][0])


def quarantine(con: Connection) -> Relation:
    return con.sql("""SELECT batch_id, source_path, stage, reason, detail FROM quarantine
                      ORDER BY batch_id, source_path, external_id NULLS FIRST""")


def copy_clusters(con: Connection) -> Relation:
    """Clusters of more than one article: the story's title (the canonical's, else any copy's), its
    outlet (view story_outlets: the one rule for who published a story) and the outlets of its
    copies, earliest first."""
    return con.sql("""
        SELECT c.copy_cluster_id,
               count(*) AS n_articles,
               coalesce(max(a.title) FILTER (WHERE c.is_canonical), min(a.title), '(no title)')
                   AS title,
               coalesce(any_value(o.outlet), '(unknown outlet)') AS outlet,
               string_agg(coalesce(a.source_name, '(unknown outlet)'), '; '
                          ORDER BY a.published_date NULLS LAST, a.doc_id)
                   FILTER (WHERE NOT c.is_canonical) AS copied_by
        FROM copies c JOIN articles a USING (doc_id) JOIN story_outlets o USING (copy_cluster_id)
        GROUP BY c.copy_cluster_id
        HAVING count(*) > 1
        ORDER BY n_articles DESC, title, c.copy_cluster_id""")


def story_links(con: Connection) -> Relation:
    return con.sql("""
        SELECT coalesce(a.title, '(no title)') AS title_a,
               coalesce(b.title, '(no title)') AS title_b,
               s.shared_words, s.n_passages, s.passages[1] AS first_passage
        FROM story_links s JOIN articles a ON a.doc_id = s.doc_id_a
        JOIN articles b ON b.doc_id = s.doc_id_b
        ORDER BY s.shared_words DESC, title_a, title_b""")


def canonical_articles(con: Connection) -> Relation:
    return con.sql("""SELECT title, outlet, published_date, n_words, n_copies
                      FROM canonical_articles
                      ORDER BY published_date NULLS LAST, title NULLS LAST, doc_id""")


def top_entities(con: Connection) -> Relation:
    return con.sql("SELECT name, label, n_articles FROM entities ORDER BY n_articles DESC, name")


# -- catalog
# --------------------------------------------------------------------------------------------------
def relations(con: Connection) -> dict[str, str]:
    """Tables and views of the main schema, lower-cased name -> name as created."""
    rows = con.execute("""SELECT table_name FROM duckdb_tables()
                          WHERE schema_name = 'main' AND NOT internal
                          UNION ALL
                          SELECT view_name FROM duckdb_views()
                          WHERE schema_name = 'main' AND NOT internal
                          ORDER BY 1""").fetchall()
    return {r[0].lower(): r[0] for r in rows}


def has_project_tables(con: Connection) -> bool:
    from newsdesk.store.schema import TABLES

    return any(name in relations(con) for name in TABLES)


# -- results and exports
# -------------------------------------------------------------------------------------------
def count_rows(rel: Relation) -> int:
    return int(rel.aggregate("count(*)").fetchall()[0][0])


def export_query(con: Connection, sql: str, target: str, fmt: str, raw_csv: bool = False) -> int:
    """Stream the result of the analyst's query `sql` (one statement) into `target` with COPY; rows
    written. CSV text cells are neutralised (see `_safe_csv_copy`) unless `raw_csv`.

    SHOW/DESCRIBE/PRAGMA results cannot be COPY's query directly; they can as a subquery (used only
    for them, because a subquery may lose an ORDER BY)."""
    query = sql.strip().rstrip(";").strip()
    if fmt == "csv" and not raw_csv:
        safe = _safe_csv_copy(con, query)
        if safe is not None:
            return _rows_written(con.execute(safe, [target]))
    # The query is the analyst's own SQL, spliced as SQL (it is the statement, not a value); the
    # path is bound.
    statement = f"COPY (\n{query}\n) TO ? ({EXPORT_OPTIONS[fmt]})"
    try:
        return _rows_written(con.execute(statement, [target]))
    except duckdb.ParserException:
        wrapped = f"COPY (FROM (\n{query}\n)) TO ? ({EXPORT_OPTIONS[fmt]})"
        try:
            return _rows_written(con.execute(wrapped, [target]))
        except duckdb.ParserException:
            pass
        raise


def export_relation(
    con: Connection, name: str, target: str, fmt: str, raw_csv: bool = False
) -> int:
    """Stream a whole table or view into `target` with COPY; `name` must be a key or value of
    relations()."""
    known = relations(con)
    if name.lower() not in known:
        raise KeyError(name)
    # A catalog name: identifiers cannot be bound.
    query = f"SELECT * FROM {_quote(known[name.lower()])}"
    safe = _safe_csv_copy(con, query) if fmt == "csv" and not raw_csv else None
    statement = safe or f"COPY ({query}) TO ? ({EXPORT_OPTIONS[fmt]})"
    return _rows_written(con.execute(statement, [target]))


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_LEADS_SQL = ", ".join(f"chr({ord(c)})" for c in FORMULA_LEADS)


def _safe_csv_copy(con: Connection, query: str) -> str | None:
    """A COPY statement (target bound as ?) writing `query`'s result as CSV with every text cell
    that starts like a formula prefixed by a single quote and every text column quoted, as OWASP
    recommends; numbers, dates and NULLs stay as they are (-2 is a number, not a formula). None
    when the result's columns cannot be known without running the statement (SET, PRAGMA ...): the
    caller writes it raw."""
    try:
        rel = con.sql(f"FROM (\n{query}\n)")  # binds the query to learn its columns; runs nothing
    except duckdb.Error:
        return None
    if rel is None:
        return None
    names, types = list(rel.columns), [str(t) for t in rel.types]
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    cells, quoted = [], []
    for i, (name, kind) in enumerate(zip(names, types)):
        if kind == "VARCHAR" or kind.startswith("ENUM("):
            text = f"c{i}::VARCHAR"
            cells.append(
                f"CASE WHEN left({text}, 1) IN ({_LEADS_SQL}) THEN chr(39) || {text} "
                f"ELSE {text} END AS {_quote(name)}"
            )
            quoted.append(_quote(name))
        else:
            cells.append(f"c{i} AS {_quote(name)}")
    force = f", FORCE_QUOTE ({', '.join(dict.fromkeys(quoted))})" if quoted else ""
    return (
        f"COPY (SELECT {', '.join(cells)} FROM (\n{query}\n) AS result({aliases})) TO ? "
        f"({EXPORT_OPTIONS['csv']}{force})"
    )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _rows_written(cursor: Connection) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0
