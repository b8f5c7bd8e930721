"""Each article's dedup features, computed once per stage run.

The batch's own features are computed for its signatures, long before anyone knows which articles a
candidate pair will need; they are kept in a Parquet file in the stage's scratch folder (a 100k
batch's features do not fit in memory) and read back for the articles that verification and
clustering ask for. Articles from earlier batches are computed from their bodies when first asked
for and kept in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsdesk.config import DedupConfig
from newsdesk.dedup.features import ArticleFeatures, compute_features

_ARRAYS = ("shingles", "grams", "fingerprints", "fact_ctx", "fact_val", "name_ctx", "name_val")
SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("n_tokens", pa.int32())]
    + [(name, pa.list_(pa.uint64())) for name in _ARRAYS]
)


def _arrays(f: ArticleFeatures) -> tuple[np.ndarray, ...]:
    return (f.shingles, f.grams, f.fingerprints, *f.fact_slots, *f.name_slots)


class FeatureCache:
    """Features by doc_id: the batch's from `path` (written with `add`), the others computed on
    demand."""

    def __init__(self, path: Path, config: DedupConfig) -> None:
        self.path, self.config = path, config
        self.memory: dict[str, ArticleFeatures] = {}
        self.staged: set[str] = set()
        self._writer: pq.ParquetWriter | None = None

    def add(self, features: list[ArticleFeatures]) -> None:
        if not features:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, SCHEMA)
        columns: dict[str, object] = {
            "doc_id": [f.doc_id for f in features],
            "n_tokens": pa.array([f.n_tokens for f in features], pa.int32()),
        }
        for i, name in enumerate(_ARRAYS):
            columns[name] = pa.array([_arrays(f)[i] for f in features], pa.list_(pa.uint64()))
        self._writer.write_table(pa.table(columns, schema=SCHEMA))
        self.staged.update(f.doc_id for f in features)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def get(
        self, doc_ids: Iterable[str], bodies: Callable[[list[str]], dict[str, str]]
    ) -> dict[str, ArticleFeatures]:
        """Features of these articles; `bodies(ids)` fetches the texts of those not computed yet."""
        wanted = set(doc_ids)
        self.close()
        from_file = sorted((wanted & self.staged) - self.memory.keys())
        if from_file:
            self._load(from_file)
        missing = sorted(wanted - self.memory.keys())
        if missing:
            for doc_id, body in bodies(missing).items():
                self.memory[doc_id] = compute_features(doc_id, body, self.config)
        return {d: self.memory[d] for d in wanted if d in self.memory}

    def keep_only(self, doc_ids: set[str]) -> None:
        """Forget the in-memory features of other articles (singletons are never compared again)."""
        self.memory = {d: f for d, f in self.memory.items() if d in doc_ids}

    def _load(self, doc_ids: list[str]) -> None:
        wanted = pa.array(doc_ids, pa.string())
        parquet = pq.ParquetFile(self.path, pre_buffer=False)
        for batch in parquet.iter_batches(batch_size=2000):
            table = pa.Table.from_batches([batch])
            table = table.filter(pc.is_in(table.column("doc_id"), value_set=wanted))
            for row in range(table.num_rows):
                doc_id = table.column("doc_id")[row].as_py()
                arrays = [
                    table.column(name)[row].values.to_numpy(zero_copy_only=False).astype(np.uint64)
                    for name in _ARRAYS
                ]
                self.memory[doc_id] = ArticleFeatures(
                    doc_id=doc_id,
                    shingles=arrays[0],
                    grams=arrays[1],
                    fingerprints=arrays[2],
                    fact_slots=(arrays[3], arrays[4]),
                    name_slots=(arrays[5], arrays[6]),
                    n_tokens=int(table.column("n_tokens")[row].as_py()),
                )
