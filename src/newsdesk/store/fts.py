"""Full-text search with DuckDB's fts extension, loaded from the duckdb-extension-fts package (no download)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_fts


def extension_file() -> Path:
    """The fts extension binary shipped for this DuckDB version."""
    folder = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    found = sorted(folder.glob("fts.duckdb_extension"))
    if not found:
        raise RuntimeError(f"duckdb-extension-fts has no build for DuckDB {duckdb.__version__} (looked in {folder})")
    return found[0]


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    # INSTALL takes no bound parameters; the path comes from the installed package, quotes doubled all the same.
    path = str(extension_file()).replace("'", "''")
    con.execute(f"INSTALL '{path}'")
    con.execute("LOAD fts")


def build_article_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the BM25 index over articles.title and articles.body; returns the number of articles indexed."""
    load_fts(con)
    con.execute("PRAGMA create_fts_index('articles', 'doc_id', 'title', 'body', overwrite=1)")
    return con.execute("SELECT count(*) FROM articles").fetchone()[0]
