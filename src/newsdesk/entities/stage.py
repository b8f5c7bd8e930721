"""The entity stage for one batch: NER over English article bodies, linking, and the entity tables.

The model runs with no database connection open: inputs are exported to Parquet first and outputs staged.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from newsdesk.config import NerConfig, cpu_workers
from newsdesk.entities.acronyms import acronym_evidence
from newsdesk.entities.aliases import apply_aliases, refresh_aliases
from newsdesk.entities.keys import make_entity_id
from newsdesk.entities.linking import link_mentions, normalize_name
from newsdesk.entities.spelling import find_spelling_evidence
from newsdesk.entities.ner import find_spans, load_model
from newsdesk.parallel import map_chunks, release_memory, release_worker_memory
from newsdesk.records import Mention
from newsdesk.store.db import read_connection, write_transaction
from newsdesk.store.staging import ParquetStage, export_query, iter_parquet, load_stage, stage_workdir

S, I32 = pa.string(), pa.int32()
MENTIONS = pa.schema([("doc_id", S), ("batch_id", S), ("start_char", I32), ("end_char", I32), ("text", S),
                      ("label", S), ("entity_id", S), ("local_id", S)])
ARTICLE_ENTITIES = pa.schema([("doc_id", S), ("batch_id", S), ("entity_id", S), ("name", S), ("n_mentions", I32),
                              ("in_title", pa.bool_()), ("first_char", I32), ("salience", pa.float64()),
                              ("is_about", pa.bool_()), ("ref_id", S), ("local_id", S)])
EVIDENCE = pa.schema([("doc_id", S), ("batch_id", S), ("alias_id", S), ("entity_id", S), ("rule", S)])

Log = Callable[[str], None]


def annotate_chunk(job: tuple[list[dict[str, object]], str, int]) -> list[tuple[str, str | None, int, list[Mention]]]:
    """NER and linking for a chunk of articles, in whichever process runs it (the model loads once per process).

    Workers return only the mentions: shipping spaCy Docs back, as nlp.pipe(n_process=...) does, costs the
    parent a tokenisation and a (de)serialisation per article."""
    rows, model, batch_size = job
    nlp = load_model(model)
    bodies = [str(r["body"]) for r in rows]
    out = []
    for row, body, spans in zip(rows, bodies, find_spans(nlp, bodies, batch_size)):
        title = row.get("title")
        out.append((str(row["doc_id"]), title, len(body), link_mentions(str(row["doc_id"]), body, spans, title=title)))
    release_worker_memory()
    return out


def extract_entities(db_path: Path, batch_id: str, config: NerConfig, log: Log = lambda _: None,
                     chunk_size: int = 50) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with stage_workdir(db_path, "entities") as work:
        with read_connection(db_path) as con:
            n_docs = export_query(con, """SELECT doc_id, title, body FROM articles
                                          WHERE batch_id = ? AND coalesce(language, 'en') = 'en'""",
                                  [batch_id], work / "articles.parquet")
            (stats["total"],) = con.execute("SELECT count(*) FROM articles WHERE batch_id = ?", [batch_id]).fetchone()
        stats["dropped_not_english"] = stats["total"] - n_docs
        mentions = ParquetStage(work / "mentions.parquet", MENTIONS, chunk_rows=20_000)
        per_article = ParquetStage(work / "article_entities.parquet", ARTICLE_ENTITIES, chunk_rows=20_000)
        evidence = ParquetStage(work / "evidence.parquet", EVIDENCE, chunk_rows=20_000)
        workers = max(1, min(config.n_process or cpu_workers(), n_docs // config.min_docs_per_process))
        jobs = ((chunk, config.model, config.batch_size) for chunk in iter_parquet(work / "articles.parquet", chunk_size))
        started = time.monotonic()
        for results in map_chunks(annotate_chunk, jobs, workers):
            for doc_id, title, body_length, linked in results:
                stats["kept"] += 1
                stats["mentions"] += len(linked)
                for m in linked:
                    mentions.add((m.doc_id, batch_id, m.start_char, m.end_char, m.text, m.label, m.entity_id,
                                  m.entity_id))
                for values in summarize_article(linked, title, body_length):
                    per_article.add((doc_id, batch_id, *values, values[0]))
                for alias_id, entity_id in sorted(find_evidence(linked)):
                    evidence.add((doc_id, batch_id, alias_id, entity_id, "acronym"))
            if stats["kept"] % 1000 < chunk_size or stats["kept"] == n_docs:
                rate = stats["kept"] / max(time.monotonic() - started, 1e-9)
                log(f"entities: {stats['kept']}/{n_docs} articles, {stats['mentions']} mentions, "
                    f"{rate:.1f} articles/s on {workers} processes")
                release_memory()
        with write_transaction(db_path) as con:
            touched = {r[0] for r in con.execute("SELECT DISTINCT entity_id FROM article_entities WHERE batch_id = ?",
                                                 [batch_id]).fetchall()}
            for table in ("entity_mentions", "article_entities", "entity_evidence"):
                con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
            load_stage(con, "entity_mentions", mentions)
            load_stage(con, "article_entities", per_article)
            load_stage(con, "entity_evidence", evidence)
            spelling = find_spelling_evidence(con, batch_id)
            if spelling:
                con.executemany("INSERT INTO entity_evidence VALUES (?, ?, ?, ?, 'spelling')",
                                [(doc_id, batch_id, alias, target) for doc_id, alias, target in spelling])
            changed = refresh_aliases(con)
            touched |= apply_aliases(con, batch_id, changed) | changed
            refresh_entities(con, sorted(touched))
        release_memory()
    stats["entities"] = len(touched)
    return dict(stats)


def find_evidence(mentions: list[Mention]) -> set[tuple[str, str]]:
    """(alias id, entity id) for each acronym an article spelled out: the bare acronym's own id joins the name."""
    pairs = set()
    for m in mentions:
        acronym = acronym_evidence(m.text, m.canonical_name)
        if acronym:
            pairs.add((make_entity_id(acronym, "ORG"), m.entity_id))
    return pairs


