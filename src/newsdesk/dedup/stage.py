"""The dedup stage for one batch, against the whole corpus already in the database.

1. signatures: tokens -> shingles -> MinHash (rensa) -> LSH band keys, and winnowed passage fingerprints, staged
   to Parquet (no connection held);
2. index + buckets: one short write transaction replaces the batch's index rows, keeps the common-fingerprint
   table exact, and asks DuckDB for every article sharing a band key or enough rare fingerprints with the batch;
   articles elsewhere whose common fingerprints changed (a phrase crossed the threshold) are re-queried too;
3. verification: every candidate pair is checked on the cleaned bodies (no connection held);
4. clusters: copy components around the touched articles, clustered canonical-first, written in one short
   transaction with the verified pairs and story links.
A pair's verdict depends only on the two bodies and on which of their own fingerprints are common, and a
cluster only on its component, so the final tables do not depend on the order batches were processed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newsdesk.config import DedupConfig
from newsdesk.dedup.cluster import CopyRow
from newsdesk.dedup.components import cluster_components, grow_components, limit_memory
from newsdesk.dedup.features import ArticleFeatures, band_keys, char_spans, compute_features, compute_signatures, doc_key
from newsdesk.dedup.verify import COPY, STORY, PairVerdict, shared_runs, verify_pair
from newsdesk.store import dedup_index as idx
from newsdesk.store.db import read_connection, write_transaction
from newsdesk.store.staging import export_query, insert_columns, iter_parquet, stage_workdir
from newsdesk.parallel import release_memory

Log = Callable[[str], None]
Pair = tuple[str, str]


def dedup_batch(db_path: Path, batch_id: str, config: DedupConfig, log: Log = lambda _: None,
                chunk_size: int = 2000) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with stage_workdir(db_path, "dedup") as work:
        with read_connection(db_path) as con:
            limit_memory(con, config)
            export_query(con, "SELECT doc_id, body FROM articles WHERE batch_id = ? ORDER BY doc_id", [batch_id],
                         work / "bodies.parquet")
        batch_docs = stage_signatures(work, batch_id, config, log, chunk_size)
        stats["total"] = len(batch_docs)

        with write_transaction(db_path) as con:
            limit_memory(con, config)
            pairs, neighbours, reverified = index_and_query(con, work, batch_id, config)
            common = idx.common_fingerprints(con)
        stats["candidate_pairs"], stats["reverified_docs"] = len(pairs), len(reverified)
        log(f"candidates: {len(pairs)} pairs ({len(reverified)} indexed articles re-verified)")

        with read_connection(db_path) as con:
            limit_memory(con, config)
            bodies = idx.fetch_bodies(con, {d for p in pairs for d in p})
        features = {d: compute_features(d, body, config) for d, body in bodies.items()}
        verdicts = {(a, b): verify_pair(features[a], features[b], config, common)
                    for a, b in pairs if a in features and b in features}
        for v in verdicts.values():
            stats[f"pairs_{v.relation or 'rejected'}"] += 1
        log(f"verified: {len(verdicts)} pairs over {len(features)} articles")
        new_copies = {k: v.containment for k, v in verdicts.items() if v.relation == COPY}
        kept = [v for v in verdicts.values() if v.relation is not None]
        stories = story_rows([v for v in kept if v.relation == STORY], bodies, features, common, config)
        del bodies

        seeds = set(batch_docs) | neighbours | reverified
        components, edges = grow_components(db_path, seeds, new_copies, config)
        grouped = {d for comp in components if len(comp) > 1 for d in comp}
        features = {d: f for d, f in features.items() if d in grouped}  # singletons are never compared again
        release_memory()
        rows, on_demand = cluster_components(db_path, components, edges, verdicts, features, common, config)
        stats["pairs_verified_on_demand"] = on_demand
        log(f"clusters: {len(rows)} articles in {len(components)} components")
        with write_transaction(db_path) as con:
            limit_memory(con, config)
            write_pairs(con, kept, stories)
            idx.replace_copies(con, [d for comp in components for d in comp], rows)
    stats.update(_cluster_stats(rows, set(batch_docs)))
    release_memory()
    return dict(stats)


def stage_signatures(work: Path, batch_id: str, config: DedupConfig, log: Log, chunk_size: int) -> list[str]:
    """Features of every batch article -> docs/bands/prints Parquet files; returns the batch's doc_ids."""
    writers = {name: pq.ParquetWriter(work / f"{name}.parquet", schema)
               for name, schema in (("docs", idx.DOCS), ("bands", idx.BANDS), ("prints", idx.FINGERPRINTS))}
    batch_docs: list[str] = []
    try:
        for chunk in iter_parquet(work / "bodies.parquet", chunk_size):
            feats = [compute_features(str(r["doc_id"]), str(r["body"]), config) for r in chunk]
            write_signature_rows(writers, feats, batch_id, config)
            batch_docs.extend(f.doc_id for f in feats)
            log(f"signatures: {len(batch_docs)} articles")
    finally:
        for writer in writers.values():
            writer.close()
    return batch_docs


