"""The report's two story-thread sections: the top threads day by day, and who copies whom.

Their words and tables; the pictures are thread_charts.py's. `about` is HTML: only numbers and
fixed words are interpolated into it (names and titles go through the table, which escapes them).
"""

from __future__ import annotations

from newsdesk.report import thread_charts
from newsdesk.report.charts import plural
from newsdesk.report.page import Rows, Section
from newsdesk.report.queries import ReportData, report_sql


def _empty(data: ReportData, otherwise: str) -> str:
    if not data.has_schema or data.header.n_articles == 0:
        return "Nothing to show: no articles yet."
    if not data.has_threads:
        return (
            "No thread tables in this database: it was written before story threading. "
            "Publish a batch with this version, then build the report again."
        )
    return otherwise


def _folded(counts: dict[str, int], limit: int, what: str) -> str:
    """How many outlets share the "other outlets" bucket, in words ('' when none do)."""
    shown = thread_charts.top_outlets(counts, limit)
    if thread_charts.OTHER not in shown:
        return ""
    n = len(counts) - len(shown) + 1
    return f" {plural(n, 'more outlet')} {what} are counted together as “other outlets” (grey)."


def threads(data: ReportData, table_rows: int) -> Section:
    per_outlet: dict[str, int] = {}
    undated = late = 0
    for d in data.thread_days:
        n = d.n_original + d.n_copies
        if d.day is None:
            undated += n
            continue
        per_outlet[d.outlet] = per_outlet.get(d.outlet, 0) + n
        late += n if d.day > thread_charts.MAX_DAYS else 0
    notes = _folded(per_outlet, len(thread_charts.OUTLET_COLOURS), "in these threads")
    if undated:
        notes += (
            f" {plural(undated, 'article')} without a publication date (timed by ingestion, "
            "which says nothing about the event's days): counted in the titles, not drawn."
        )
    if late:
        notes += (
            f" {plural(late, 'article')} after day {thread_charts.MAX_DAYS}: in the last column."
        )
    empty = (
        "No story thread has more than one article yet: every story stands alone so far."
        if not data.threads
        else "The largest threads' articles have no publication date."
    )
    return Section(
        "threads",
        "Story threads day by day",
        thread_charts.timeline(data.threads, data.thread_days),
        "Bar charts, one per story thread: its articles per day, coloured by outlet, copies "
        "hatched.",
        _empty(data, empty),
        "A thread is the articles about one event (<code>newsdesk thread</code> prints one). The "
        f"{plural(len(data.threads), 'thread')} with the most articles, largest first, one panel "
        "each; a bar is one day since the thread's first dated article, split by outlet (colour); "
        "solid = an original report or follow-up, hatched = a syndicated copy. Outlets follow "
        "view <code>story_outlets</code>." + notes,
        "<code>SELECT thread_id, label, published_at::DATE AS day, outlet, role FROM "
        "thread_timeline ORDER BY thread_id, published_at</code> (view "
        "<code>thread_timeline</code>; sizes: table <code>threads</code>).",
        {name: report_sql(name) for name in ("top_threads.sql", "thread_days.sql")},
        Rows(
            "The largest threads",
            ["thread", "articles", "copies", "outlets", "first report", "by", "thread_id"],
            [
                [
                    t.label or "(no title)",
                    t.n_articles,
                    t.n_copies,
                    t.n_outlets,
                    t.first_report_at,
                    t.first_outlet or "(unknown)",
                    t.thread_id,
                ]
                for t in data.threads[:table_rows]
            ],
        ),
    )


def syndication(data: ReportData, table_rows: int) -> Section:
    made: dict[str, int] = {}
    copied: dict[str, int] = {}
    for r in data.syndication:
        made[r.original_outlet] = made.get(r.original_outlet, 0) + r.n_copies
        copied[r.copying_outlet] = copied.get(r.copying_outlet, 0) + r.n_copies
    limit = thread_charts.MATRIX_OUTLETS
    notes = _folded(made, limit, "whose stories were copied") + _folded(
        copied, limit, "that copied"
    )
    return Section(
        "syndication",
        "Who copies whom",
        thread_charts.syndication_matrix(data.syndication),
        "Matrix of outlets: row = the story's outlet, column = the outlet that carried a copy, "
        "cell = copies.",
        _empty(data, "No syndicated copies yet: no outlet carried another outlet's story."),
        "Row = the outlet that published the story (view <code>story_outlets</code>), column = an "
        "outlet that carried a syndicated copy of it; a cell is the copies, with the median delay "
        "from the original to the copy in hours under it (rows and columns: the outlets with the "
        "most copies)." + notes,
        "<code>SELECT * FROM outlet_syndication ORDER BY n_copies DESC</code> (view "
        "<code>outlet_syndication</code>, from <code>copies</code>; delays from "
        "<code>thread_articles.published_at</code>).",
        {"syndication.sql": report_sql("syndication.sql")},
        Rows(
            "The pairs with the most copies",
            ["story's outlet", "copied by", "copies", "stories", "median delay (hours)"],
            [
                [
                    r.original_outlet,
                    r.copying_outlet,
                    r.n_copies,
                    r.n_stories,
                    None if r.median_delay_hours is None else round(r.median_delay_hours, 1),
                ]
                for r in data.syndication[:table_rows]
            ],
        ),
    )
