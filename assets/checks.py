"""Asset checks. Blocking where a bad result would poison later stages."""

import dagster as dg

from assets.batch import article_copies, article_entities, clean_articles, raw_documents
from assets.common import DUCKDB_POOL, query_rows
from newsdesk.ingest.batch import list_batch_files
from pipelines.partitions import batches
from pipelines.resources import DuckDBStore, LandingZone

MAX_CLUSTER_SIZE = 50  # a copy cluster bigger than this is more likely a chaining error than syndication


def _check(asset: dg.AssetsDefinition, blocking: bool = True):  # type: ignore[no-untyped-def]
    return dg.asset_check(asset=asset, blocking=blocking, partitions_def=batches, pool=DUCKDB_POOL)


@_check(raw_documents)
def every_input_accounted_for(context: dg.AssetCheckExecutionContext, store: DuckDBStore,
                              landing: LandingZone) -> dg.AssetCheckResult:
    """Every file of the batch folder has rows in `documents` or `quarantine`."""
    batch = context.partition_key
    batch_dir = landing.batch_dir(batch)
    on_disk = {p.relative_to(batch_dir).as_posix() for p in list_batch_files(batch_dir)} if batch_dir.is_dir() else set()
    rows = query_rows(store.path, """SELECT source_path FROM documents WHERE batch_id = ?
                                     UNION SELECT source_path FROM quarantine WHERE batch_id = ?""", [batch, batch])
    recorded = {r[0] for r in rows}
    missing = sorted(on_disk - recorded)
    return dg.AssetCheckResult(passed=not missing, metadata={
        "files": len(on_disk), "missing": len(missing), "missing_examples": ", ".join(missing[:10])})


@_check(clean_articles)
def no_empty_bodies(context: dg.AssetCheckExecutionContext, store: DuckDBStore) -> dg.AssetCheckResult:
    """No article has an empty body, and every document is either an article or quarantined by the cleaner."""
    batch = context.partition_key
    (empty, unaccounted), = query_rows(store.path, """
        SELECT (SELECT count(*) FROM articles WHERE batch_id = ? AND length(trim(body)) = 0),
               (SELECT count(*) FROM documents d WHERE d.batch_id = ?
                  AND d.doc_id NOT IN (SELECT doc_id FROM articles)
                  AND d.doc_id NOT IN (SELECT doc_id FROM quarantine WHERE stage = 'clean' AND doc_id IS NOT NULL))""",
        [batch, batch])
    return dg.AssetCheckResult(passed=empty == 0 and unaccounted == 0,
                               metadata={"empty_bodies": empty, "documents_unaccounted": unaccounted})


@_check(article_copies)
def one_canonical_per_cluster(context: dg.AssetCheckExecutionContext, store: DuckDBStore) -> dg.AssetCheckResult:
    """Every article of the batch is in exactly one copy cluster, and each cluster has exactly one canonical."""
    batch = context.partition_key
    (missing, bad_clusters), = query_rows(store.path, """
        SELECT (SELECT count(*) FROM articles a WHERE a.batch_id = ? AND a.doc_id NOT IN (SELECT doc_id FROM copies)),
               (SELECT count(*) FROM (SELECT copy_cluster_id FROM copies GROUP BY 1
                                      HAVING count(*) FILTER (WHERE is_canonical) <> 1))""", [batch])
    return dg.AssetCheckResult(passed=missing == 0 and bad_clusters == 0,
                               metadata={"articles_without_cluster": missing, "clusters_without_one_canonical": bad_clusters})


@_check(article_copies, blocking=False)
def copy_clusters_of_sane_size(context: dg.AssetCheckExecutionContext, store: DuckDBStore) -> dg.AssetCheckResult:
    """Warns when a copy cluster touched by the batch holds more than MAX_CLUSTER_SIZE articles."""
    batch = context.partition_key
    (largest,), = query_rows(store.path, """
        SELECT coalesce(max(n), 0) FROM (SELECT copy_cluster_id, count(*) AS n FROM copies
            WHERE copy_cluster_id IN (SELECT c.copy_cluster_id FROM copies c JOIN articles a USING (doc_id)
                                      WHERE a.batch_id = ?) GROUP BY 1)""", [batch])
    return dg.AssetCheckResult(passed=largest <= MAX_CLUSTER_SIZE, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"largest_cluster": largest, "bound": MAX_CLUSTER_SIZE})


@_check(article_entities)
def mention_offsets_match_body(context: dg.AssetCheckExecutionContext, store: DuckDBStore) -> dg.AssetCheckResult:
    """Every mention's text equals body[start_char:end_char] of its article."""
    batch = context.partition_key
    (bad, total), = query_rows(store.path, """
        SELECT count(*) FILTER (WHERE substr(a.body, m.start_char + 1, m.end_char - m.start_char) <> m.text), count(*)
        FROM entity_mentions m JOIN articles a USING (doc_id) WHERE m.batch_id = ?""", [batch])
    return dg.AssetCheckResult(passed=bad == 0, metadata={"mentions": total, "mismatched": bad})


ASSET_CHECKS = [every_input_accounted_for, no_empty_bodies, one_canonical_per_cluster, copy_clusters_of_sane_size,
                mention_offsets_match_body]
