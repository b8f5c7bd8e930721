"""Full-text search with DuckDB's fts extension, loaded from the duckdb-extension-fts package (no
download)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from newsdesk.store import extensions


def extension_file() -> Path:
    """The fts extension binary shipped for this DuckDB version."""
    return extensions.extension_file("fts")


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    extensions.load_extension(con, "fts")


def build_article_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the BM25 index over articles.title and articles.body; returns the number of
    articles indexed."""
    load_fts(con)
    con.execute("PRAGMA create_fts_index('articles', 'doc_id', 'title', 'body', overwrite=1)")
    return con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
