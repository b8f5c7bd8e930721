"""How a file's name inside a batch is written into the database, and which names are not
articles."""

from __future__ import annotations

import re

# The batch folder's own completion markers (written by whoever delivers the batch); not inputs.
MARKER_FILES = frozenset({"_SUCCESS", "_STARTED", "_MANIFEST"})
# os.fsdecode turns each byte that is not UTF-8 into one lone surrogate U+DC80..U+DCFF (PEP 383).
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def display_path(native: str) -> str:
    """A relative path as valid UTF-8 text: each byte of the name that is not UTF-8 is written as
    `\\xNN`, so the name stays visible and searchable and the database accepts it (doc ids hash the
    real bytes, not this)."""
    if not _ESCAPED_BYTE.search(native):
        return native
    return _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", native)


def is_hidden(name: str) -> bool:
    return name.startswith(".")
