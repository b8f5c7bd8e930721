"""The numbers behind the report, read from the snapshot with the queries in sql/report/ (values bound)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources

import duckdb

# Relations the report reads; a database without them (a new file nobody has written yet) gets an empty report.
REQUIRED = ("batches", "articles", "copies", "quarantine", "documents", "article_entities", "entities",
            "canonical_articles", "story_outlets", "boilerplate_by_kind", "entity_cooccurrence",
            "entity_mentions_by_month")
TOP_ENTITIES_TIMELINE = 12
TOP_ENTITIES_NETWORK = 20
BIGGEST_CLUSTERS = 12


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


@dataclass
class ReportData:
    has_schema: bool
    header: Header
    timeline_entities: list[Entity] = field(default_factory=list)
    monthly: list[tuple[str, date | None, int]] = field(default_factory=list)  # entity_id, month, stories
    network_entities: list[Entity] = field(default_factory=list)
    edges: list[tuple[str, str, int]] = field(default_factory=list)  # entity_a, entity_b, shared stories
    cluster_sizes: list[tuple[int, int]] = field(default_factory=list)  # size, clusters of that size
    biggest_clusters: list[Cluster] = field(default_factory=list)
    removed: list[RemovedKind] = field(default_factory=list)
    quarantine: list[QuarantineReason] = field(default_factory=list)


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: list[object] | None = None) -> list[tuple]:
    return con.execute(report_sql(name), params or []).fetchall()


def has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute("SELECT count(DISTINCT table_name) FROM information_schema.tables "
                        "WHERE table_schema = 'main' AND table_name IN (SELECT unnest(?::VARCHAR[]))",
                        [list(REQUIRED)]).fetchall()[0][0]
    return found == len(REQUIRED)


def _entities(con: duckdb.DuckDBPyConnection, limit: int) -> list[Entity]:
    return [Entity(*row) for row in _rows(con, "top_entities.sql", [limit])]


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the report shows, in one pass over the read-only connection."""
    if not has_schema(con):
        return ReportData(has_schema=False, header=Header())
    header = Header(*_rows(con, "header.sql")[0])
    network = _entities(con, max(TOP_ENTITIES_NETWORK, TOP_ENTITIES_TIMELINE))[:TOP_ENTITIES_NETWORK]
    timeline = network[:TOP_ENTITIES_TIMELINE]
    return ReportData(
        has_schema=True,
        header=header,
        timeline_entities=timeline,
        monthly=_rows(con, "mentions_by_month.sql", [[e.entity_id for e in timeline]]),
        network_entities=network,
        edges=_rows(con, "cooccurrence.sql", [[e.entity_id for e in network]]),
        cluster_sizes=_rows(con, "cluster_sizes.sql"),
        biggest_clusters=[Cluster(*row) for row in _rows(con, "biggest_clusters.sql", [BIGGEST_CLUSTERS])],
        removed=[RemovedKind(*row) for row in _rows(con, "boilerplate_share.sql")],
        quarantine=[QuarantineReason(*row) for row in _rows(con, "quarantine_reasons.sql")],
    )
