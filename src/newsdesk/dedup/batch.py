"""Deduplicating one batch against the published corpus (the publish stage's corpus-wide part).

1. signatures (the runner's chunks, in the publishing process: ~8k articles/s, a worker pool would
   cost more than it saves): tokens -> shingles -> MinHash (rensa) -> LSH band keys, and winnowed
   passage fingerprints, staged to Parquet; each article's features are kept for verification
   (`FeatureCache`);
2. then, inside the publishing transaction (`deduplicate`): the batch's index rows are replaced, the
   common-fingerprint table is kept exact, and every article sharing a band key or enough rare
   fingerprints with the batch becomes a candidate (articles elsewhere whose common fingerprints
   changed are re-queried too); every candidate pair is verified on the cleaned bodies; copy
   components around the touched articles are clustered canonical-first; pairs, story links and
   clusters are written.
A pair's verdict depends only on the two bodies and on which of their own fingerprints are common,
and a cluster only on its component, so the final tables do not depend on the order batches were
processed in. An article whose features or a verification fails is quarantined (stage dedup) and
stays its own cluster.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from newsdesk.config import DedupConfig
from newsdesk.dedup.cache import FeatureCache
from newsdesk.dedup.components import cluster_components, grow_components
from newsdesk.dedup.features import (
    ArticleFeatures,
    band_keys,
    char_spans,
    compute_features,
    compute_signatures,
)
from newsdesk.dedup.shingles import tokenize
from newsdesk.dedup.signatures import SignatureWriter
from newsdesk.dedup.verify import COPY, STORY, PairVerdict, verify_pair
from newsdesk.records import CopyRow, QuarantineItem
from newsdesk.store import batches
from newsdesk.store import dedup_index as idx
from newsdesk.store.staging import export_query, insert_columns
from newsdesk.store.store import Store

Pair = tuple[str, str]
# the store's memory profile: index joins spill to disk instead of growing past the budget
MEMORY = "dedup"


def feature_rows(rows: list[dict[str, Any]], config: DedupConfig) -> list[ArticleFeatures]:
    return [compute_features(str(r["doc_id"]), str(r["body"]), config) for r in rows]


def export_inputs(store: Store, batch_id: str, work: Path) -> int:
    """The batch's articles (pending when a run in progress cleaned them) with their document
    fields."""
    with store.read(memory=MEMORY) as con:
        articles = f"{batches.source(con, batch_id, 'clean')}.articles"
        documents = f"{batches.source(con, batch_id, 'ingest')}.documents"
        return export_query(
            con,
            f"""SELECT a.doc_id, a.body, d.source_path, d.external_id, d.n_bytes, d.sha256
                                     FROM {articles} a LEFT JOIN {documents} d USING (doc_id)
                                     WHERE a.batch_id = ? ORDER BY a.doc_id""",
            [batch_id],
            work / "inputs.parquet",
        )


class DedupBatch:
    """The batch's signatures (Parquet, for the index), features (for verification) and failures."""

    def __init__(self, work: Path, batch_id: str, config: DedupConfig) -> None:
        self.work, self.batch_id, self.config = work, batch_id, config
        self.signatures = SignatureWriter(work)
        self.cache = FeatureCache(work / "features.parquet", config)
        self.pending: list[ArticleFeatures] = []
        self.batch_docs: list[str] = []
        self.failed: dict[str, QuarantineItem] = {}

    def add(self, result: ArticleFeatures | QuarantineItem) -> None:
        if isinstance(result, QuarantineItem):
            self.failed[str(result.doc_id)] = result
            return
        self.pending.append(result)
        self.batch_docs.append(result.doc_id)
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            bands = band_keys(compute_signatures(self.pending, self.config), self.config.bands)
            self.signatures.add(self.pending, bands, self.batch_id)
            self.cache.add(self.pending)
            self.pending = []

    def close(self) -> None:
        """Flush and close the staged signatures (closing again is a no-op: a lake writer may
        retry)."""
        self.flush()
        self.signatures.close()


def deduplicate(
    con: duckdb.DuckDBPyConnection, sink: DedupBatch, failed: dict[str, QuarantineItem]
) -> dict[str, int]:
    """Index, candidates, verification and clusters of the batch against the published corpus;
    returns stats. Verification failures are added to `failed`."""
    config, batch_id = sink.config, sink.batch_id
    pairs, neighbours, reverified = index_and_query(con, sink.work, batch_id, config)
    common = idx.common_fingerprints(con)
    features = sink.cache.get({d for p in pairs for d in p}, lambda ids: idx.fetch_bodies(con, ids))
    verdicts: dict[Pair, PairVerdict] = {}
    for a, b in pairs:
        if a in features and b in features:
            try:
                verdicts[(a, b)] = verify_pair(features[a], features[b], config, common)
            except Exception as exc:  # noqa: BLE001 - one pair must not fail the batch
                for doc_id in {a, b} & set(sink.batch_docs):
                    failed.setdefault(
                        doc_id,
                        QuarantineItem(
                            batch_id=batch_id,
                            source_path="",
                            stage="dedup",
                            reason="dedup_error",
                            doc_id=doc_id,
                            detail=(
                                f"verifying against {b if doc_id == a else a}: "
                                f"{type(exc).__name__}: {exc}"
                            )[:1000],
                        ),
                    )
    stats = Counter(f"pairs_{v.relation or 'rejected'}" for v in verdicts.values())
    new_copies = {k: v.containment for k, v in verdicts.items() if v.relation == COPY}
    kept = [v for v in verdicts.values() if v.relation is not None]
    write_pairs(con, kept, story_rows([v for v in kept if v.relation == STORY], con))
    seeds = set(sink.batch_docs) | set(failed) | neighbours | reverified
    components, edges = grow_components(con, seeds, new_copies, config)
    sink.cache.keep_only({d for comp in components if len(comp) > 1 for d in comp})
    rows, on_demand = cluster_components(
        con, components, edges, verdicts, sink.cache, common, config
    )
    idx.replace_copies(con, [d for comp in components for d in comp], rows)
    return {
        **stats,
        "candidate_pairs": len(pairs),
        "reverified_docs": len(reverified),
        "pairs_verified_on_demand": on_demand,
        **_cluster_stats(rows, set(sink.batch_docs) | set(failed)),
    }