def write_signature_rows(writers: dict[str, pq.ParquetWriter], feats: list[ArticleFeatures], batch_id: str,
                         config: DedupConfig) -> None:
    keys = np.array([doc_key(f.doc_id) for f in feats], dtype=np.uint64)
    bands = band_keys(compute_signatures(feats, config), config.bands)
    writers["docs"].write_table(pa.table({
        "doc_id": [f.doc_id for f in feats], "doc_key": keys, "batch_id": [batch_id] * len(feats),
        "n_tokens": pa.array([f.n_tokens for f in feats], pa.int32()),
        "n_shingles": pa.array([len(f.shingle_set) for f in feats], pa.int32())}, schema=idx.DOCS))
    writers["bands"].write_table(pa.table({"band_key": bands.ravel(), "doc_key": np.repeat(keys, bands.shape[1])},
                                          schema=idx.BANDS))
    counts = [len(f.fingerprints) for f in feats]
    prints = np.concatenate([f.fingerprints for f in feats]) if feats else np.zeros(0, np.uint64)
    writers["prints"].write_table(pa.table({"fingerprint": prints, "doc_key": np.repeat(keys, counts)},
                                           schema=idx.FINGERPRINTS))


def index_and_query(con: duckdb.DuckDBPyConnection, work: Path, batch_id: str,
                    config: DedupConfig) -> tuple[list[Pair], set[str], set[str]]:
    """Replace the batch's index rows; return candidate pairs, articles whose pairs were dropped, and indexed
    articles outside the batch that must be re-verified because one of their fingerprints changed status."""
    old = idx.batch_doc_keys(con, batch_id)
    removed = idx.count_common_in(con, old) if old else {}
    neighbours = idx.forget_docs(con, old, index_too=True) if old else set()
    for name, table, schema in (("docs", "dedup_docs", idx.DOCS), ("bands", "dedup_bands", idx.BANDS),
                                ("prints", "dedup_fingerprints", idx.FINGERPRINTS)):
        idx.load_parquet(con, table, work / f"{name}.parquet", schema)
    idx.stage_hits(con, work / "prints.parquet")
    rose, fell = idx.update_common(con, work / "prints.parquet", removed, config.common_fingerprint_docs)
    pairs = idx.batch_candidates(con, work / "bands.parquet", config.candidate_min_fingerprints,
                                 config.max_band_docs)
    changed = idx.docs_with_fingerprints(con, rose + fell)
    reverified: set[str] = set()
    if changed:
        reverified = idx.doc_ids_of(con, changed)
        neighbours |= idx.forget_docs(con, changed, index_too=False)
        pairs = sorted(set(pairs) | set(idx.doc_candidates(con, changed, config.candidate_min_fingerprints,
                                                            config.max_band_docs)))
    return pairs, neighbours, reverified


def story_rows(stories: list[PairVerdict], bodies: dict[str, str], features: dict[str, ArticleFeatures],
               common: np.ndarray, config: DedupConfig) -> dict[str, list[object]]:
    """story_links columns: the shared passages as text (from doc a) with their character spans in a and b."""
    cols: dict[str, list[object]] = {k: [] for k in ("doc_id_a", "doc_id_b", "shared_words", "n_passages",
                                                     "passages", "spans_a", "spans_b")}
    for v in stories:
        a, b = bodies[v.doc_id_a], bodies[v.doc_id_b]
        spans_a = char_spans(a, list(v.passages))
        own = np.intersect1d(np.union1d(features[v.doc_id_a].fingerprints, features[v.doc_id_b].fingerprints), common)
        spans_b = char_spans(b, shared_runs(features[v.doc_id_b], features[v.doc_id_a], config, own))
        for key, value in (("doc_id_a", v.doc_id_a), ("doc_id_b", v.doc_id_b), ("shared_words", v.shared_words),
                           ("n_passages", len(v.passages)), ("passages", [a[s:e] for s, e in spans_a]),
                           ("spans_a", [{"start": s, "stop": e} for s, e in spans_a]),
                           ("spans_b", [{"start": s, "stop": e} for s, e in spans_b])):
            cols[key].append(value)
    return cols


def write_pairs(con: duckdb.DuckDBPyConnection, kept: list[PairVerdict], stories: dict[str, list[object]]) -> None:
    insert_columns(con, "article_pairs", {
        "doc_id_a": [v.doc_id_a for v in kept], "doc_id_b": [v.doc_id_b for v in kept],
        "relation": [v.relation for v in kept], "containment": [round(v.containment, 4) for v in kept],
        "jaccard": [round(v.jaccard, 4) for v in kept], "shared_words": [v.shared_words for v in kept],
        "n_passages": [len(v.passages) for v in kept]})
    if stories["doc_id_a"]:
        insert_columns(con, "story_links", stories)


def _cluster_stats(rows: list[CopyRow], batch_docs: set[str]) -> dict[str, int]:
    in_batch = [r for r in rows if r.doc_id in batch_docs]
    return {
        "kept": sum(1 for r in in_batch if r.is_canonical),
        "dropped_copy": sum(1 for r in in_batch if not r.is_canonical),
        "clusters_touched": len({r.copy_cluster_id for r in rows}),
    }


