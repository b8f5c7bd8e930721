"""Per-batch assets: one partition per landing folder. Each is a thin call into a newsdesk stage."""

from typing import Any

import dagster as dg

from assets.common import (
    BATCH_GROUP,
    OWNERS,
    PUBLISH_POOL,
    STAGE_POOL,
    TAGS,
    ask,
    failures_explained,
    stats_metadata,
    table_value,
)
from assets.dictionary import STAGE_OF, TABLES_WRITTEN, table_metadata
from assets.partitions import batches
from assets.resources import NewsdeskSettings
from newsdesk.store import queries

_COMMON: dict[str, Any] = dict(
    partitions_def=batches,
    group_name=BATCH_GROUP,
    owners=OWNERS,
    tags=TAGS,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1),
)


class IngestRun(dg.Config):
    allow_empty: bool = (
        False  # process a batch whose folder is now empty (removes the batch's rows)
    )


# The stages' progress lines also go to this Python logger: the operator CLI runs batches in its own
# process and shows them as they come (pipelines/progress.py); elsewhere it has no handler and
# prints nothing.
PROGRESS_LOGGER = "newsdesk.progress"


def _run(
    stage: str, context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings
) -> dict[str, int]:
    import logging

    from newsdesk.pipeline import run_one  # lazy: stage modules pull in trafilatura and spaCy
    from newsdesk.store.lease import acting_for

    progress = logging.getLogger(PROGRESS_LOGGER)

    def log(line: str) -> None:
        context.log.info(line)
        progress.info(line)

    progress.info(f"{stage}: started")
    settings = newsdesk.resolve()
    with acting_for(
        context.run.run_id
    ):  # every step of the run holds the batch's lease as this run
        return run_one(stage, newsdesk.store(), settings, context.partition_key, log)


def _tables(
    context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings, asset: str
) -> dict[str, dg.MetadataValue]:
    """Column schema (with the data dictionary's descriptions), the batch's row counts of what the
    asset writes (its own stage's quarantine rows) and the corpus totals under their own keys."""
    return ask(
        newsdesk.store(),
        table_metadata,
        TABLES_WRITTEN[asset],
        context.partition_key,
        STAGE_OF[asset],
    )


@dg.asset(kinds={"python", "duckdb"}, pool=STAGE_POOL, **_COMMON)
def raw_documents(
    context: dg.AssetExecutionContext, config: IngestRun, newsdesk: NewsdeskSettings
) -> dg.MaterializeResult:
    """Every file of the batch read, decoded and parsed into `documents` (+ `document_contents`);
    what cannot be read goes to `quarantine` with a reason. Settings, the model and the folder are
    checked first: a wrong one fails the run at once, with one line, and is not retried."""
    from newsdesk.preflight import check_batch, check_model, incomplete_delivery

    with failures_explained():
        settings = newsdesk.resolve()
        store = newsdesk.store()
        check_model(settings)
        check_batch(settings, store, context.partition_key, allow_empty=config.allow_empty)
        if incomplete := incomplete_delivery(settings, context.partition_key):
            context.log.warning(incomplete)
        stats = _run("ingest", context, newsdesk)
    reasons = ask(store, queries.quarantine_reasons, context.partition_key, "ingest")
    return dg.MaterializeResult(
        metadata={
            **_tables(context, newsdesk, "raw_documents"),
            **stats_metadata(stats),
            "delivery_complete": dg.MetadataValue.bool(incomplete is None),  # _SUCCESS was there
            "quarantine": table_value(["reason", "n", "example"], reasons),
        }
    )


@dg.asset(
    deps=[raw_documents], kinds={"python", "trafilatura", "duckdb"}, pool=STAGE_POOL, **_COMMON
)
def clean_articles(
    context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings
) -> dg.MaterializeResult:
    """Boilerplate removed (trafilatura for HTML, our block classifier for text): `articles` and
    every removed piece in `boilerplate_segments`; documents left without article text go to
    `quarantine`."""
    with failures_explained():
        stats = _run("clean", context, newsdesk)
    kept, removed = stats.get("words_kept", 0), stats.get("words_removed", 0)
    if not stats.get("kept"):
        context.log.warning(
            f"batch {context.partition_key} yielded no articles: every input was quarantined "
            "(see the quarantine table: duplicates of earlier batches, unreadable files, ...)"
        )
    preview = ask(newsdesk.store(), queries.article_preview, context.partition_key)
    return dg.MaterializeResult(
        metadata={
            **_tables(context, newsdesk, "clean_articles"),
            **stats_metadata(stats),
            "no_articles": dg.MetadataValue.bool(not stats.get("kept")),
            "share_words_removed": dg.MetadataValue.float(
                round(removed / (kept + removed), 4) if kept + removed else 0.0
            ),
            "preview": table_value(["title", "outlet", "published", "body"], preview),
        }
    )


@dg.asset(deps=[clean_articles], kinds={"python", "spacy", "duckdb"}, pool=STAGE_POOL, **_COMMON)
def article_entities(
    context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings
) -> dg.MaterializeResult:
    """Named entities of every English article (`entity_mentions` with character offsets), named as
    the article names them; linked to canonical `entities` when the batch is published
    (article_copies)."""
    with failures_explained():
        stats = _run("entities", context, newsdesk)
    top = ask(newsdesk.store(), queries.top_entities, context.partition_key)
    return dg.MaterializeResult(
        metadata={
            **_tables(context, newsdesk, "article_entities"),
            **stats_metadata(stats),
            "model": dg.MetadataValue.text(newsdesk.resolve().ner.model),
            "top_entities": table_value(["entity", "label", "articles"], top),
        }
    )


@dg.asset(
    deps=[clean_articles, article_entities],
    kinds={"python", "duckdb"},
    pool=PUBLISH_POOL,
    **_COMMON,
)
def article_copies(
    context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings
) -> dg.MaterializeResult:
    """Publishes the batch, in one transaction: its documents, articles and mentions join the tables
    analysts query; syndicated copies are grouped into `copies` clusters against the whole corpus
    (MinHash-LSH candidates, verified on the clean bodies), write-ups sharing wire passages become
    `story_links`, and its mentions are linked to canonical `entities` (surnames, misspellings and
    acronyms joined across the corpus)."""
    with failures_explained():
        stats = _run("publish", context, newsdesk)
    biggest = ask(newsdesk.store(), queries.largest_clusters, context.partition_key)
    return dg.MaterializeResult(
        metadata={
            **_tables(context, newsdesk, "article_copies"),
            **stats_metadata(stats),
            "largest_clusters": table_value(["copy_cluster_id", "articles"], biggest),
        }
    )