def index_and_query(
    con: duckdb.DuckDBPyConnection, work: Path, batch_id: str, config: DedupConfig
) -> tuple[list[Pair], set[str], set[str]]:
    """Replace the batch's index rows; return candidate pairs, articles whose pairs were dropped,
    and indexed articles outside the batch that must be re-verified because one of their
    fingerprints changed status."""
    old = idx.batch_doc_keys(con, batch_id)
    removed = idx.count_common_in(con, old) if old else {}
    neighbours = idx.forget_docs(con, old, index_too=True) if old else set()
    sink_paths = SignatureWriter.paths(work)
    for table, path in sink_paths.items():
        idx.load_parquet(con, table, path)
    prints = sink_paths["dedup_fingerprints"]
    idx.stage_hits(con, prints)
    rose, fell = idx.update_common(con, prints, removed, config.common_fingerprint_docs)
    pairs = idx.batch_candidates(
        con, sink_paths["dedup_bands"], config.candidate_min_fingerprints, config.max_band_docs
    )
    changed = idx.docs_with_fingerprints(con, rose + fell)
    reverified: set[str] = set()
    if changed:
        reverified = idx.doc_ids_of(con, changed)
        neighbours |= idx.forget_docs(con, changed, index_too=False)
        pairs = sorted(
            set(pairs)
            | set(
                idx.doc_candidates(
                    con, changed, config.candidate_min_fingerprints, config.max_band_docs
                )
            )
        )
    return pairs, neighbours, reverified


def story_rows(
    stories: list[PairVerdict], con: duckdb.DuckDBPyConnection
) -> dict[str, list[object]]:
    """story_links columns: the shared passages as text (from doc a) with their character spans in a
    and b."""
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "doc_id_a",
            "doc_id_b",
            "shared_words",
            "n_passages",
            "passages",
            "spans_a",
            "spans_b",
        )
    }
    bodies = (
        idx.fetch_bodies(con, sorted({d for v in stories for d in (v.doc_id_a, v.doc_id_b)}))
        if stories
        else {}
    )
    tokens = {doc_id: tokenize(body) for doc_id, body in bodies.items()}
    for v in stories:
        a = bodies[v.doc_id_a]
        spans_a = char_spans(tokens[v.doc_id_a], list(v.passages))
        spans_b = char_spans(tokens[v.doc_id_b], list(v.passages_b))
        for key, value in (
            ("doc_id_a", v.doc_id_a),
            ("doc_id_b", v.doc_id_b),
            ("shared_words", v.shared_words),
            ("n_passages", len(v.passages)),
            ("passages", [a[s:e] for s, e in spans_a]),
            ("spans_a", [{"start": s, "stop": e} for s, e in spans_a]),
            ("spans_b", [{"start": s, "stop": e} for s, e in spans_b]),
        ):
            cols[key].append(value)
    return cols


def write_pairs(
    con: duckdb.DuckDBPyConnection, kept: list[PairVerdict], stories: dict[str, list[object]]
) -> None:
    insert_columns(
        con,
        "article_pairs",
        {
            "doc_id_a": [v.doc_id_a for v in kept],
            "doc_id_b": [v.doc_id_b for v in kept],
            "relation": [v.relation for v in kept],
            "containment": [round(v.containment, 4) for v in kept],
            "jaccard": [round(v.jaccard, 4) for v in kept],
            "shared_words": [v.shared_words for v in kept],
            "n_passages": [len(v.passages) for v in kept],
        },
        key=("doc_id_a", "doc_id_b"),
    )
    if stories.get("doc_id_a"):
        insert_columns(con, "story_links", stories, key=("doc_id_a", "doc_id_b"))


def _cluster_stats(rows: list[CopyRow], batch_docs: set[str]) -> dict[str, int]:
    in_batch = [r for r in rows if r.doc_id in batch_docs]
    return {
        "canonical": sum(1 for r in in_batch if r.is_canonical),
        "copies": sum(1 for r in in_batch if not r.is_canonical),
        "clusters_touched": len({r.copy_cluster_id for r in rows}),
    }
