"""build_report: the corpus report as one static HTML file, written next to the snapshot it was read from."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsdesk.report import charts
from newsdesk.report.charts import plural
from newsdesk.report.page import Section, render
from newsdesk.report.queries import ReportData, load, report_sql

REPORT_NAME = "newsdesk.report.html"


def _sql(*names: str) -> dict[str, str]:
    return {name: report_sql(name) for name in names}


def _none_yet(data: ReportData, otherwise: str) -> str:
    if not data.has_schema or data.header.n_articles == 0:
        return "Nothing to show: no articles yet."
    return otherwise


def _mentions(data: ReportData) -> Section:
    undated = sum(n for _, month, n in data.monthly if month is None)
    note = f" The last column counts {undated} mentions in stories without a publication date." if undated else ""
    return Section(
        "mentions", "Mentions over time",
        charts.mentions_over_time(data.timeline_entities, data.monthly),
        "Heatmap of the stories naming each of the top entities, per month of publication.",
        _none_yet(data, "No entities in canonical articles yet (non-English articles get none)."),
        f"The {len(data.timeline_entities)} entities named in the most stories; each story counted once (canonical "
        "articles only), in the month it was published; the number after a name is its total." + note,
        "<code>SELECT name, label, month, n_articles FROM entity_mentions_by_month ORDER BY month, n_articles "
        "DESC</code> (view <code>entity_mentions_by_month</code>).",
        _sql("top_entities.sql", "mentions_by_month.sql"))


def _network(data: ReportData) -> Section:
    n_pairs = len(data.edges)
    pairs = plural(n_pairs, "pair") if n_pairs <= charts.MAX_EDGES else f"the {charts.MAX_EDGES} strongest of "\
        f"{n_pairs:,} pairs"
    return Section(
        "network", "Who appears with whom",
        charts.cooccurrence_network(data.network_entities, data.edges),
        "Network of the top entities: node size is the stories naming an entity, line width the stories naming both.",
        _none_yet(data, "No entities in canonical articles yet."),
        f"The {len(data.network_entities)} entities named in the most stories (canonical articles only); a line joins "
        f"two named in the same story ({pairs}); colour is the entity label.",
        "<code>SELECT name_a, name_b, n_articles FROM entity_cooccurrence ORDER BY n_articles DESC</code> "
        "(view <code>entity_cooccurrence</code>).",
        _sql("top_entities.sql", "cooccurrence.sql"))


def _clusters(data: ReportData) -> Section:
    return Section(
        "clusters", "Copy clusters",
        charts.cluster_sizes(data.cluster_sizes, data.biggest_clusters),
        "Bar chart of copy-cluster sizes and of the biggest clusters by canonical title and outlet.",
        _none_yet(data, "No copy clusters yet: the dedup stage has not grouped these articles."),
        "A cluster is a story and its syndicated copies; size 1 means nobody copied it.",
        "<code>SELECT n_copies + 1 AS size, count(*) FROM canonical_articles GROUP BY ALL ORDER BY size</code>; "
        "the biggest: <code>SELECT title, outlet, n_copies FROM canonical_articles ORDER BY n_copies DESC"
        "</code>; who copied whom: view <code>syndication</code>.",
        _sql("cluster_sizes.sql", "biggest_clusters.sql"))


def _words(data: ReportData) -> Section:
    return Section(
        "boilerplate", "Words removed by kind",
        charts.words_removed(data.removed),
        "Bar chart of the share of all input words each boilerplate kind removed.",
        _none_yet(data, "Nothing removed: no kept article had boilerplate."),
        "Share = words a kind removed / all input words of the kept articles (article text kept plus everything "
        "removed).",
        "<code>SELECT kind, n_segments, n_words FROM boilerplate_by_kind</code> (view "
        "<code>boilerplate_by_kind</code>) and <code>SELECT sum(n_words) FROM articles</code>; the removed pieces: "
        "table <code>boilerplate_segments</code>.",
        _sql("boilerplate_share.sql"))


def _quarantine(data: ReportData) -> Section:
    empty = ("Nothing quarantined: every input became an article." if data.header.n_batches
             else "Nothing to show: no batch yet.")
    return Section(
        "quarantine", "Quarantine reasons",
        charts.quarantine_reasons(data.quarantine),
        "Bar chart of quarantined inputs per stage and reason.",
        empty,
        "ingest: records that could not be read or parsed; clean: documents left without article text.",
        "<code>SELECT stage, reason, count(*) FROM quarantine GROUP BY ALL ORDER BY 3 DESC</code>; the sentence "
        "for each: column <code>quarantine.detail</code>; per batch: view <code>batch_accounting</code>.",
        _sql("quarantine_reasons.sql"))


def build_report(con: duckdb.DuckDBPyConnection, out_dir: Path | str, name: str = REPORT_NAME) -> Path:
    """Write the report for the database behind `con` (read-only; the caller owns and closes it) to
    out_dir/name and return its path. Works on a database with no articles, or no tables, yet."""
    data = load(con)
    sections = [_mentions(data), _network(data), _clusters(data), _words(data), _quarantine(data)]
    html = render(data.header, data.has_schema, sections, datetime.now(UTC).replace(tzinfo=None))
    target = Path(out_dir) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)  # a browser reloading the page never sees half a file
    except BaseException:  # Ctrl-C or a full disk: the old report stays whole, and no temp file is left
        tmp.unlink(missing_ok=True)
        raise
    return target
