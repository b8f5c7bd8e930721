"""Per-batch assets: one partition per landing folder. Each is a thin call into a newsdesk stage."""

import dagster as dg

from assets.common import BATCH_GROUP, DUCKDB_POOL, RETRY, ask, markdown_table, stats_metadata
from assets.partitions import batches
from assets.resources import NewsdeskSettings
from newsdesk.store import queries

_COMMON = dict(partitions_def=batches, group_name=BATCH_GROUP, pool=DUCKDB_POOL, retry_policy=RETRY,
               backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1))


def _run(stage: str, context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dict[str, int]:
    from newsdesk.pipeline import run_one  # lazy: stage modules pull in trafilatura and spaCy

    settings = newsdesk.resolve()
    return run_one(stage, newsdesk.store(settings), settings, context.partition_key, context.log.info)


@dg.asset(kinds={"python", "duckdb"}, **_COMMON)
def raw_documents(context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """Every file of the batch read, decoded and parsed into `documents` (+ `document_contents`);
    what cannot be read goes to `quarantine` with a reason."""
    stats = _run("ingest", context, newsdesk)
    reasons = ask(newsdesk.store(), queries.quarantine_reasons, context.partition_key, "ingest")
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "quarantine": dg.MetadataValue.md(markdown_table(["reason", "n", "example"], reasons) if reasons
                                          else "nothing quarantined"),
    })


@dg.asset(deps=[raw_documents], kinds={"python", "trafilatura", "duckdb"}, **_COMMON)
def clean_articles(context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """Boilerplate removed (trafilatura for HTML, our block classifier for text): `articles` and every removed
    piece in `boilerplate_segments`; documents left without article text go to `quarantine`."""
    stats = _run("clean", context, newsdesk)
    kept, removed = stats.get("words_kept", 0), stats.get("words_removed", 0)
    preview = ask(newsdesk.store(), queries.article_preview, context.partition_key)
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "share_words_removed": dg.MetadataValue.float(round(removed / (kept + removed), 4) if kept + removed else 0.0),
        "preview": dg.MetadataValue.md(markdown_table(["title", "outlet", "published", "body"], preview)),
    })


@dg.asset(deps=[clean_articles], kinds={"python", "duckdb"}, **_COMMON)
def article_copies(context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """Syndicated copies grouped into `copies` clusters against the whole corpus (MinHash-LSH candidates,
    verified on the clean bodies); different write-ups sharing wire passages become `story_links`."""
    stats = _run("dedup", context, newsdesk)
    biggest = ask(newsdesk.store(), queries.largest_clusters, context.partition_key)
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "largest_clusters": dg.MetadataValue.md(markdown_table(["copy_cluster_id", "articles"], biggest)),
    })


@dg.asset(deps=[clean_articles], kinds={"python", "spacy", "duckdb"}, **_COMMON)
def article_entities(context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """Named entities of every English article (`entity_mentions` with character offsets), linked to canonical
    `entities` (surnames and misspellings joined to the full name), counted per article."""
    stats = _run("entities", context, newsdesk)
    top = ask(newsdesk.store(), queries.top_entities, context.partition_key)
    return dg.MaterializeResult(metadata={
        **stats_metadata(stats),
        "model": dg.MetadataValue.text(newsdesk.resolve().ner.model),
        "top_entities": dg.MetadataValue.md(markdown_table(["entity", "label", "articles"], top)),
    })


@dg.asset(deps=[article_copies, article_entities], kinds={"duckdb"}, **_COMMON)
def analyst_snapshot(context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """The read-only copy of the database analysts query (`newsdesk shell`), published once the whole batch is
    in: readers never see a half-processed batch and never meet the pipeline's lock."""
    published = newsdesk.store().publish()
    size_mb = round((published.size_bytes or 0) / 2**20, 1)
    context.log.info(f"published {published.location} ({size_mb} MB)")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(published.location),
                                          "size_mb": dg.MetadataValue.float(size_mb)})


BATCH_ASSETS = [raw_documents, clean_articles, article_copies, article_entities, analyst_snapshot]
