"""Corpus-wide assets: refreshed by the `publish_corpus` job as soon as a batch run succeeds (the
`corpus_automation` sensor), and by an hourly schedule as a fallback."""

from pathlib import Path
from typing import Any

import dagster as dg

from assets.batch import article_copies
from assets.common import (
    CORPUS_GROUP,
    OWNERS,
    PUBLISH_POOL,
    TAGS,
    ask,
    failures_explained,
    table_value,
)
from assets.resources import NewsdeskSettings
from newsdesk.store import queries
from newsdesk.store.store import Store

_COMMON: dict[str, Any] = dict(group_name=CORPUS_GROUP, pool=PUBLISH_POOL, owners=OWNERS, tags=TAGS)


@dg.asset(deps=[article_copies], kinds={"duckdb"}, **_COMMON)
def article_search_index(
    context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings
) -> dg.MaterializeResult:
    """BM25 full-text index over article titles and bodies (`fts_main_articles.match_bm25(doc_id,
    'query')`)."""
    with failures_explained():
        n = newsdesk.store().build_search_index()
    context.log.info(f"indexed {n} articles")
    return dg.MaterializeResult(metadata={"articles_indexed": dg.MetadataValue.int(n)})


@dg.asset(deps=[article_copies], kinds={"duckdb"}, **_COMMON)
def corpus_summary(newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """Corpus-wide figures: articles, copy clusters, story links, entities, per outlet."""
    with failures_explained():
        store = newsdesk.store()
        counts = ask(store, queries.corpus_counts)
        outlets = ask(store, queries.top_outlets)
    return dg.MaterializeResult(
        metadata={
            **{key: dg.MetadataValue.int(value) for key, value in counts.items()},
            "top_outlets": table_value(["outlet", "articles", "original", "copies"], outlets),
        }
    )


@dg.asset(deps=[article_copies, article_search_index], kinds={"duckdb"}, **_COMMON)
def analyst_snapshot(
    context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings
) -> dg.MaterializeResult:
    """What analysts query (`newsdesk shell`): a read-only copy of the published tables, which only
    ever hold whole batches, so readers never see half a batch and never meet the pipeline's lock;
    the HTML report with the corpus in pictures is written next to it."""
    with failures_explained():
        store = newsdesk.store()
        published = store.publish()
    context.log.info(published.describe())
    metadata: dict[str, dg.MetadataValue] = {"path": dg.MetadataValue.path(published.location)}
    if published.size_bytes is not None:
        metadata["size_mb"] = dg.MetadataValue.float(round(published.size_bytes / 2**20, 1))
    metadata["report"] = dg.MetadataValue.path(str(write_report(store)))
    return dg.MaterializeResult(metadata=metadata)


def write_report(store: Store) -> Path:
    from newsdesk.report import build_report  # lazy: matplotlib loads only here

    with store.analyst() as con:
        return build_report(con, store.report_dir())
