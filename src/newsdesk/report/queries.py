"""The numbers behind the report, read from the snapshot with the queries in sql/report/ (values
bound)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources

import duckdb

from newsdesk.entities.demonyms import is_own_place

# Relations the report reads; a database without them (a new file nobody has written yet) gets an
# empty report.
REQUIRED = (
    "batches",
    "articles",
    "copies",
    "quarantine",
    "documents",
    "article_entities",
    "entities",
    "canonical_articles",
    "story_outlets",
    "boilerplate_by_kind",
    "entity_cooccurrence",
    "entity_mentions_by_month",
    "batch_accounting",
)
TOP_ENTITIES_TIMELINE = 12
TOP_ENTITIES_NETWORK = 16
BIGGEST_CLUSTERS = 12
LATEST_BATCHES = 12
# Story threads (sql/schema/30_threads.sql): a database written before threading has none of these.
THREAD_RELATIONS = ("threads", "thread_articles", "thread_timeline", "outlet_syndication")
TOP_THREADS = 8
# One panel per kind of entity: spaCy's labels grouped as the entity ids group them
# (newsdesk.entities.keys).
ENTITY_PANELS = {"people": ("PERSON",), "organisations": ("ORG",), "places": ("GPE", "LOC", "FAC")}
NETWORK_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "MISC")


def report_sql(name: str) -> str:
    """A query file from sql/report/ (shipped with the package like the rest of sql/)."""
    return resources.files("newsdesk").joinpath("sql", "report", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Header:
    n_batches: int = 0
    last_batch_ingested_at: datetime | None = None
    n_articles: int = 0
    n_stories: int = 0
    first_published: date | None = None
    last_published: date | None = None
    n_undated: int = 0
    n_quarantined: int = 0


@dataclass(frozen=True)
class Entity:
    entity_id: str
    name: str
    label: str
    n_articles: int
    latest_doc_id: str | None = None
    latest_title: str | None = None


@dataclass(frozen=True)
class Edge:
    entity_a: str
    entity_b: str
    n_articles: int
    latest_title: str | None = None


@dataclass(frozen=True)
class Batch:
    batch_id: str
    first_ingested_at: datetime | None
    n_records: int
    n_articles: int
    n_copies: int
    n_quarantined: int
    n_entities: int


@dataclass
class Panel:
    """The top entities of one kind and their stories per month."""

    kind: str
    entities: list[Entity] = field(default_factory=list)
    monthly: list[tuple[str, date | None, int]] = field(
        default_factory=list
    )  # entity_id, month, stories


@dataclass(frozen=True)
class Cluster:
    copy_cluster_id: str
    title: str | None
    outlet: str | None  # the story's (view story_outlets)
    size: int
    copied_by: str | None  # the copies' outlets, earliest first
    doc_id: str  # the canonical article


@dataclass(frozen=True)
class RemovedKind:
    kind: str
    n_segments: int
    n_words: int
    n_input_words: int
    share: float


@dataclass(frozen=True)
class QuarantineReason:
    stage: str
    reason: str
    n: int
    n_seen: int


@dataclass(frozen=True)
class Thread:
    thread_id: str
    label: str | None
    n_articles: int
    n_copies: int
    n_outlets: int  # named outlets in view thread_timeline (the story_outlets rule)
    first_report_at: datetime | None
    first_outlet: str | None


@dataclass(frozen=True)
class ThreadDay:
    thread_id: str
    day: int | None  # days since the thread's first dated day; None: timed only by ingestion
    outlet: str
    n_original: int
    n_copies: int


@dataclass(frozen=True)
class Syndication:
    original_outlet: str
    copying_outlet: str
    n_copies: int
    n_stories: int
    median_delay_hours: float | None


@dataclass
class ReportData:
    has_schema: bool
    header: Header
    panels: list[Panel] = field(default_factory=list)
    network_entities: list[Entity] = field(default_factory=list)
    edges: list[Edge] = field(
        default_factory=list
    )  # pairs of network_entities, own-country pairs left out
    n_own_country_pairs: int = 0  # "Chinese" / "China" pairs left out (newsdesk.entities.demonyms)
    batches: list[Batch] = field(default_factory=list)
    cluster_sizes: list[tuple[int, int]] = field(
        default_factory=list
    )  # size, clusters of that size
    biggest_clusters: list[Cluster] = field(default_factory=list)
    removed: list[RemovedKind] = field(default_factory=list)
    quarantine: list[QuarantineReason] = field(default_factory=list)
    has_threads: bool = False  # the thread tables exist (a database from before threading: not)
    threads: list[Thread] = field(default_factory=list)
    thread_days: list[ThreadDay] = field(default_factory=list)
    syndication: list[Syndication] = field(default_factory=list)


def _rows(
    con: duckdb.DuckDBPyConnection, name: str, params: list[object] | None = None
) -> list[tuple]:
    return con.execute(report_sql(name), params or []).fetchall()


def has_schema(con: duckdb.DuckDBPyConnection, relations: tuple[str, ...] = REQUIRED) -> bool:
    found = con.execute(
        "SELECT count(DISTINCT table_name) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name IN (SELECT unnest(?::VARCHAR[]))",
        [list(relations)],
    ).fetchall()[0][0]
    return found == len(relations)


def _entities(con: duckdb.DuckDBPyConnection, labels: tuple[str, ...], limit: int) -> list[Entity]:
    return [Entity(*row) for row in _rows(con, "top_entities.sql", [list(labels), limit])]


def _panel(con: duckdb.DuckDBPyConnection, kind: str, labels: tuple[str, ...]) -> Panel:
    entities = _entities(con, labels, TOP_ENTITIES_TIMELINE)
    return Panel(
        kind, entities, _rows(con, "mentions_by_month.sql", [[e.entity_id for e in entities]])
    )


def _edges(con: duckdb.DuckDBPyConnection, entities: list[Entity]) -> tuple[list[Edge], int]:
    """The pairs among `entities`, without a nationality paired with its own country (always
    together, so they say nothing): the kept pairs and how many were left out."""
    by_id = {e.entity_id: e for e in entities}
    edges, own = [], 0
    for row in _rows(con, "cooccurrence.sql", [list(by_id)]):
        edge = Edge(*row)
        a, b = sorted((by_id[edge.entity_a], by_id[edge.entity_b]), key=lambda e: e.label != "NORP")
        if a.label == "NORP" and b.label in ("GPE", "LOC") and is_own_place(a.name, b.name):
            own += 1
        else:
            edges.append(edge)
    return edges, own


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the report shows, in one pass over the read-only connection."""
    if not has_schema(con):
        return ReportData(has_schema=False, header=Header())
    header = Header(*_rows(con, "header.sql")[0])
    threaded = has_schema(con, THREAD_RELATIONS)
    threads = (
        [Thread(*row) for row in _rows(con, "top_threads.sql", [TOP_THREADS])] if threaded else []
    )
    network = _entities(con, NETWORK_LABELS, TOP_ENTITIES_NETWORK)
    edges, own = _edges(con, network)
    return ReportData(
        has_schema=True,
        header=header,
        panels=[_panel(con, kind, labels) for kind, labels in ENTITY_PANELS.items()],
        network_entities=network,
        edges=edges,
        n_own_country_pairs=own,
        cluster_sizes=_rows(con, "cluster_sizes.sql"),
        biggest_clusters=[
            Cluster(*row) for row in _rows(con, "biggest_clusters.sql", [BIGGEST_CLUSTERS])
        ],
        removed=[RemovedKind(*row) for row in _rows(con, "boilerplate_share.sql")],
        quarantine=[QuarantineReason(*row) for row in _rows(con, "quarantine_reasons.sql")],
        batches=[Batch(*row) for row in _rows(con, "batches.sql", [LATEST_BATCHES])],
        has_threads=threaded,
        threads=threads,
        thread_days=[
            ThreadDay(*row)
            for row in _rows(con, "thread_days.sql", [[t.thread_id for t in threads]])
        ]
        if threads
        else [],
        syndication=(
            [Syndication(*row) for row in _rows(con, "syndication.sql")] if threaded else []
        ),
    )
