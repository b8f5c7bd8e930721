"""Corpus-wide assets, refreshed on a schedule after batches land."""

import dagster as dg

from assets.batch import article_copies, article_entities, clean_articles
from assets.common import CORPUS_GROUP, DUCKDB_POOL, RETRY, markdown_table, query_rows
from newsdesk.store.db import write_transaction
from newsdesk.store.fts import build_article_index
from pipelines.resources import DuckDBStore


@dg.asset(deps=[clean_articles], group_name=CORPUS_GROUP, kinds={"duckdb"}, pool=DUCKDB_POOL, retry_policy=RETRY)
def article_search_index(context: dg.AssetExecutionContext, store: DuckDBStore) -> dg.MaterializeResult:
    """BM25 full-text index over article titles and bodies (`fts_main_articles.match_bm25(doc_id, 'query')`)."""
    with write_transaction(store.path) as con:
        n = build_article_index(con)
    store.publish()
    context.log.info(f"indexed {n} articles")
    return dg.MaterializeResult(metadata={"articles_indexed": dg.MetadataValue.int(n)})


@dg.asset(deps=[clean_articles, article_copies, article_entities], group_name=CORPUS_GROUP, kinds={"duckdb"},
          pool=DUCKDB_POOL)
def corpus_summary(store: DuckDBStore) -> dg.MaterializeResult:
    """Corpus-wide figures: articles, copy clusters, story links, entities, per outlet."""
    (n_articles, n_clusters, n_links, n_entities, n_quarantined), = query_rows(store.path, """
        SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT copy_cluster_id) FROM copies),
               (SELECT count(*) FROM story_links), (SELECT count(*) FROM entities), (SELECT count(*) FROM quarantine)""",
        [])
    outlets = query_rows(store.path, "SELECT outlet, n_articles, n_original, n_copies FROM outlets "
                                     "ORDER BY n_articles DESC, outlet LIMIT 10", [])
    return dg.MaterializeResult(metadata={
        "articles": dg.MetadataValue.int(n_articles),
        "copy_clusters": dg.MetadataValue.int(n_clusters),
        "story_links": dg.MetadataValue.int(n_links),
        "entities": dg.MetadataValue.int(n_entities),
        "quarantined": dg.MetadataValue.int(n_quarantined),
        "top_outlets": dg.MetadataValue.md(markdown_table(["outlet", "articles", "original", "copies"], outlets)),
    })


CORPUS_ASSETS = [article_search_index, corpus_summary]
