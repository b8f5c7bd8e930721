"""The report's pictures: matplotlib figures rendered to PNG bytes, one per section.

Figures are built with the object API (`Figure`, never pyplot), so no global backend is switched inside a Dagster
process and nothing opens a window; savefig renders with Agg. Each function returns None when there is nothing to
draw, and the page says so in words instead.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import matplotlib
import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from newsdesk.report.queries import Cluster, Entity, QuarantineReason, RemovedKind

WIDTH_IN = 11.0  # shown at 1100 CSS px: a 1200 px window shows it whole, at one CSS px per point and a bit
DPI = 150  # 1650 px images: sharp on high-density screens when scaled down
# Okabe-Ito colours (readable with colour-blindness), fixed per entity label so reports compare across runs.
LABEL_COLOURS = {"PERSON": "#0072B2", "ORG": "#E69F00", "GPE": "#009E73", "LOC": "#56B4E9", "NORP": "#CC79A7",
                 "EVENT": "#D55E00", "PRODUCT": "#F0E442", "FAC": "#999999"}
OTHER_COLOUR = "#BBBBBB"
STAGE_COLOURS = {"ingest": "#0072B2", "clean": "#E69F00"}
BAR = "#0072B2"
# A network of 20 entities has up to 190 pairs: past about three lines per node it is a hairball, so only the
# strongest pairs are drawn (the caption says how many of how many).
MAX_EDGES = 60


@contextmanager
def _style() -> Iterator[None]:
    # Titles and names come from the data: a "$" in a headline must print as a dollar, not start TeX math.
    with matplotlib.rc_context({"text.parse_math": False, "font.size": 11, "axes.titlesize": 13,
                                "axes.spines.top": False, "axes.spines.right": False}):
        yield


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


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


def mentions_over_time(entities: list[Entity], monthly: list[tuple[str, date | None, int]]) -> bytes | None:
    """Heatmap: one row per top entity, one column per month (every month in the range, empty ones included),
    cells = stories naming the entity; undated stories in a last column of their own."""
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
        image = ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0, vmax=peak, interpolation="nearest")
        if len(columns) <= 36:
            for r, row in enumerate(grid):
                for c, n in enumerate(row):
                    if n:
                        ax.text(c, r, str(n), ha="center", va="center", fontsize=10,
                                color="white" if n > 0.6 * peak else "black")
        step = max(1, math.ceil(len(columns) / 18))
        ticks = [i for i in range(len(columns)) if i % step == 0 or columns[i] is None]
        ax.set_xticks(ticks, [_month_label(columns[i]) for i in ticks],
                      rotation=45 if len(ticks) > 8 else 0, ha="right" if len(ticks) > 8 else "center")
        if columns[-1] is None and len(columns) > 1:
            ax.axvline(len(columns) - 1.5, color="white", linewidth=4)
        ax.set_yticks(range(len(entities)), [f"{_short(e.name, 40, '?')} ({e.label}) · {e.n_articles}"
                                             for e in entities])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title("Stories naming each top entity, per month of publication")
        fig.colorbar(image, ax=ax, label="stories", shrink=0.8, pad=0.01, ticks=MaxNLocator(integer=True))
        return _png(fig)


def _component_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own, then the components packed in rows (one layout of the whole
    graph throws small components to the far corners and squeezes the big one into a clump). Kamada-Kawai rather
    than a spring layout: it is deterministic without a seed and spreads the cliques one article's entities form,
    where the spring layout piled them on top of each other."""
    order = {node: i for i, node in enumerate(graph)}
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(order[n] for n in c)))
    boxes = []
    for nodes in components:
        sub = graph.subgraph(nodes)
        if len(nodes) == 1:
            local, radius = {next(iter(nodes)): (0.0, 0.0)}, 0.5
        else:
            radius = math.sqrt(len(nodes))
            local = {n: (x * radius, y * radius) for n, (x, y) in nx.kamada_kawai_layout(sub, weight=None).items()}
        boxes.append((local, radius + 0.6))
    # rows about twice as wide as the whole is tall: the picture is wider than high
    width = max(max(2 * r for _, r in boxes), math.sqrt(sum((2 * r) ** 2 for _, r in boxes) * 2.0))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for local, r in boxes:
        if x > 0 and x + 2 * r > width:
            x, y, row_height = 0.0, y - row_height, 0.0
        for node, (nx_, ny_) in local.items():
            pos[node] = (x + r + nx_, y - r + ny_)
        x, row_height = x + 2 * r, max(row_height, 2 * r)
    return pos


