"""Story threads in Dagster: the check that every published article is in exactly one thread.

Threads are written by `article_copies` itself, in the transaction that publishes the batch (one
line in newsdesk.publish.PublishSink.write calls newsdesk.threads.publish.thread_batch), so there is
no separate asset: readers never see a published article without its thread, a lake conflict retries
both together, and a run costs no extra step. The tables are listed with article_copies'
(assets/dictionary.py)."""

import dagster as dg

from assets.batch import article_copies
from assets.common import STAGE_POOL, ask
from assets.partitions import batches
from assets.resources import NewsdeskSettings
from newsdesk.store import thread_tables


@dg.asset_check(asset=article_copies, blocking=True, partitions_def=batches, pool=STAGE_POOL)
def every_article_in_one_thread(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    """Every published article of the batch is in exactly one story thread (thread_articles)."""
    n_articles, wrong = ask(newsdesk.store(), thread_tables.misthreaded, context.partition_key)
    return dg.AssetCheckResult(
        passed=not wrong,
        metadata={
            "articles": n_articles,
            "not_in_exactly_one_thread": len(wrong),
            "examples": ", ".join(wrong[:10]),
        },
    )
