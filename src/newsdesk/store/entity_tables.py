"""Entity tables (SQL only): the batch's mentions staged as pending rows, and the reads and writes
the corpus linking (newsdesk.entities.corpus) makes when the batch is published, in that same
transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pyarrow as pa

from newsdesk.store import batches
from newsdesk.store.schema import PENDING
from newsdesk.store.staging import ParquetStage, load_stage

Connection = duckdb.DuckDBPyConnection


def stage_batch(
    con: Connection,
    batch_id: str,
    mentions: ParquetStage,
    per_article: ParquetStage,
    evidence: ParquetStage,
    failures: ParquetStage,
) -> None:
    """The batch's mentions, per-article entities, alias evidence and failures into the pending
    tables."""
    batches.clear_stage(con, batch_id, "entities")
    load_stage(con, f"{PENDING}.entity_mentions", mentions)
    load_stage(con, f"{PENDING}.article_entities", per_article)
    load_stage(con, f"{PENDING}.entity_evidence", evidence)
    load_stage(con, f"{PENDING}.quarantine", failures)


def published_entity_ids(con: Connection, batch_id: str) -> set[str]:
    """The entities the batch's published rows point at (read before they are replaced)."""
    return {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT entity_id FROM main.article_entities WHERE batch_id = ?", [batch_id]
        ).fetchall()
    }


def count_articles(con: Connection, batch_id: str) -> int:
    table = f"{batches.source(con, batch_id, 'clean')}.articles"
    return int(
        con.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
    )


# Articles that share a paragraph of 80+ characters mostly sit together (ordered by the smallest
# hash of their long paragraphs: equal for two bodies as often as their paragraph sets overlap),
# a body repeated word for word right after its first; then doc_id. The entity stage reads a
# paragraph once per worker (newsdesk.entities.paragraphs), so near copies should meet in one.
# Parameters: the batch id, the paragraph break.
NER_INPUTS_SQL = """SELECT a.doc_id, a.title, a.body, d.source_path, d.external_id, d.n_bytes,
                           d.sha256
                    FROM {articles} a LEFT JOIN {documents} d USING (doc_id)
                    WHERE a.batch_id = ? AND coalesce(a.language, 'en') = 'en'
                    ORDER BY list_min(list_transform(
                                 list_filter(string_split(a.body, ?),
                                             lambda p: length(p) >= 80),
                                 lambda p: hash(p))),
                             min(a.doc_id) OVER (PARTITION BY a.body), a.doc_id"""


def ner_inputs_sql(con: Connection, batch_id: str) -> str:
    """The batch's English articles (pending when a run in progress cleaned them) with their
    document fields."""
    return NER_INPUTS_SQL.format(
        articles=f"{batches.source(con, batch_id, 'clean')}.articles",
        documents=f"{batches.source(con, batch_id, 'ingest')}.documents",
    )


def person_names(con: Connection, batch_id: str) -> list[tuple[str, str, int, bool, bool]]:
    """(local id, a name, articles naming it, named in this batch, typed PERSON) of every multi-word
    name whose first word the batch also names: the candidates for spelling variants (a misspelt
    name the model typed as a place, "Xi Jingping" GPE, is a candidate too; the rules keep the
    common side a person)."""
    return con.execute(
        """SELECT ae.local_id, any_value(ae.name), count(DISTINCT ae.doc_id),
                  bool_or(ae.batch_id = ?),
                  ae.local_id IN (SELECT DISTINCT local_id FROM entity_mentions
                      WHERE label = 'PERSON')
           FROM article_entities ae
           WHERE ae.name LIKE '% %'
             AND split_part(lower(ae.name), ' ', 1) IN (
                 SELECT DISTINCT split_part(lower(name), ' ', 1) FROM article_entities
                 WHERE batch_id = ?)
           GROUP BY ae.local_id ORDER BY ae.local_id""",
        [batch_id, batch_id],
    ).fetchall()


def apart_with_shared_context(
    con: Connection, pairs: Sequence[tuple[str, str]], min_shared: int
) -> list[tuple[str, str, str]]:
    """(doc_id, rare, common) for each (rare, common) pair of local ids never named in the same
    article and sharing at least `min_shared` other entities across their articles; one row per
    article naming `rare`."""
    if not pairs:
        return []
    con.register(
        "_spelling_pairs",
        pa.table({"rare": [r for r, _ in pairs], "common": [c for _, c in pairs]}),
    )
    try:
        return con.execute(
            """WITH r AS (SELECT DISTINCT p.rare, p.common, ae.doc_id FROM _spelling_pairs p
                          JOIN article_entities ae ON ae.local_id = p.rare),
                    c AS (SELECT DISTINCT p.rare, p.common, ae.doc_id FROM _spelling_pairs p
                          JOIN article_entities ae ON ae.local_id = p.common),
                    together AS (SELECT rare, common, count(*) AS n FROM r
                        JOIN c USING (rare, common, doc_id)
                                 GROUP BY ALL),
                    ctx_r AS (SELECT DISTINCT r.rare, r.common, ae.entity_id FROM r
                        JOIN article_entities ae
                              USING (doc_id) WHERE ae.local_id NOT IN (r.rare, r.common)),
                    ctx_c AS (SELECT DISTINCT c.rare, c.common, ae.entity_id FROM c
                        JOIN article_entities ae
                              USING (doc_id) WHERE ae.local_id NOT IN (c.rare, c.common)),
                    shared AS (SELECT rare, common, count(*) AS n
                               FROM (SELECT * FROM ctx_r INTERSECT SELECT * FROM ctx_c)
                               GROUP BY ALL)
               SELECT r.doc_id, r.rare, r.common FROM r JOIN shared s USING (rare, common)
               LEFT JOIN together t USING (rare, common)
               WHERE coalesce(t.n, 0) = 0 AND s.n >= ? ORDER BY r.rare, r.common, r.doc_id""",
            [min_shared],
        ).fetchall()
    finally:
        con.unregister("_spelling_pairs")