def summarize_article(mentions: list[Mention], title: str | None,
                      body_length: int) -> list[tuple[str, str, int, bool, int, float, bool, str | None]]:
    """(entity_id, name, n_mentions, in_title, first_char, salience, is_about, ref_id) per entity of an article."""
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        grouped[m.entity_id].append(m)
    title_key = f" {normalize_name(title)} " if title else ""
    out = []
    for entity_id, items in grouped.items():
        name = Counter(m.canonical_name for m in items).most_common(1)[0][0]
        surfaces = {normalize_name(m.text) for m in items} | {normalize_name(name)}
        in_title = bool(title_key) and any(f" {s} " in title_key for s in surfaces if s)
        first = min(m.start_char for m in items)
        score = salience(len(items), in_title, first, body_length)
        out.append((entity_id, name, len(items), in_title, first, score, is_about(len(items), in_title, first,
                                                                                   body_length), items[0].ref_id))
    return out


def salience(n_mentions: int, in_title: bool, first_char: int, body_length: int) -> float:
    """0..1: in the title weighs most, then how often it is named (saturating at 5), then how early."""
    early = 1.0 - first_char / body_length if body_length else 0.0
    return round(0.5 * in_title + 0.3 * min(n_mentions, 5) / 5 + 0.2 * early, 4)


def is_about(n_mentions: int, in_title: bool, first_char: int, body_length: int) -> bool:
    """"Articles about X" rather than "articles mentioning X": in the title, or named often and early."""
    return in_title or (n_mentions >= 3 and first_char <= 0.25 * max(body_length, 1))


def refresh_entities(con, entity_ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Recompute the `entities` rows of the given ids from the mention tables (delete + insert)."""
    if not entity_ids:
        return
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))", [entity_ids])
    con.execute(
        """INSERT INTO entities (entity_id, name, label, n_articles, aliases, ref_id)
           WITH ids AS (SELECT unnest(?::VARCHAR[]) AS entity_id),
           names AS (SELECT entity_id, name, count(*) AS c FROM article_entities JOIN ids USING (entity_id)
                     GROUP BY ALL),
           labels AS (SELECT entity_id, label, count(*) AS c FROM entity_mentions JOIN ids USING (entity_id)
                      GROUP BY ALL)
           SELECT n.entity_id, n.name, l.label, a.n_articles, a.aliases, a.ref_id
           FROM (SELECT entity_id, first(name ORDER BY c DESC, name) AS name FROM names GROUP BY entity_id) n
           JOIN (SELECT entity_id, first(label ORDER BY c DESC, label) AS label FROM labels GROUP BY entity_id) l
             USING (entity_id)
           JOIN (SELECT ae.entity_id, count(DISTINCT ae.doc_id) AS n_articles,
                        list_sort(list(DISTINCT m.text)) AS aliases, any_value(ae.ref_id) AS ref_id
                 FROM article_entities ae JOIN ids USING (entity_id)
                 JOIN entity_mentions m ON m.doc_id = ae.doc_id AND m.entity_id = ae.entity_id
                 GROUP BY ae.entity_id) a USING (entity_id)""",
        [entity_ids],
    )
