"""Where the project is: the checkout newsdesk is installed from, never the working directory.

`make setup` installs newsdesk in editable mode, so this module sits in <checkout>/src/newsdesk/.
The default paths (data/newsdesk.duckdb, data/landing, dagster_home/) and the operator code
(pipelines/, assets/, which are not installed) are found there, whatever directory a command is
started from.
"""

from __future__ import annotations

from pathlib import Path


def project_root() -> Path | None:
    """The checkout, or None when newsdesk is installed as a plain package (then NEWSDESK_DB and
    NEWSDESK_LANDING_DIR say where the data is, and the operator commands are not available)."""
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "pyproject.toml").is_file() and (
        candidate / "pipelines" / "__main__.py"
    ).is_file():
        return candidate
    return None
