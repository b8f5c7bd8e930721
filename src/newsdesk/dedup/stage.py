"""The dedup stage for one batch, against the whole corpus already in the database.

1. signatures: shingles -> MinHash (rensa) -> LSH band keys, and winnowed passage fingerprints, staged to Parquet;
2. index + candidates: one short transaction stores the batch's index rows and asks DuckDB for every article
   that shares a band key or enough rare passage fingerprints with an article of the batch;
3. verification: every candidate pair is checked on the cleaned bodies (no database connection held);
4. clusters: one short transaction stores the verified pairs and re-clusters the connected copy components
   the batch touches. Clustering is a function of the pair graph only, so the result does not depend on
   the order in which batches were processed.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import duckdb

from newsdesk.config import DedupConfig
from newsdesk.dedup.cluster import CopyRow, cluster_copies
from newsdesk.dedup.features import ArticleFeatures, band_keys, compute_features, compute_signatures, passage_text
from newsdesk.dedup.verify import COPY, STORY, PairVerdict, verify_pair
from newsdesk.store import dedup_index as idx
from newsdesk.store.db import read_connection, write_transaction
from newsdesk.store.staging import ParquetStage, export_query, insert_columns, iter_parquet, load_stage

Log = Callable[[str], None]


def dedup_batch(db_path: Path, batch_id: str, config: DedupConfig, log: Log = lambda _: None,
                chunk_size: int = 1000) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="dedup-", dir=_staging_dir(db_path)) as tmp:
        work = Path(tmp)
        with read_connection(db_path) as con:
            export_query(con, "SELECT doc_id, body FROM articles WHERE batch_id = ? ORDER BY doc_id", [batch_id],
                         work / "bodies.parquet")
        sigs = ParquetStage(work / "sigs.parquet", idx.SIGNATURES)
        bands = ParquetStage(work / "bands.parquet", idx.BANDS, chunk_rows=50_000)
        prints = ParquetStage(work / "prints.parquet", idx.FINGERPRINTS, chunk_rows=100_000)
        batch_docs: list[str] = []
        for chunk in iter_parquet(work / "bodies.parquet", chunk_size):
            feats = [compute_features(str(r["doc_id"]), str(r["body"]), config) for r in chunk]
            for f, sig in zip(feats, compute_signatures(feats, config)):
                batch_docs.append(f.doc_id)
                sigs.add((f.doc_id, batch_id, len(f.shingles), sig.tolist()))
                for key in band_keys(sig, config.bands):
                    bands.add((key, f.doc_id, batch_id))
                for fp in f.fingerprints.tolist():
                    prints.add((fp, f.doc_id, batch_id))
            log(f"signatures: {len(batch_docs)} articles")
        stats["total"] = len(batch_docs)

        with write_transaction(db_path) as con:
            neighbours = idx.forget_batch(con, batch_id)
            for table, stage in (("article_signatures", sigs), ("lsh_bands", bands),
                                 ("passage_fingerprints", prints)):
                load_stage(con, table, stage)
            pairs = idx.candidate_pairs(con, batch_id, config.common_shingle_docs, 2)
            common = idx.common_fingerprints(con, batch_id, config.common_shingle_docs)
            bodies = idx.fetch_bodies(con, {d for p in pairs for d in p})
        stats["candidate_pairs"] = len(pairs)
        log(f"candidates: {len(pairs)} pairs")

        verdicts = verify_candidates(pairs, bodies, config, common)
        for v in verdicts:
            stats[f"pairs_{v.relation or 'rejected'}"] += 1

        with write_transaction(db_path) as con:
            _write_pairs(con, verdicts, bodies)
            members, copy_pairs = idx.copy_components(con, sorted(set(batch_docs) | neighbours))
            rows = cluster_copies(idx.fetch_infos(con, members), copy_pairs)
            idx.replace_copies(con, members, rows)
    stats.update(_cluster_stats(rows, set(batch_docs)))
    return dict(stats)


def verify_candidates(pairs: list[tuple[str, str]], bodies: dict[str, str], config: DedupConfig,
                      common: frozenset[int] = frozenset()) -> list[PairVerdict]:
    @lru_cache(maxsize=4096)
    def features(doc_id: str) -> ArticleFeatures:
        return compute_features(doc_id, bodies[doc_id], config)

    return [verify_pair(features(a), features(b), config, common) for a, b in pairs if a in bodies and b in bodies]


def _write_pairs(con: duckdb.DuckDBPyConnection, verdicts: list[PairVerdict], bodies: dict[str, str]) -> None:
    kept = [v for v in verdicts if v.relation is not None]
    insert_columns(con, "article_pairs", {
        "doc_id_a": [v.doc_id_a for v in kept], "doc_id_b": [v.doc_id_b for v in kept],
        "relation": [v.relation for v in kept], "containment": [round(v.containment, 4) for v in kept],
        "jaccard": [round(v.jaccard, 4) for v in kept], "shared_words": [v.shared_words for v in kept],
        "n_passages": [len(v.passages) for v in kept]})
    stories = [v for v in kept if v.relation == STORY]
    insert_columns(con, "story_links", {
        "doc_id_a": [v.doc_id_a for v in stories], "doc_id_b": [v.doc_id_b for v in stories],
        "shared_words": [v.shared_words for v in stories], "n_passages": [len(v.passages) for v in stories],
        "passages": [[passage_text(bodies[v.doc_id_a], s, e) for s, e in v.passages] for v in stories]})


def _cluster_stats(rows: list[CopyRow], batch_docs: set[str]) -> dict[str, int]:
    in_batch = [r for r in rows if r.doc_id in batch_docs]
    return {
        "kept": sum(1 for r in in_batch if r.is_canonical),
        "dropped_copy": sum(1 for r in in_batch if not r.is_canonical),
        "clusters_touched": len({r.copy_cluster_id for r in rows}),
    }


def _staging_dir(db_path: Path) -> Path:
    path = Path(db_path).resolve().parent / ".staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


__all__ = ["dedup_batch", "verify_candidates", "COPY", "STORY"]
