"""Batches are dynamic partitions: one key per folder of the landing directory."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import dagster as dg

BATCHES = "batches"
batches = dg.DynamicPartitionsDefinition(name=BATCHES)

# Dagster refuses these in partition keys, and a comma would split a key in backfill selections.
_FORBIDDEN = (",", "...", "[", "]", "\n", "\r", "\t", "\x00")


def batch_key_problem(name: str) -> str | None:
    """Why a folder name cannot be a batch key, or None if it can."""
    if not name or name.startswith((".", "_")):
        return "hidden or marker folder"
    if any(bad in name for bad in _FORBIDDEN) or not name.isprintable():
        return "the name holds a comma, brackets, '...' or a control character; rename the folder"
    if len(name) > 200:
        return "the name is longer than 200 characters"
    return None


def ghost_partitions(keys: Iterable[str], landing_dir: Path, stored: set[str]) -> list[str]:
    """Partition keys with no folder in the landing directory and no rows in the database: typos
    made in the UI's "Add a partition", or batches whose folder and data are both gone. They stay
    grey in the UI forever."""
    return sorted(k for k in keys if k not in stored and not (landing_dir / k).is_dir())
