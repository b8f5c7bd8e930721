"""Results as a terminal table: NULL spelled out, numbers right-aligned, no cell cut without a
mark."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from newsdesk.store.cli_queries import count_rows

CUT_MARK = "…"
DEFAULT_WIDTH = 60
_NUMERIC = re.compile(
    r"^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL.*|BIGNUM|VARINT)$"
)
_ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


@dataclass(frozen=True)
class Table:
    columns: list[str]
    numeric: list[bool]  # right-aligned columns
    rows: list[tuple[Any, ...]]  # the rows shown
    total: int  # rows in the whole result

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class Rendered:
    lines: list[str]
    n_cut: int  # cells shortened to the width


def from_relation(rel: duckdb.DuckDBPyRelation, limit: int | None) -> Table:
    """The first `limit` rows of the result (all with None), and how many rows it has in all
    (counted by DuckDB only when there are more, so the common small result runs once)."""
    columns = list(rel.columns)
    numeric = [bool(_NUMERIC.match(str(t))) for t in rel.types]
    if limit is None:
        rows = rel.fetchall()
        return Table(columns, numeric, rows, len(rows))
    rows = rel.limit(limit + 1).fetchall()
    total = len(rows) if len(rows) <= limit else count_rows(rel)
    return Table(columns, numeric, rows[:limit], total)


def from_rows(columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> Table:
    numeric = [
        bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows)
        for i in range(len(columns))
    ]
    return Table(list(columns), numeric, list(rows), len(rows))


def render(table: Table, width: int | None = DEFAULT_WIDTH) -> Rendered:
    """Lines of the table; with `width`, longer cells end in CUT_MARK at that width (None: whole
    cells)."""
    n_cut = 0
    cells: list[list[str]] = []
    for row in table.rows:
        line = []
        for value in row:
            text = format_value(value)
            if width is not None and len(text) > width:
                text = text[: max(width - 1, 0)] + CUT_MARK
                n_cut += 1
            line.append(text)
        cells.append(line)
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]

    def join(parts: list[str]) -> str:
        padded = [
            p.rjust(w) if num else p.ljust(w) for p, w, num in zip(parts, widths, table.numeric)
        ]
        return "  ".join(padded).rstrip()

    lines = [join(table.columns), "  ".join("-" * w for w in widths)]
    lines += [join(r) for r in cells]
    return Rendered(lines, n_cut)


def format_value(value: Any, nested: bool = False) -> str:
    """One cell as text: NULL for a missing value, control characters escaped so a row stays on one
    line."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value.translate(_ESCAPES)
        return "'" + text.replace("'", "''") + "'" if nested else text
    if isinstance(value, (bytes, bytearray, memoryview)):
        return repr(bytes(value))[2:-1]
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(
                f"{format_value(k, True)}: {format_value(v, True)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v, True) for v in value) + "]"
    return str(value).translate(_ESCAPES)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
