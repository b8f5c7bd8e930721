"""DuckDB extensions from the files inside their PyPI packages (duckdb-extension-<name>), so nothing
downloads.

Packages: duckdb-extension-fts, -ducklake, -postgres (and -httpfs, -aws for an S3 data path), each
pinned to the duckdb version. INSTALL from the file path reads the extension's own name from the
file (the postgres package ships `postgres.duckdb_extension`, which installs as `postgres_scanner`),
so a later autoload by DuckLake finds it too.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

KNOWN = ("fts", "ducklake", "postgres", "httpfs", "aws")


def extension_file(name: str) -> Path:
    """The extension binary that the package `duckdb_extension_<name>` ships for this DuckDB
    version."""
    if name not in KNOWN:
        raise ValueError(f"unknown extension {name!r}; expected one of {KNOWN}")
    package = f"duckdb_extension_{name}"
    try:
        module = importlib.import_module(package)
    except ImportError:
        dist = package.replace("_", "-")
        raise RuntimeError(
            f"{dist} is not installed (pip install {dist}=={duckdb.__version__})"
        ) from None
    folder = (
        Path(module.__file__).parent  # type: ignore[arg-type]
        / "extensions"
        / f"v{duckdb.__version__}"
    )
    found = sorted(folder.glob("*.duckdb_extension"))
    if not found:
        raise RuntimeError(
            f"{package} has no build for DuckDB {duckdb.__version__} (looked in {folder})"
        )
    return found[0]


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """INSTALL the packaged file (a no-op once installed) and LOAD it into this connection."""
    # INSTALL takes no bound parameters; the path comes from the installed package, quotes doubled
    # all the same.
    path = str(extension_file(name)).replace("'", "''")
    con.execute(f"INSTALL '{path}'")
    con.execute(f"LOAD {name}")  # LOAD postgres is DuckDB's alias of postgres_scanner
