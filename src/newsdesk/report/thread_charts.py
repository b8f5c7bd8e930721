"""The story-thread pictures: the top threads day by day, and who copies whom (outlet x outlet).

Same conventions as charts.py (object API, Agg, no TeX parsing of data, None when there is nothing
to draw). Outlets are capped so a corpus with hundreds of them stays readable: the rest share one
"other outlets" colour, row or column, and the page says how many were folded.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from newsdesk.report.charts import (
    OTHER_COLOUR,
    WIDTH_IN,
    _png,
    _short,
    _style,
    label_cell,
    plural,
)
from newsdesk.report.queries import Syndication, Thread, ThreadDay

# Okabe-Ito (readable with colour-blindness) in a fixed order: the outlet with the most articles
# gets the first.
OUTLET_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
OTHER = "other outlets"
# Later days fold into a last "30+" column, so one long-lived thread does not squeeze the rest.
MAX_DAYS = 30
MATRIX_OUTLETS = 12  # rows (story outlets) and columns (copying outlets) before the "other" bucket


def top_outlets(counts: dict[str, int], limit: int) -> list[str]:
    """The `limit` outlets with the most articles (ties by name, so the same data picks the same
    ones); when more exist, the last place goes to OTHER, which stands for all the rest."""
    ranked = sorted(counts, key=lambda o: (-counts[o], o))
    return ranked if len(ranked) <= limit else [*ranked[: limit - 1], OTHER]


def _bucket(outlet: str, shown: list[str]) -> str:
    return outlet if outlet in shown else OTHER


def timeline(threads: list[Thread], days: list[ThreadDay]) -> bytes | None:
    """One panel per thread (largest first), x = days since its first dated article: stacked bars
    of its articles per day, one colour per outlet, originals solid and copies hatched on white."""
    dated = [d for d in days if d.day is not None]
    if not threads or not dated:
        return None
    per_outlet: Counter[str] = Counter()
    for d in dated:
        per_outlet[d.outlet] += d.n_original + d.n_copies
    shown = top_outlets(dict(per_outlet), len(OUTLET_COLOURS))
    colour = {o: OTHER_COLOUR if o == OTHER else OUTLET_COLOURS[i] for i, o in enumerate(shown)}
    # thread -> day (capped) -> (outlet bucket, is copy) -> articles
    grid: dict[str, dict[int, Counter[tuple[str, bool]]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for d in dated:
        cell = grid[d.thread_id][min(d.day or 0, MAX_DAYS)]
        cell[(_bucket(d.outlet, shown), False)] += d.n_original
        cell[(_bucket(d.outlet, shown), True)] += d.n_copies
    last = max(day for cells in grid.values() for day in cells)
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 1.5 + 1.2 * len(threads)), layout="constrained")
        axes = fig.subplots(len(threads), 1, sharex=True, squeeze=False)[:, 0]
        for ax, thread in zip(axes, threads):
            cells = grid.get(thread.thread_id, {})
            _thread_bars(ax, cells, shown, colour)
            first = (
                thread.first_report_at.strftime("%Y-%m-%d")
                if isinstance(thread.first_report_at, datetime)
                else "undated"
            )
            ax.set_title(
                f"{_short(thread.label, 60, f'(no title: {thread.thread_id})')}  ·  "
                f"{plural(thread.n_articles, 'article')}, "
                f"{plural(thread.n_copies, 'copy', 'copies')}, "
                f"{plural(thread.n_outlets, 'outlet')}"
                f"  ·  first report {first} "
                f"({_short(thread.first_outlet, 24, '?')})",
                loc="left",
                fontsize=10,
            )
            ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
            ax.set_ylim(0, max((sum(c.values()) for c in cells.values()), default=1) * 1.35)
        ticks = list(range(0, last + 1, math.ceil((last + 1) / 16)))
        if last == MAX_DAYS and ticks[-1] != last:
            ticks.append(last)  # the folded "30+" column is always labelled
        axes[-1].set_xticks(ticks, [f"{t}+" if t == MAX_DAYS else str(t) for t in ticks])
        axes[-1].set_xlim(-0.6, last + 0.6)
        axes[-1].set_xlabel("days since the thread's first dated article")
        fig.supylabel("articles that day")
        handles = [Patch(facecolor=colour[o], label=_short(o, 28, "?")) for o in shown]
        handles += [
            Patch(facecolor="#777777", label="original report"),
            Patch(facecolor="white", edgecolor="#777777", hatch="////", label="copy"),
        ]
        fig.legend(
            handles=handles,
            loc="outside upper center",
            ncols=min(6, len(handles)),
            frameon=False,
            fontsize=9,
        )
        return _png(fig)


def _thread_bars(
    ax: Axes, cells: dict[int, Counter[tuple[str, bool]]], shown: list[str], colour: dict[str, str]
) -> None:
    """Stacked bars per day: per outlet (in legend order) its originals, then its copies."""
    xs = sorted(cells)
    bottom = [0] * len(xs)
    for outlet in shown:
        for is_copy in (False, True):
            heights = [cells[x][(outlet, is_copy)] for x in xs]
            # No zero-height bars: their edges would show as lines.
            drawn = [i for i, h in enumerate(heights) if h]
            if not drawn:
                continue
            ax.bar(
                [xs[i] for i in drawn],
                [heights[i] for i in drawn],
                bottom=[bottom[i] for i in drawn],
                width=0.7,
                color="white" if is_copy else colour[outlet],
                edgecolor=colour[outlet],
                hatch="////" if is_copy else None,
                linewidth=1.0,
            )
            bottom = [b + h for b, h in zip(bottom, heights)]
    for x, total in zip(xs, bottom):
        ax.text(x, total, f"{total:,}", ha="center", va="bottom", fontsize=10)


def syndication_matrix(rows: list[Syndication]) -> bytes | None:
    """Rows = the story's outlet, columns = the outlet that carried a copy, cell = copies (and the
    median delay in hours when the cell is one pair, not an "other" bucket)."""
    if not rows:
        return None
    made: Counter[str] = Counter()
    copied: Counter[str] = Counter()
    for r in rows:
        made[r.original_outlet] += r.n_copies
        copied[r.copying_outlet] += r.n_copies
    originals = top_outlets(dict(made), MATRIX_OUTLETS)
    copiers = top_outlets(dict(copied), MATRIX_OUTLETS)
    cells: Counter[tuple[str, str]] = Counter()
    delay: dict[tuple[str, str], float | None] = {}
    for r in rows:
        key = (_bucket(r.original_outlet, originals), _bucket(r.copying_outlet, copiers))
        cells[key] += r.n_copies
        delay[key] = r.median_delay_hours if key == (r.original_outlet, r.copying_outlet) else None
    grid = [[cells.get((o, c), 0) for c in copiers] for o in originals]
    # The colour scale is the named pairs': an "other" bucket sums many pairs and would wash them
    # out, so its cells are grey (NaN on the axes' grey) with their numbers written in.
    shade = [
        [math.nan if OTHER in (o, c) else n for c, n in zip(copiers, row)]
        for o, row in zip(originals, grid)
    ]
    peak = max((n for row in shade for n in row if not math.isnan(n)), default=0) or 1
    with _style():
        fig = Figure(figsize=(WIDTH_IN, max(3.6, 2.2 + 0.5 * len(originals))), layout="constrained")
        ax = fig.add_subplot()
        ax.set_facecolor("#E4E4E4")
        image = ax.imshow(
            shade, cmap="Oranges", vmin=0, vmax=peak, interpolation="nearest", aspect="auto"
        )
        for i, o in enumerate(originals):
            for j, c in enumerate(copiers):
                n = grid[i][j]
                if not n:
                    continue
                hours = delay.get((o, c))
                text = f"{n:,}" if hours is None else f"{n:,}\n{hours:,.0f} h"
                size = 9 if len(copiers) > 6 else 11
                label_cell(ax, j, i, text, shade[i][j], peak, fontsize=size)
        ax.set_yticks(range(len(originals)), [_short(o, 30, "?") for o in originals])
        ax.set_xticks(
            range(len(copiers)),
            [_short(c, 22, "?") for c in copiers],
            rotation=30 if len(copiers) > 4 else 0,
            ha="right" if len(copiers) > 4 else "center",
        )
        ax.set_ylabel("story's outlet (the original)")
        ax.set_xlabel("outlet that carried a copy")
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(
            f"Who copies whom: {plural(sum(made.values()), 'copy', 'copies')} of stories from "
            f"{plural(len(made), 'outlet')}, carried by {plural(len(copied), 'outlet')}"
        )
        fig.colorbar(
            image, ax=ax, label="copies", shrink=0.8, pad=0.01, ticks=MaxNLocator(integer=True)
        )
        return _png(fig)
