"""The batch's rows of the dedup index tables (docs, LSH bands, passage fingerprints), staged to
Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newsdesk.dedup.features import ArticleFeatures, doc_key
from newsdesk.store.schema import DEDUP_BANDS, DEDUP_DOCS, DEDUP_FINGERPRINTS, TABLES


class SignatureWriter:
    """The batch's rows of the three index tables, staged to Parquet chunk by chunk."""

    def __init__(self, work: Path) -> None:
        paths = self.paths(work)
        self.writers = {
            table: pq.ParquetWriter(path, TABLES[table]) for table, path in paths.items()
        }

    @staticmethod
    def paths(work: Path) -> dict[str, Path]:
        return {
            table: work / f"{table}.parquet"
            for table in ("dedup_docs", "dedup_bands", "dedup_fingerprints")
        }

    def add(self, feats: list[ArticleFeatures], bands: np.ndarray, batch_id: str) -> None:
        keys = np.array([doc_key(f.doc_id) for f in feats], dtype=np.uint64)
        self.writers["dedup_docs"].write_table(
            pa.table(
                {
                    "doc_id": [f.doc_id for f in feats],
                    "doc_key": keys,
                    "batch_id": [batch_id] * len(feats),
                    "n_tokens": pa.array([f.n_tokens for f in feats], pa.int32()),
                    "n_shingles": pa.array([len(f.shingle_set) for f in feats], pa.int32()),
                },
                schema=DEDUP_DOCS,
            )
        )
        self.writers["dedup_bands"].write_table(
            pa.table(
                {"band_key": bands.ravel(), "doc_key": np.repeat(keys, bands.shape[1])},
                schema=DEDUP_BANDS,
            )
        )
        counts = [len(f.fingerprints) for f in feats]
        prints = (
            np.concatenate([f.fingerprints for f in feats]) if feats else np.zeros(0, np.uint64)
        )
        self.writers["dedup_fingerprints"].write_table(
            pa.table(
                {"fingerprint": prints, "doc_key": np.repeat(keys, counts)},
                schema=DEDUP_FINGERPRINTS,
            )
        )

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
