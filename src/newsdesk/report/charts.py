"""The report's pictures: matplotlib figures rendered to PNG bytes, one per section.

Figures are built with the object API (`Figure`, never pyplot), so no global backend is switched
inside a Dagster process and nothing opens a window; savefig renders with Agg. Each function returns
None when there is nothing to draw, and the page says so in words instead.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from newsdesk.report.queries import Batch, Cluster, Edge, Entity, QuarantineReason, RemovedKind

WIDTH_IN = (
    11.0  # shown at 1100 CSS px: a 1200 px window shows it whole, at one CSS px per point and a bit
)
DPI = 150  # 1650 px images: sharp on high-density screens when scaled down
# Okabe-Ito colours (readable with colour-blindness), fixed per entity label so reports compare
# across runs.
LABEL_COLOURS = {
    "PERSON": "#0072B2",
    "ORG": "#E69F00",
    "GPE": "#009E73",
    "LOC": "#56B4E9",
    "NORP": "#CC79A7",
    "EVENT": "#D55E00",
    "PRODUCT": "#F0E442",
    "FAC": "#999999",
}
OTHER_COLOUR = "#BBBBBB"
STAGE_COLOURS = {"ingest": "#0072B2", "clean": "#E69F00"}
BAR = "#0072B2"
LIGHT_BAR = "#A6CEE3"  # bars with dark text on them


@contextmanager
def _style() -> Iterator[None]:
    # Titles and names come from the data: a "$" in a headline must print as a dollar, not start TeX
    # math.
    with matplotlib.rc_context(
        {
            "text.parse_math": False,
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        yield


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def label_cell(
    ax: Axes, col: int, row: int, text: str, shade: float, peak: float, fontsize: int = 10
) -> None:
    """A number written on a heatmap cell: white on cells darker than 60 % of the scale's peak,
    black elsewhere (a NaN shade, a grey cell off the scale, too)."""
    colour = "white" if shade > 0.6 * peak else "black"
    ax.text(col, row, text, ha="center", va="center", fontsize=fontsize, color=colour)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {many or word + 's'}"


def _short(text: str | None, limit: int, missing: str) -> str:
    text = " ".join((text or "").split()) or missing
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _months(first: date, last: date) -> list[date]:
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_label(month: date | None) -> str:
    return month.strftime("%Y-%m") if month is not None else "undated"


def mentions_over_time(
    entities: list[Entity], monthly: list[tuple[str, date | None, int]], kind: str = "entity"
) -> bytes | None:
    """Heatmap: one row per top entity, one column per month (every month in the range, empty ones
    included), cells = stories naming the entity; undated stories in a last column of their own."""
    if not entities or not monthly:
        return None
    dated = [m for _, m, _ in monthly if m is not None]
    columns: list[date | None] = list(_months(min(dated), max(dated))) if dated else []
    if any(m is None for _, m, _ in monthly):
        columns.append(None)
    col_of = {m: i for i, m in enumerate(columns)}
    row_of = {e.entity_id: i for i, e in enumerate(entities)}
    grid = [[0] * len(columns) for _ in entities]
    for entity_id, month, n in monthly:
        grid[row_of[entity_id]][col_of[month]] = n
    peak = max(max(row) for row in grid) or 1
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 1.6 + 0.42 * len(entities)), layout="constrained")
        ax = fig.add_subplot()
        image = ax.imshow(
            grid, aspect="auto", cmap="Blues", vmin=0, vmax=peak, interpolation="nearest"
        )
        if len(columns) <= 36:
            for r, row in enumerate(grid):
                for c, n in enumerate(row):
                    if n:
                        label_cell(ax, c, r, str(n), n, peak)
        step = max(1, math.ceil(len(columns) / 18))
        ticks = [i for i in range(len(columns)) if i % step == 0 or columns[i] is None]
        ax.set_xticks(
            ticks,
            [_month_label(columns[i]) for i in ticks],
            rotation=45 if len(ticks) > 8 else 0,
            ha="right" if len(ticks) > 8 else "center",
        )
        if columns[-1] is None and len(columns) > 1:
            ax.axvline(len(columns) - 1.5, color="white", linewidth=4)
        ax.set_yticks(
            range(len(entities)),
            [f"{_short(e.name, 40, '?')} ({e.label}) · {e.n_articles}" for e in entities],
        )
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(
            f"Stories naming each of the top {len(entities)} {kind}, per month of publication"
        )
        fig.colorbar(
            image, ax=ax, label="stories", shrink=0.8, pad=0.01, ticks=MaxNLocator(integer=True)
        )
        return _png(fig)


def cooccurrence_matrix(entities: list[Entity], edges: list[Edge]) -> bytes | None:
    """Who appears with whom, as a triangle of numbers: row entity x column entity = stories naming
    both. A matrix rather than a network: every pair is in its own cell with its number, nothing
    overlaps."""
    weights = {(e.entity_a, e.entity_b): e.n_articles for e in edges}
    weights.update({(b, a): n for (a, b), n in list(weights.items())})
    if not entities or not weights:
        return None
    ids = [e.entity_id for e in entities]
    grid = [
        [weights.get((a, b), 0) if j < i else math.nan for j, b in enumerate(ids)]
        for i, a in enumerate(ids)
    ]
    peak = max(weights.values())
    names = [f"{_short(e.name, 26, '?')} ({e.label}) · {e.n_articles}" for e in entities]
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 2.0 + 0.42 * len(entities)), layout="constrained")
        ax = fig.add_subplot()
        image = ax.imshow(
            grid, cmap="Blues", vmin=0, vmax=peak, interpolation="nearest", aspect="auto"
        )
        for i, row in enumerate(grid):
            for j, n in enumerate(row[:i]):
                if n:
                    label_cell(ax, j, i, str(n), n, peak)
        ax.set_yticks(range(len(ids)), names)
        ax.set_xticks(
            range(len(ids)), [_short(e.name, 18, "?") for e in entities], rotation=45, ha="right"
        )
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(f"Stories naming both, for the {len(ids)} entities named in the most stories")
        fig.colorbar(
            image,
            ax=ax,
            label="stories naming both",
            shrink=0.8,
            pad=0.01,
            ticks=MaxNLocator(integer=True),
        )
        return _png(fig)


def cluster_sizes(sizes: list[tuple[int, int]], biggest: list[Cluster]) -> bytes | None:
    """Histogram of copy-cluster sizes (left), and the biggest clusters with who carried them
    (right)."""
    if not sizes:
        return None
    with _style():
        height = max(3.6, 0.5 * len(biggest) + 1.4)
        fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        axes = fig.subplots(1, 2, width_ratios=[1.0, 2.2]) if biggest else [fig.add_subplot()]
        ax = axes[0]
        xs, ns = [s for s, _ in sizes], [n for _, n in sizes]
        bars = ax.bar(xs, ns, width=0.8, color=BAR)
        ax.set_xlim(0.4, max(xs) + 0.6)
        if max(xs) <= 20:
            ax.set_xticks(range(1, max(xs) + 1))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.bar_label(bars, fmt="{:,.0f}", padding=2, fontsize=10)
        if max(ns) > 20 * min(ns):
            ax.set_yscale(
                "log"
            )  # singletons outnumber copied stories by far; a linear axis hides the copies
            # plain numbers: the default log labels are TeX, and TeX parsing is off for the data's
            # sake (_style)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("articles in the cluster")
        ax.set_ylabel("clusters")
        if ax.get_yscale() == "linear":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        n_clusters, n_copied = sum(ns), sum(n for s, n in sizes if s > 1)
        ax.set_title(f"{plural(n_clusters, 'copy cluster')}; {n_copied:,} with copies")
        if biggest:
            ax = axes[1]  # the text sits on the bars, so the panel's whole width is the cluster's
            bars = ax.barh(
                range(len(biggest)), [c.size for c in biggest], color=LIGHT_BAR, height=0.85
            )
            ax.bar_label(bars, fmt="{:,.0f}", padding=3, fontsize=10)
            for i, c in enumerate(biggest):
                ax.text(
                    0.04,
                    i,
                    f"{_short(c.title, 70, f'(no title: {c.copy_cluster_id})')}\n"
                    f"{_short(c.outlet, 30, '(unknown outlet)')} → {_short(c.copied_by, 60, '?')}",
                    va="center",
                    ha="left",
                    fontsize=9,
                    transform=ax.get_yaxis_transform(),
                )
            ax.set_yticks([])
            ax.invert_yaxis()
            ax.set_xlim(0, max(c.size for c in biggest) * 1.08)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("articles in the cluster")
            ax.set_title("Biggest: title, its outlet → who copied it")
        return _png(fig)


def batches(rows: list[Batch]) -> bytes | None:
    """Per batch (latest first): its articles split into new stories and copies, and what was
    quarantined."""
    if not rows:
        return None
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 1.4 + 0.42 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        y = range(len(rows))
        new = [b.n_articles - b.n_copies for b in rows]
        copies = [b.n_copies for b in rows]
        quarantined = [b.n_quarantined for b in rows]
        ax.barh(y, new, color=BAR, label="new stories")
        ax.barh(y, copies, left=new, color=STAGE_COLOURS["clean"], label="copies")
        bars = ax.barh(
            y,
            quarantined,
            left=[a + b for a, b in zip(new, copies)],
            color=OTHER_COLOUR,
            label="quarantined",
        )
        ax.bar_label(
            bars,
            [
                f"{b.n_articles:,} articles ({b.n_copies:,} copies), "
                f"{b.n_quarantined:,} quarantined"
                for b in rows
            ],
            padding=4,
            fontsize=10,
        )
        ax.set_yticks(list(y), [_short(b.batch_id, 30, "?") for b in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, max(b.n_records for b in rows) * 1.7 or 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("input records")
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
        ax.set_title(f"The latest {plural(len(rows), 'batch', 'batches')}: what each brought in")
        return _png(fig)


def words_removed(removed: list[RemovedKind]) -> bytes | None:
    """Per boilerplate kind, the share of all input words it removed."""
    if not removed:
        return None
    total = removed[0].n_input_words
    share = sum(r.share for r in removed)
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 1.4 + 0.42 * len(removed)), layout="constrained")
        ax = fig.add_subplot()
        bars = ax.barh(range(len(removed)), [100 * r.share for r in removed], color=BAR)
        ax.bar_label(
            bars,
            [
                f"{100 * r.share:.1f}%  ({plural(r.n_words, 'word')}, "
                f"{plural(r.n_segments, 'piece')})"
                for r in removed
            ],
            padding=4,
            fontsize=10,
        )
        ax.set_yticks(range(len(removed)), [r.kind for r in removed])
        ax.invert_yaxis()
        ax.set_xlim(0, 100 * max(r.share for r in removed) * 1.6)
        ax.set_xlabel("share of all input words (%)")
        ax.set_title(f"Boilerplate removed: {100 * share:.1f}% of {total:,} input words")
        return _png(fig)


def quarantine_reasons(reasons: list[QuarantineReason]) -> bytes | None:
    """Inputs that did not become articles, per stage and reason."""
    if not reasons:
        return None
    seen = {"ingest": "input records", "clean": "documents"}
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 1.4 + 0.42 * len(reasons)), layout="constrained")
        ax = fig.add_subplot()
        bars = ax.barh(
            range(len(reasons)),
            [q.n for q in reasons],
            color=[STAGE_COLOURS.get(q.stage, OTHER_COLOUR) for q in reasons],
        )
        ax.bar_label(
            bars,
            [
                f"{q.n:,} of {q.n_seen:,} {seen.get(q.stage, 'records')}"
                if q.n_seen >= q.n
                else f"{q.n:,}"
                for q in reasons
            ],
            padding=4,
            fontsize=10,
        )
        ax.set_yticks(range(len(reasons)), [f"{q.stage} · {q.reason}" for q in reasons])
        ax.invert_yaxis()
        ax.set_xlim(0, max(q.n for q in reasons) * 1.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("quarantined")
        ax.set_title(
            f"{plural(sum(q.n for q in reasons), 'input')} quarantined, by stage and reason"
        )
        return _png(fig)