def cooccurrence_network(entities: list[Entity], edges: list[tuple[str, str, int]]) -> bytes | None:
    """Who appears with whom: node area = stories naming the entity, line width = stories naming both."""
    if not entities:
        return None
    graph = nx.Graph()
    for e in entities:  # insertion order fixes the component order, so the same data draws the same picture
        graph.add_node(e.entity_id)
    for a, b, n in edges[:MAX_EDGES]:  # strongest first (the query's order)
        graph.add_edge(a, b, weight=n)
    pos = _component_layout(graph)
    top_n = max(e.n_articles for e in entities)
    top_w = max((n for _, _, n in edges), default=1)
    with _style():
        xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
        shape = (max(ys) - min(ys) + 2.0) / (max(xs) - min(xs) + 2.0)  # the layout's height per width, padded
        fig = Figure(figsize=(WIDTH_IN, min(8.5, max(3.5, 1.5 + WIDTH_IN * shape))), layout="constrained")
        ax = fig.add_subplot()
        nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#777777", alpha=0.55,
                               width=[1 + 7 * graph.edges[a, b]["weight"] / top_w for a, b in graph.edges])
        nx.draw_networkx_nodes(graph, pos, ax=ax, nodelist=[e.entity_id for e in entities], linewidths=1,
                               edgecolors="white", node_size=[250 + 2200 * e.n_articles / top_n for e in entities],
                               node_color=[LABEL_COLOURS.get(e.label, OTHER_COLOUR) for e in entities])
        for e in entities:
            x, y = pos[e.entity_id]
            ax.text(x, y, _short(e.name, 28, "?"), ha="center", va="center", fontsize=9.5,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})
        labels = sorted({e.label for e in entities})
        handles = [Line2D([], [], marker="o", linestyle="", markersize=10,
                          color=LABEL_COLOURS.get(label, OTHER_COLOUR), label=label)
                   for label in labels]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(labels) + 1, frameon=False,
                   title=f"entity label · node area: stories naming it (max {top_n}) · line width: stories naming "
                         f"both (max {top_w if edges else 0})")
        ax.set_title(f"Entities named in the most stories (top {len(entities)}), and the stories they share")
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.08)
        ax.set_axis_off()
        return _png(fig)


def cluster_sizes(sizes: list[tuple[int, int]], biggest: list[Cluster]) -> bytes | None:
    """Histogram of copy-cluster sizes, and the biggest clusters by their canonical title and outlet."""
    if not sizes:
        return None
    with _style():
        fig = Figure(figsize=(WIDTH_IN, 3.2 + (0.36 * len(biggest) + 0.8 if biggest else 0)), layout="constrained")
        axes = fig.subplots(2 if biggest else 1, 1, squeeze=False,
                            height_ratios=[3.0, 0.36 * len(biggest) + 0.8] if biggest else [1])[:, 0]
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
            ax.set_yscale("log")  # singletons outnumber copied stories by far; a linear axis hides the copies
            # plain numbers: the default log labels are TeX, and TeX parsing is off for the data's sake (_style)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("articles in the cluster (the canonical article and its copies)")
        ax.set_ylabel("clusters")
        if ax.get_yscale() == "linear":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        n_clusters, n_copied = sum(ns), sum(n for s, n in sizes if s > 1)
        ax.set_title(f"{plural(n_clusters, 'copy cluster')}; {n_copied:,} with copies")
        if biggest:
            ax = axes[1]
            labels = [f"{_short(c.title, 60, f'(no title: {c.copy_cluster_id})')} — "
                      f"{_short(c.outlet, 28, '(unknown outlet)')}" for c in biggest]
            bars = ax.barh(range(len(biggest)), [c.size for c in biggest], color=BAR)
            ax.bar_label(bars, fmt="{:,.0f}", padding=3, fontsize=10)
            ax.set_yticks(range(len(biggest)), labels)
            ax.invert_yaxis()
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("articles in the cluster")
            ax.set_title("Biggest clusters: canonical title — outlet")
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
        ax.bar_label(bars, [f"{100 * r.share:.1f}%  ({plural(r.n_words, 'word')}, {plural(r.n_segments, 'piece')})"
                            for r in removed],
                     padding=4, fontsize=10)
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
        bars = ax.barh(range(len(reasons)), [q.n for q in reasons],
                       color=[STAGE_COLOURS.get(q.stage, OTHER_COLOUR) for q in reasons])
        ax.bar_label(bars, [f"{q.n:,} of {q.n_seen:,} {seen.get(q.stage, 'records')}" if q.n_seen >= q.n
                            else f"{q.n:,}" for q in reasons],
                     padding=4, fontsize=10)
        ax.set_yticks(range(len(reasons)), [f"{q.stage} · {q.reason}" for q in reasons])
        ax.invert_yaxis()
        ax.set_xlim(0, max(q.n for q in reasons) * 1.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("quarantined")
        ax.set_title(f"{plural(sum(q.n for q in reasons), 'input')} quarantined, by stage and reason")
        return _png(fig)
