"""Asset checks. Blocking where a bad result would poison later stages."""

from typing import Any

import dagster as dg

from assets.batch import article_copies, article_entities, clean_articles, raw_documents
from assets.common import STAGE_POOL, ask, table_value
from assets.partitions import batches
from assets.resources import NewsdeskSettings
from newsdesk.store import queries

MAX_CLUSTER_SIZE = (
    50  # a copy cluster bigger than this is more likely a chaining error than syndication
)


def _check(
    asset: dg.AssetsDefinition, blocking: bool = True, description: str | None = None
) -> Any:
    return dg.asset_check(
        asset=asset,
        blocking=blocking,
        partitions_def=batches,
        pool=STAGE_POOL,
        description=description,
    )


@_check(raw_documents)
def every_input_accounted_for(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    """Every input of the batch folder has its rows in `documents` or `quarantine`: one per file,
    one per page record of a WARC and per line of a JSONL. The inputs are counted by an inventory
    written apart from the reader (newsdesk.ingest.inventory), so a reader that skips something
    cannot hide it."""
    from newsdesk.ingest.inventory import expected_rows

    batch = context.partition_key
    settings = newsdesk.resolve()
    batch_dir = settings.landing_dir / batch
    expected = (
        expected_rows(batch_dir, settings.ingest.max_file_bytes) if batch_dir.is_dir() else {}
    )
    recorded = ask(newsdesk.store(), queries.recorded_counts, batch)
    short = sorted(path for path, n in expected.items() if recorded.get(path, 0) < n)
    return dg.AssetCheckResult(
        passed=not short,
        metadata={
            "inputs": len(expected),
            "records_expected": sum(expected.values()),
            "records_recorded": sum(recorded.values()),
            "short": len(short),
            "short_examples": ", ".join(short[:10]),
        },
    )


@_check(clean_articles)
def no_empty_bodies(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    """No article has an empty body, and every document is either an article or quarantined by the
    cleaner."""
    empty, unaccounted = ask(newsdesk.store(), queries.empty_and_unaccounted, context.partition_key)
    return dg.AssetCheckResult(
        passed=empty == 0 and unaccounted == 0,
        metadata={"empty_bodies": empty, "documents_unaccounted": unaccounted},
    )


@_check(clean_articles, blocking=False)
def batch_produced_articles(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    """Warns when the batch yielded no article at all: every input was quarantined (unreadable
    files, no article text, duplicates of earlier batches). The run stays green (an empty delivery
    is not an error of the pipeline's); this check is what shows it, with the quarantine's reasons
    and counts."""
    from newsdesk.store.dictionary import row_count

    batch = context.partition_key
    store = newsdesk.store()
    articles = ask(store, row_count, "articles", batch)
    reasons = [
        (stage, reason, int(n))
        for stage in ("ingest", "clean")
        for reason, n, _ in ask(store, queries.quarantine_reasons, batch, stage)
    ]
    rows: list[tuple[object, ...]] = list(reasons)
    return dg.AssetCheckResult(
        passed=articles > 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=None
        if articles
        else f"batch {batch} produced no article: every input was quarantined",
        metadata={
            "articles": articles,
            "quarantined": sum(n for _, _, n in reasons),
            "quarantine_reasons": table_value(["stage", "reason", "n"], rows),
        },
    )


@_check(article_copies)
def one_canonical_per_cluster(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    """Every article of the batch is in exactly one copy cluster, and each cluster has exactly one
    canonical."""
    missing, bad_clusters = ask(
        newsdesk.store(), queries.cluster_consistency, context.partition_key
    )
    return dg.AssetCheckResult(
        passed=missing == 0 and bad_clusters == 0,
        metadata={
            "articles_without_cluster": missing,
            "clusters_without_one_canonical": bad_clusters,
        },
    )


# The description is built from the constant, so the UI shows the number, never the constant's name.
@_check(
    article_copies,
    blocking=False,
    description=f"Warns when a copy cluster touched by the batch holds more "
    f"than {MAX_CLUSTER_SIZE} articles.",
)
def copy_clusters_of_sane_size(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    largest = ask(newsdesk.store(), queries.largest_touched_cluster, context.partition_key)
    # The bound as text: a number would be plotted over time as if it were a measurement.
    return dg.AssetCheckResult(
        passed=largest <= MAX_CLUSTER_SIZE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "largest_cluster": largest,
            "bound": dg.MetadataValue.text(f"at most {MAX_CLUSTER_SIZE} articles"),
        },
    )


@_check(article_entities)
def mention_offsets_match_body(
    context: dg.AssetCheckExecutionContext, newsdesk: NewsdeskSettings
) -> dg.AssetCheckResult:
    """Every mention's text equals body[start_char:end_char] of its article."""
    bad, total = ask(newsdesk.store(), queries.mention_offsets, context.partition_key)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"mentions": total, "mismatched": bad})
