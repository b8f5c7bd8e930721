"""Per-batch assets: one partition per landing folder. Each is a thin call into a newsdesk stage."""

from dataclasses import replace

import dagster as dg

from assets.common import BATCH_GROUP, DUCKDB_POOL, RETRY, markdown_table, query_rows, stats_metadata
from newsdesk.clean.stage import clean_batch
from newsdesk.config import load_settings
from newsdesk.dedup.stage import dedup_batch
from newsdesk.entities.stage import extract_entities
from newsdesk.ingest.stage import ingest_batch
from pipelines.partitions import batches
from pipelines.resources import DedupSettings, DuckDBStore, LandingZone, SpacyNer

_COMMON = dict(partitions_def=batches, group_name=BATCH_GROUP, pool=DUCKDB_POOL, retry_policy=RETRY,
               backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1))


@dg.asset(kinds={"python", "duckdb"}, **_COMMON)
def raw_documents(context: dg.AssetExecutionContext, store: DuckDBStore, landing: LandingZone) -> dg.MaterializeResult:
    """Every file of the batch read, decoded and parsed into `documents` (+ `document_contents`);
    what cannot be read goes to `quarantine` with a reason."""
    batch = context.partition_key
    config = replace(load_settings().ingest, max_file_bytes=landing.max_file_bytes)
    stats = ingest_batch(store.path, landing.batch_dir(batch), batch, config, log=context.log.info)
    reasons = query_rows(store.path, """SELECT reason, count(*), any_value(detail) FROM quarantine
                                        WHERE batch_id = ? AND stage = 'ingest' GROUP BY reason ORDER BY 2 DESC""",
                         [batch])
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "quarantine": dg.MetadataValue.md(markdown_table(["reason", "n", "example"], reasons) if reasons
                                          else "nothing quarantined"),
    })


@dg.asset(deps=[raw_documents], kinds={"python", "trafilatura", "duckdb"}, **_COMMON)
def clean_articles(context: dg.AssetExecutionContext, store: DuckDBStore) -> dg.MaterializeResult:
    """Boilerplate removed (trafilatura for HTML, our block classifier for text): `articles` and every removed
    piece in `boilerplate_segments`; documents left without article text go to `quarantine`."""
    batch = context.partition_key
    stats = clean_batch(store.path, batch, load_settings().clean, log=context.log.info)
    kept, removed = stats.get("words_kept", 0), stats.get("words_removed", 0)
    preview = query_rows(store.path, """SELECT coalesce(title, '(no title)'), source_name, published_date,
                                               left(body, 240) || '…'
                                        FROM articles WHERE batch_id = ? ORDER BY doc_id LIMIT 3""", [batch])
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "share_words_removed": dg.MetadataValue.float(round(removed / (kept + removed), 4) if kept + removed else 0.0),
        "preview": dg.MetadataValue.md(markdown_table(["title", "outlet", "published", "body"], preview)),
    })


@dg.asset(deps=[clean_articles], kinds={"python", "duckdb"}, **_COMMON)
def article_copies(context: dg.AssetExecutionContext, store: DuckDBStore, dedup: DedupSettings) -> dg.MaterializeResult:
    """Syndicated copies grouped into `copies` clusters against the whole corpus (MinHash-LSH candidates,
    verified on the clean bodies); different write-ups sharing wire passages become `story_links`."""
    batch = context.partition_key
    stats = dedup_batch(store.path, batch, dedup.config, log=context.log.info)
    biggest = query_rows(store.path, """SELECT copy_cluster_id, count(*) AS n FROM copies
                                        WHERE copy_cluster_id IN (SELECT c.copy_cluster_id FROM copies c
                                              JOIN articles a USING (doc_id) WHERE a.batch_id = ?)
                                        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5""", [batch])
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "largest_clusters": dg.MetadataValue.md(markdown_table(["copy_cluster_id", "articles"], biggest)),
    })


@dg.asset(deps=[clean_articles], kinds={"python", "spacy", "duckdb"}, **_COMMON)
def article_entities(context: dg.AssetExecutionContext, store: DuckDBStore, ner: SpacyNer) -> dg.MaterializeResult:
    """Named entities of every English article (`entity_mentions` with character offsets), linked to canonical
    `entities` (surnames and misspellings joined to the full name), counted per article."""
    batch = context.partition_key
    stats = extract_entities(store.path, batch, ner.config, log=context.log.info)
    top = query_rows(store.path, """SELECT e.name, e.label, count(DISTINCT ae.doc_id) AS n
                                    FROM article_entities ae JOIN entities e USING (entity_id)
                                    WHERE ae.batch_id = ? GROUP BY ALL ORDER BY n DESC, 1 LIMIT 10""", [batch])
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "model": dg.MetadataValue.text(ner.model),
        "top_entities": dg.MetadataValue.md(markdown_table(["entity", "label", "articles"], top)),
    })


@dg.asset(deps=[article_copies, article_entities], kinds={"duckdb"}, **_COMMON)
def analyst_snapshot(context: dg.AssetExecutionContext, store: DuckDBStore) -> dg.MaterializeResult:
    """The read-only copy of the database analysts query (`newsdesk shell`), published once the whole batch is
    in: readers never see a half-processed batch and never meet the pipeline's lock."""
    path = store.publish()
    size = path.stat().st_size
    context.log.info(f"published {path} ({size / 2**20:.1f} MB)")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)),
                                          "size_mb": dg.MetadataValue.float(round(size / 2**20, 1))})


BATCH_ASSETS = [raw_documents, clean_articles, article_copies, article_entities, analyst_snapshot]
