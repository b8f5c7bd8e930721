"""What the operator sees while a batch runs and after it: the stages' progress lines as they come,
and one summary per batch (articles, copies, inputs dropped by reason, wall time). Dagster's own log
stays in the run's event log (the UI shows it); on the terminal it would bury these lines, and a
Ctrl-C under a hundred lines of traceback."""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from assets.batch import PROGRESS_LOGGER

BATCH_ASSETS = ("raw_documents", "clean_articles", "article_entities", "article_copies")
# The console logger of CLI runs: nothing on the terminal (the summary says how a run ended, the UI
# has the rest).
SILENT = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
_IRREGULAR = {"copy": "copies", "process": "processes"}


def plural(n: int, word: str) -> str:
    """'1 article', '2 articles', '0 copies'."""
    return f"{n:,} {word if n == 1 else _IRREGULAR.get(word, word + 's')}"


@contextmanager
def progress_to(stream: TextIO | None = None) -> Iterator[None]:
    """Print the stages' progress lines (newsdesk.runner.progress_line and the like) while a run
    executes here."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)


def stage_stats(result: Any) -> dict[str, dict[str, int]]:
    """asset -> its integer metadata (the stage's stats), for the batch assets the run
    materialised."""
    found: dict[str, dict[str, int]] = {}
    for asset in BATCH_ASSETS:
        events = result.asset_materializations_for_node(asset)
        if events:
            found[asset] = {
                k: v.value
                for k, v in events[-1].metadata.items()
                if isinstance(v.value, int) and not isinstance(v.value, bool)
            }
    return found


def batch_summary(name: str, result: Any, seconds: float) -> str:
    """One line: `batch B succeeded in 12.3 s: 7 articles from 9 inputs, 2 copies, 3 dropped
    (empty_file 2, ...)`."""
    stats = stage_stats(result)
    dropped: Counter[str] = Counter()
    for values in stats.values():
        dropped.update(
            {
                k.removeprefix("dropped_"): n
                for k, n in values.items()
                if k.startswith("dropped_") and n
            }
        )
    parts = []
    if "clean_articles" in stats:
        parts.append(
            plural(stats["clean_articles"].get("kept", 0), "article")
            + (
                f" from {plural(stats['raw_documents'].get('total', 0), 'input')}"
                if "raw_documents" in stats
                else ""
            )
        )
    if "article_copies" in stats:
        parts.append(plural(stats["article_copies"].get("copies", 0), "copy"))
    if dropped:
        reasons = ", ".join(
            f"{reason} {n:,}" for reason, n in sorted(dropped.items(), key=lambda r: (-r[1], r[0]))
        )
        # every stage's dropped_<reason>: quarantined inputs, and articles a stage skips
        # (not_english)
        parts.append(f"{sum(dropped.values()):,} dropped ({reasons})")
    return f"batch {name} succeeded in {seconds:.1f} s: " + ", ".join(parts)


@contextmanager
def children_stderr_silenced() -> Iterator[None]:
    """Helper processes a run starts inherit a standard error that goes nowhere. Dagster mirrors
    each step's captured output with `tail -F` and a watcher process; Ctrl-C reaches them too (same
    process group), and each would print its own KeyboardInterrupt traceback under our one line. The
    steps' output is still in the run's compute logs (the UI); this process's own messages go to the
    real standard error."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    real = sys.stderr
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1)
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = real
        os.dup2(saved, 2)
        os.close(saved)
