"""Asset checks. Blocking where a bad result would poison later stages."""

import dagster as dg

from assets.batch import article_copies, article_entities, clean_articles, raw_documents
from assets.common import STAGE_POOL, ask
from assets.partitions import batches
from assets.resources import NewsdeskSettings
from newsdesk.store import queries

MAX_CLUSTER_SIZE = 50  # a copy cluster bigger than this is more likely a chaining error than syndication


def _check(asset: dg.AssetsDefinition, blocking: bool = True):  # type: ignore[no-untyped-def]
    return dg.asset_check(asset=asset, blocking=blocking, partitions_def=batches, pool=STAGE_POOL)


@_check(raw_documents)
def every_input_accounted_for(context: dg.AssetCheckExecutionContext,
                              newsdesk: NewsdeskSettings) -> dg.AssetCheckResult:
    """Every file of the batch folder has rows in `documents` or `quarantine`."""
    from newsdesk.ingest.batch import list_batch_files

    batch = context.partition_key
    batch_dir = newsdesk.batch_dir(batch)
    on_disk = {p.relative_to(batch_dir).as_posix() for p in list_batch_files(batch_dir)} if batch_dir.is_dir() else set()
    recorded = ask(newsdesk.store(), queries.recorded_sources, batch)
    missing = sorted(on_disk - recorded)
    return dg.AssetCheckResult(passed=not missing, metadata={
        "files": len(on_disk), "missing": len(missing), "missing_examples": ", ".join(missing[:10])})


@_check(clean_articles)
def no_empty_bodies(context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings) -> dg.AssetCheckResult:
    """No article has an empty body, and every document is either an article or quarantined by the cleaner."""
    empty, unaccounted = ask(newsdesk.store(), queries.empty_and_unaccounted, context.partition_key)
    return dg.AssetCheckResult(passed=empty == 0 and unaccounted == 0,
                               metadata={"empty_bodies": empty, "documents_unaccounted": unaccounted})


@_check(article_copies)
def one_canonical_per_cluster(context: dg.AssetCheckExecutionContext,
                              newsdesk: NewsdeskSettings) -> dg.AssetCheckResult:
    """Every article of the batch is in exactly one copy cluster, and each cluster has exactly one canonical."""
    missing, bad_clusters = ask(newsdesk.store(), queries.cluster_consistency, context.partition_key)
    return dg.AssetCheckResult(passed=missing == 0 and bad_clusters == 0, metadata={
        "articles_without_cluster": missing, "clusters_without_one_canonical": bad_clusters})


@_check(article_copies, blocking=False)
def copy_clusters_of_sane_size(context: dg.AssetCheckExecutionContext,
                               newsdesk: NewsdeskSettings) -> dg.AssetCheckResult:
    """Warns when a copy cluster touched by the batch holds more than MAX_CLUSTER_SIZE articles."""
    largest = ask(newsdesk.store(), queries.largest_touched_cluster, context.partition_key)
    return dg.AssetCheckResult(passed=largest <= MAX_CLUSTER_SIZE, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"largest_cluster": largest, "bound": MAX_CLUSTER_SIZE})


@_check(article_entities)
def mention_offsets_match_body(context: dg.AssetCheckExecutionContext,
                               newsdesk: NewsdeskSettings) -> dg.AssetCheckResult:
    """Every mention's text equals body[start_char:end_char] of its article."""
    bad, total = ask(newsdesk.store(), queries.mention_offsets, context.partition_key)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"mentions": total, "mismatched": bad})


ASSET_CHECKS = [every_input_accounted_for, no_empty_bodies, one_canonical_per_cluster, copy_clusters_of_sane_size,
                mention_offsets_match_body]