def add_evidence(
    con: Connection, batch_id: str, rows: Sequence[tuple[str, str, str]], rule: str
) -> None:
    """(doc_id, alias_id, entity_id) rows of evidence found by `rule`, attributed to the batch."""
    if rows:
        con.executemany(
            "INSERT INTO entity_evidence VALUES (?, ?, ?, ?, ?)",
            [(doc_id, batch_id, alias, target, rule) for doc_id, alias, target in rows],
        )


def refresh_aliases(con: Connection) -> set[str]:
    """Rebuild `entity_aliases` from all evidence; return the alias ids whose target changed (or
    appeared or went). An alias whose evidence points to more than one entity (AMA: two medical
    associations) joins none."""
    before = dict(con.execute("SELECT alias_id, entity_id FROM entity_aliases").fetchall())
    rows = con.execute(
        """SELECT alias_id, min(entity_id), min(rule), count(DISTINCT doc_id) FROM entity_evidence
           WHERE alias_id <> entity_id GROUP BY alias_id HAVING count(DISTINCT entity_id) = 1"""
    ).fetchall()
    after = {alias: target for alias, target, _, _ in rows}
    con.execute("DELETE FROM entity_aliases")
    if rows:
        con.executemany("INSERT INTO entity_aliases VALUES (?, ?, ?, ?)", rows)
    return {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}


def apply_aliases(con: Connection, batch_id: str, changed: set[str]) -> set[str]:
    """Point the batch's rows, and every row of a changed alias, at their canonical id. Returns the
    canonical ids that gained or lost rows (their `entities` rows need recomputing)."""
    changed_list = sorted(changed)
    touched = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT entity_id FROM article_entities WHERE local_id IN (SELECT "
            "unnest(?::VARCHAR[]))",
            [changed_list],
        ).fetchall()
    }
    # Only rows whose id moves are written: an UPDATE of every row the batch just published (in this
    # same transaction) costs DuckDB ~10 s per 300k rows, and almost all of them already carry their
    # own id.
    for table in ("entity_mentions", "article_entities"):
        con.execute(
            f"""UPDATE {table} t SET entity_id = a.entity_id
                FROM (SELECT t2.local_id, coalesce(al.entity_id, t2.local_id) AS entity_id
                      FROM (SELECT DISTINCT local_id FROM {table}
                            WHERE batch_id = ? OR local_id IN (SELECT unnest(?::VARCHAR[]))) t2
                      LEFT JOIN entity_aliases al ON al.alias_id = t2.local_id) a
                WHERE t.local_id = a.local_id AND t.entity_id IS DISTINCT FROM a.entity_id""",
            [batch_id, changed_list],
        )
    touched |= {
        r[0]
        for r in con.execute(
            """SELECT DISTINCT entity_id FROM article_entities
           WHERE batch_id = ? OR local_id IN (SELECT unnest(?::VARCHAR[]))""",
            [batch_id, changed_list],
        ).fetchall()
    }
    return touched


def label_evidence(
    con: Connection, entity_ids: Sequence[str]
) -> list[tuple[str, str | None, int, bool]]:
    """(entity_id, label, n_mentions, strong_label) per article naming one of the entities."""
    return con.execute(
        """SELECT ae.entity_id, coalesce(ae.label, m.label), ae.n_mentions,
                  coalesce(ae.strong_label, false)
           FROM article_entities ae
           LEFT JOIN (SELECT doc_id, entity_id, first(label ORDER BY label) AS label
               FROM entity_mentions
                      GROUP BY ALL) m USING (doc_id, entity_id)
           WHERE ae.entity_id IN (SELECT unnest(?::VARCHAR[]))""",
        [list(entity_ids)],
    ).fetchall()


def replace_entities(con: Connection, entity_ids: Sequence[str], labels: Mapping[str, str]) -> None:
    """Recompute the `entities` rows of the given ids from the mention tables (delete + insert),
    with the corpus-level label decided by the caller."""
    ids = list(entity_ids)
    if not ids:
        return
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    con.register(
        "_entity_labels",
        pa.table(
            {"entity_id": list(labels), "label": list(labels.values())},
            schema=pa.schema([("entity_id", pa.string()), ("label", pa.string())]),
        ),
    )
    try:
        con.execute(
            """INSERT INTO entities (entity_id, name, label, n_articles, aliases, ref_id)
               WITH ids AS (SELECT unnest(?::VARCHAR[]) AS entity_id),
               names AS (SELECT entity_id, name, count(*) AS c FROM article_entities
                   JOIN ids USING (entity_id)
                         GROUP BY ALL)
               SELECT n.entity_id, n.name, l.label, a.n_articles, a.aliases, a.ref_id
               FROM (SELECT entity_id, first(name ORDER BY c DESC, name) AS name FROM names
                   GROUP BY entity_id) n
               JOIN _entity_labels l USING (entity_id)
               JOIN (SELECT ae.entity_id, count(DISTINCT ae.doc_id) AS n_articles,
                            list_sort(list(DISTINCT m.text)) AS aliases,
                            any_value(ae.ref_id) AS ref_id
                     FROM article_entities ae JOIN ids USING (entity_id)
                     JOIN entity_mentions m ON m.doc_id = ae.doc_id AND m.entity_id = ae.entity_id
                     GROUP BY ae.entity_id) a USING (entity_id)""",
            [ids],
        )
    finally:
        con.unregister("_entity_labels")
