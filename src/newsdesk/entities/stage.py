"""The entity stage for one batch: NER over English article bodies, and per-article linking.

The model runs in worker processes with no database connection open: inputs are exported to Parquet
first and outputs staged. Mentions wait in the pending tables; linking them to the corpus (spelling
variants, aliases, `entities`) happens when the batch is published (newsdesk.publish), in one
transaction with its copies. The model reads paragraphs, each once per worker
(newsdesk.entities.paragraphs), so no article meets spaCy's length limit and a syndicated story's
shared paragraphs are read once; an article whose annotation fails keeps its article row and gets
a quarantine row (stage entities) instead of mentions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb

from newsdesk.config import NerConfig, Settings
from newsdesk.entities.acronyms import acronym_evidence
from newsdesk.entities.keys import make_entity_id
from newsdesk.entities.linking import LinkOptions, link_article, normalize_name
from newsdesk.entities.ner import load_model
from newsdesk.entities.paragraphs import BREAK, read_bodies
from newsdesk.parallel import working_on
from newsdesk.records import Mention, QuarantineItem
from newsdesk.runner import BatchStage, Log, Sink, Stats, pool_size
from newsdesk.store import entity_tables
from newsdesk.store.schema import ARTICLE_ENTITIES, EVIDENCE, MENTIONS, QUARANTINE
from newsdesk.store.staging import ParquetStage, export_query
from newsdesk.store.store import Store
from newsdesk.store.tables import quarantine_row

DEFAULT_OPTIONS = LinkOptions()  # frozen: safe to share as a default

# doc_id, title, body length, linked mentions, ids of the entities typed by strong evidence in the
# article, characters of the body left out of NER (past NerConfig.max_tokens)
Annotated = tuple[str, str | None, int, list[Mention], set[str], int]


def annotate_rows(
    rows: list[dict[str, Any]], config: NerConfig, options: LinkOptions = DEFAULT_OPTIONS
) -> list[Annotated]:
    """NER and linking for a chunk of articles, in whichever process runs it (the model loads once
    per process).

    Workers return only the mentions: shipping spaCy Docs back, as nlp.pipe(n_process=...) does,
    costs the parent a tokenisation and a (de)serialisation per article. Tokenising and linking are
    per article and say which one they are on (an article that overruns its time there is the one
    stopped); the model then runs over the whole chunk, time-boxed by its token count
    (newsdesk.parallel)."""
    nlp = load_model(config.model)
    bodies = [str(r["body"]) for r in rows]
    spans, left_out = read_bodies(nlp, bodies, config)
    out = []
    for position, (row, body) in enumerate(zip(rows, bodies)):
        working_on(position)
        title = row.get("title")
        linked, strong = link_article(
            str(row["doc_id"]), body, list(spans[body]), options, title=title
        )
        out.append((str(row["doc_id"]), title, len(body), linked, strong, left_out[body]))
    return out


class EntitySink:
    """Staged mentions, per-article entities, alias evidence and failures of one batch."""

    def __init__(self, work: Path, batch_id: str) -> None:
        self.batch_id = batch_id
        self.mentions = ParquetStage(work / "mentions.parquet", MENTIONS, chunk_rows=20_000)
        self.per_article = ParquetStage(
            work / "article_entities.parquet", ARTICLE_ENTITIES, chunk_rows=20_000
        )
        self.evidence = ParquetStage(work / "evidence.parquet", EVIDENCE, chunk_rows=20_000)
        self.failures = ParquetStage(work / "quarantine_entities.parquet", QUARANTINE)

    def add(self, result: Annotated | QuarantineItem, stats: Counter[str]) -> None:
        if isinstance(result, QuarantineItem):
            self.failures.add(quarantine_row(result))
            return
        doc_id, title, body_length, linked, strong, left_out = result
        b = self.batch_id
        stats["truncated"] += left_out > 0  # annotated up to NerConfig.max_tokens only
        stats["mentions"] += len(linked)
        for m in linked:
            self.mentions.add(
                {
                    "doc_id": m.doc_id,
                    "batch_id": b,
                    "start_char": m.start_char,
                    "end_char": m.end_char,
                    "text": m.text,
                    "label": m.label,
                    "entity_id": m.entity_id,
                    "local_id": m.entity_id,
                }
            )
        labels: dict[str, list[str]] = defaultdict(list)  # per entity: linear in mentions
        for m in linked:
            labels[m.entity_id].append(m.label)
        for row in summarize_article(linked, title, body_length):
            label = most_common(labels[row["entity_id"]])
            self.per_article.add(
                {
                    "doc_id": doc_id,
                    "batch_id": b,
                    **row,
                    "local_id": row["entity_id"],
                    "label": label,
                    "strong_label": row["entity_id"] in strong,
                }
            )
        for alias_id, entity_id in sorted(find_evidence(linked)):
            self.evidence.add(
                {
                    "doc_id": doc_id,
                    "batch_id": b,
                    "alias_id": alias_id,
                    "entity_id": entity_id,
                    "rule": "acronym",
                }
            )

    def summary(self) -> dict[str, int]:
        return {}

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        entity_tables.stage_batch(
            con, self.batch_id, self.mentions, self.per_article, self.evidence, self.failures
        )


class EntityStage(BatchStage):
    name = "entities"
    batched = True
    work = staticmethod(annotate_rows)

    def export(self, store: Store, batch_id: str, work: Path) -> int:
        with store.read() as con:
            return export_query(
                con,
                entity_tables.ner_inputs_sql(con, batch_id),
                [batch_id, BREAK],
                work / "inputs.parquet",
            )

    def config(self, settings: Settings) -> NerConfig:
        return settings.ner

    def sink(self, work: Path, batch_id: str, settings: Settings) -> EntitySink:
        return EntitySink(work, batch_id)

    def workers(self, settings: Settings, n_inputs: int) -> int:
        return pool_size(settings.ner.n_process, n_inputs, settings.ner.min_docs_per_process)

    def timeout_s(self, settings: Settings) -> float:
        return settings.ner.doc_timeout_s

    def finish(
        self, store: Store, sink: Sink, work: Path, stats: Stats, settings: Settings, log: Log
    ) -> None:
        """Articles in other languages are not annotated (the model is English): counted as
        dropped."""
        assert isinstance(sink, EntitySink)
        with store.read() as con:
            n_articles = entity_tables.count_articles(con, sink.batch_id)
        stats["dropped_not_english"] = n_articles - stats["total"]
        stats["total"] = n_articles


ENTITIES = EntityStage()


def find_evidence(mentions: list[Mention]) -> set[tuple[str, str]]:
    """(alias id, entity id) for each acronym an article spelled out: the bare acronym's own id
    joins the name."""
    pairs = set()
    for m in mentions:
        acronym = acronym_evidence(m.text, m.canonical_name)
        if acronym:
            pairs.add((make_entity_id(acronym, "ORG"), m.entity_id))
    return pairs


def summarize_article(
    mentions: list[Mention], title: str | None, body_length: int
) -> list[dict[str, Any]]:
    """One row per entity of an article: entity_id, name, n_mentions, in_title, first_char,
    salience, is_about, ref_id (article_entities columns)."""
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        grouped[m.entity_id].append(m)
    title_key = f" {normalize_name(title)} " if title else ""
    out = []
    for entity_id, items in grouped.items():
        name = most_common([m.canonical_name for m in items])
        in_title = bool(title_key) and any(
            f" {s} " in title_key
            for s in {normalize_name(m.text) for m in items} | {normalize_name(name)}
            if s
        )
        first = min(m.start_char for m in items)
        out.append(
            {
                "entity_id": entity_id,
                "name": name,
                "n_mentions": len(items),
                "in_title": in_title,
                "first_char": first,
                "salience": salience(len(items), in_title, first, body_length),
                "is_about": is_about(len(items), in_title, first, body_length),
                "ref_id": items[0].ref_id,
            }
        )
    return out


def most_common(values: list[str]) -> str:
    """The most frequent value, the first seen among ties (Counter.most_common's choice); most
    entities are named one way in an article, and that case needs no Counter."""
    first = values[0]
    if all(value == first for value in values):
        return first
    return Counter(values).most_common(1)[0][0]


def salience(n_mentions: int, in_title: bool, first_char: int, body_length: int) -> float:
    """0..1: in the title weighs most, then how often it is named (saturating at 5), then how
    early."""
    early = 1.0 - first_char / body_length if body_length else 0.0
    return round(0.5 * in_title + 0.3 * min(n_mentions, 5) / 5 + 0.2 * early, 4)


def is_about(n_mentions: int, in_title: bool, first_char: int, body_length: int) -> bool:
    """ "Articles about X" rather than "articles mentioning X": in the title, or named often and
    early."""
    return in_title or (n_mentions >= 3 and first_char <= 0.25 * max(body_length, 1))
