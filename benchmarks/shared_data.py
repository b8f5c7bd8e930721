"""Where the team's shared folder is (seeds, benchmark sets, scorers): one answer for benchmarks and tests."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """$NEWSDESK_SHARED, else `shared/` next to the checkout (or next to the main checkout, for a worktree), else
    /work/shared: the first that holds seeds/ and bench/."""
    if os.environ.get("NEWSDESK_SHARED"):
        return Path(os.environ["NEWSDESK_SHARED"])
    candidates = [REPO.parent / "shared", REPO.parent.parent / "shared", Path("/work/shared")]
    for path in candidates:
        if (path / "seeds").is_dir() and (path / "bench").is_dir():
            return path
    raise RuntimeError(f"the shared folder (seeds/, bench/) is not in {[str(c) for c in candidates]}; "
                       "set NEWSDESK_SHARED")
