"""Corpus-wide assets, refreshed on a schedule after batches land."""

import dagster as dg

from assets.batch import article_copies, article_entities, clean_articles
from assets.common import CORPUS_GROUP, DUCKDB_POOL, RETRY, ask, markdown_table
from assets.resources import NewsdeskSettings
from newsdesk.store import queries


@dg.asset(deps=[clean_articles], group_name=CORPUS_GROUP, kinds={"duckdb"}, pool=DUCKDB_POOL, retry_policy=RETRY)
def article_search_index(context: dg.AssetExecutionContext, newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """BM25 full-text index over article titles and bodies (`fts_main_articles.match_bm25(doc_id, 'query')`)."""
    from newsdesk.store.fts import build_article_index

    store = newsdesk.store()
    n = store.write(build_article_index)
    store.publish()
    context.log.info(f"indexed {n} articles")
    return dg.MaterializeResult(metadata={"articles_indexed": dg.MetadataValue.int(n)})


@dg.asset(deps=[clean_articles, article_copies, article_entities], group_name=CORPUS_GROUP, kinds={"duckdb"},
          pool=DUCKDB_POOL)
def corpus_summary(newsdesk: NewsdeskSettings) -> dg.MaterializeResult:
    """Corpus-wide figures: articles, copy clusters, story links, entities, per outlet."""
    store = newsdesk.store()
    counts = ask(store, queries.corpus_counts)
    outlets = ask(store, queries.top_outlets)
    return dg.MaterializeResult(metadata={
        **{key: dg.MetadataValue.int(value) for key, value in counts.items()},
        "top_outlets": dg.MetadataValue.md(markdown_table(["outlet", "articles", "original", "copies"], outlets)),
    })


CORPUS_ASSETS = [article_search_index, corpus_summary]
