"""build_report: the corpus report as one static HTML file, written next to the snapshot it was read
from."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsdesk.report import charts
from newsdesk.report.charts import plural
from newsdesk.report.page import Rows, Section, render
from newsdesk.report.queries import ENTITY_PANELS, Panel, ReportData, load, report_sql
from newsdesk.report.thread_sections import syndication, threads

REPORT_NAME = "newsdesk.report.html"
TABLE_ROWS = 8  # the top rows under each picture


def _panels(data: ReportData) -> list[Panel]:
    """One panel per kind of entity, also when the database has none yet (the page says so)."""
    return data.panels or [Panel(kind) for kind in ENTITY_PANELS]


def _sql(*names: str) -> dict[str, str]:
    return {name: report_sql(name) for name in names}


def _none_yet(data: ReportData, otherwise: str) -> str:
    if not data.has_schema or data.header.n_articles == 0:
        return "Nothing to show: no articles yet."
    return otherwise


def _panel(data: ReportData, panel: Panel) -> Section:
    undated = sum(n for _, month, n in panel.monthly if month is None)
    note = (
        f" The last column counts {plural(undated, 'story', 'stories')} without a publication date."
        if undated
        else ""
    )
    labels = ", ".join(ENTITY_PANELS[panel.kind])
    return Section(
        f"mentions-{panel.kind}",
        f"{panel.kind.capitalize()} over time",
        charts.mentions_over_time(panel.entities, panel.monthly, panel.kind),
        f"Heatmap of the stories naming each of the top {panel.kind}, per month of publication.",
        _none_yet(
            data,
            f"No {panel.kind} named in canonical articles yet (non-English articles get none).",
        ),
        f"The {len(panel.entities)} {panel.kind} (label {labels}) named in the most stories; each "
        "story counted once (canonical articles only), in the month it was published; the number "
        "after a name is its total." + note,
        "<code>SELECT name, label, month, n_articles FROM entity_mentions_by_month WHERE label IN "
        f"({', '.join(repr(x) for x in ENTITY_PANELS[panel.kind])}) ORDER BY month, "
        "n_articles DESC</code>.",
        _sql("top_entities.sql", "mentions_by_month.sql"),
        Rows(
            f"Top {panel.kind}, with the latest story naming each",
            ["name", "label", "stories", "latest story", "doc_id"],
            [
                [e.name, e.label, e.n_articles, e.latest_title or "(no title)", e.latest_doc_id]
                for e in panel.entities[:TABLE_ROWS]
            ],
        ),
    )


def _network(data: ReportData) -> Section:
    names = {e.entity_id: e.name for e in data.network_entities}
    own = (
        (
            f" {plural(data.n_own_country_pairs, 'pair')} of a nationality and its own country "
            "(Chinese / China: named together in nearly every such story, so they "
            "tell nothing) left out."
        )
        if data.n_own_country_pairs
        else ""
    )
    return Section(
        "network",
        "Who appears with whom",
        charts.cooccurrence_matrix(data.network_entities, data.edges),
        "Triangle of numbers: for each pair of top entities, the stories naming both.",
        _none_yet(data, "No two entities named in the same canonical article yet."),
        f"The {len(data.network_entities)} entities named in the most stories (canonical "
        "articles only); a cell is "
        f"the number of stories naming both ({plural(len(data.edges), 'pair')})." + own,
        "<code>SELECT name_a, name_b, n_articles FROM entity_cooccurrence ORDER BY n_articles "
        "DESC</code> (view <code>entity_cooccurrence</code>).",
        _sql("top_entities.sql", "cooccurrence.sql"),
        Rows(
            "The pairs named together most often, with the latest story naming both",
            ["entity", "entity", "stories", "latest story"],
            [
                [names[e.entity_a], names[e.entity_b], e.n_articles, e.latest_title or "(no title)"]
                for e in data.edges[:TABLE_ROWS]
            ],
        ),
    )


def _clusters(data: ReportData) -> Section:
    return Section(
        "clusters",
        "Copy clusters",
        charts.cluster_sizes(data.cluster_sizes, data.biggest_clusters),
        "Bar charts of copy-cluster sizes and of the biggest clusters with their outlet "
        "and who copied them.",
        _none_yet(data, "No copy clusters yet: no batch of these articles has been published."),
        "A cluster is a story and its syndicated copies; size 1 means nobody copied it. The "
        "story's outlet is view <code>story_outlets</code>'s: the outlet a reprint note names, "
        "else the canonical's source_name.",
        "<code>SELECT n_copies + 1 AS size, count(*) FROM canonical_articles GROUP BY ALL ORDER BY "
        "size</code>; the biggest: <code>SELECT title, outlet, n_copies FROM canonical_articles "
        "ORDER BY n_copies DESC</code>; who copied whom: view <code>syndication</code>.",
        _sql("cluster_sizes.sql", "biggest_clusters.sql"),
        Rows(
            "The biggest clusters: every outlet that carried the story",
            ["title", "outlet", "copied by", "articles", "canonical doc_id"],
            [
                [
                    c.title or "(no title)",
                    c.outlet or "(unknown outlet)",
                    c.copied_by or "",
                    c.size,
                    c.doc_id,
                ]
                for c in data.biggest_clusters[:TABLE_ROWS]
            ],
        ),
    )


def _batches(data: ReportData) -> Section:
    return Section(
        "batches",
        "Batches",
        charts.batches(data.batches),
        "Stacked bars per batch: new stories, copies and quarantined inputs.",
        "Nothing to show: no batch yet." if not data.batches else "No batch yet.",
        f"The latest {plural(len(data.batches), 'batch', 'batches')}, latest first: its input "
        "records became new stories, copies of a story already known, or quarantine rows.",
        "<code>SELECT * FROM batch_accounting</code> (view <code>batch_accounting</code>); copies "
        "per batch: <code>SELECT a.batch_id, count(*) FROM copies c JOIN articles a USING (doc_id) "
        "WHERE NOT c.is_canonical GROUP BY 1</code>.",
        _sql("batches.sql"),
        Rows(
            "Per batch",
            ["batch", "ingested", "records", "articles", "copies", "quarantined", "entities"],
            [
                [
                    b.batch_id,
                    b.first_ingested_at,
                    b.n_records,
                    b.n_articles,
                    b.n_copies,
                    b.n_quarantined,
                    b.n_entities,
                ]
                for b in data.batches[:TABLE_ROWS]
            ],
        ),
    )


def _words(data: ReportData) -> Section:
    return Section(
        "boilerplate",
        "Words removed by kind",
        charts.words_removed(data.removed),
        "Bar chart of the share of all input words each boilerplate kind removed.",
        _none_yet(data, "Nothing removed: no kept article had boilerplate."),
        "Share = words a kind removed / all input words of the kept articles (article text kept "
        "plus everything removed).",
        "<code>SELECT kind, n_segments, n_words FROM boilerplate_by_kind</code> (view "
        "<code>boilerplate_by_kind</code>) and <code>SELECT sum(n_words) FROM articles</code>; the "
        "removed pieces: table <code>boilerplate_segments</code>.",
        _sql("boilerplate_share.sql"),
        Rows(
            "Per kind",
            ["kind", "pieces", "words", "share of input words"],
            [
                [r.kind, r.n_segments, r.n_words, f"{100 * r.share:.1f}%"]
                for r in data.removed[:TABLE_ROWS]
            ],
        ),
    )


def _quarantine(data: ReportData) -> Section:
    empty = (
        "Nothing quarantined: every input became an article."
        if data.header.n_batches
        else "Nothing to show: no batch yet."
    )
    return Section(
        "quarantine",
        "Quarantine reasons",
        charts.quarantine_reasons(data.quarantine),
        "Bar chart of quarantined inputs per stage and reason.",
        empty,
        "ingest: records that could not be read or parsed; clean: documents left "
        "without article text.",
        "<code>SELECT stage, reason, count(*) FROM quarantine GROUP BY ALL ORDER BY 3 DESC</code>; "
        "the sentence for each: column <code>quarantine.detail</code>; per batch: view "
        "<code>batch_accounting</code>.",
        _sql("quarantine_reasons.sql"),
        Rows(
            "Per stage and reason (the file and the sentence: table quarantine)",
            ["stage", "reason", "inputs", "of"],
            [[q.stage, q.reason, q.n, q.n_seen] for q in data.quarantine[:TABLE_ROWS]],
        ),
    )


def build_report(
    con: duckdb.DuckDBPyConnection, out_dir: Path | str, name: str = REPORT_NAME
) -> Path:
    """Write the report for the database behind `con` (read-only; the caller owns and closes it) to
    out_dir/name and return its path. Works on a database with no articles, or no tables, yet."""
    data = load(con)
    sections = [
        *(_panel(data, p) for p in _panels(data)),
        _network(data),
        _clusters(data),
        threads(data, TABLE_ROWS),
        syndication(data, TABLE_ROWS),
        _batches(data),
        _words(data),
        _quarantine(data),
    ]
    html = render(data.header, data.has_schema, sections, datetime.now(UTC).replace(tzinfo=None))
    target = Path(out_dir) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)  # a browser reloading the page never sees half a file
    except (
        BaseException
    ):  # Ctrl-C or a full disk: the old report stays whole, and no temp file is left
        tmp.unlink(missing_ok=True)
        raise
    return target
