"""Per-batch tables of the ingest and clean stages: their sinks (staged rows, one transaction to
write them) and the export of a batch's documents. Values travel as bound parameters or
Parquet/Arrow, never inside SQL text."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsdesk.records import CleanArticle, QuarantineItem, RawDocument
from newsdesk.store import batches
from newsdesk.store.schema import ARTICLES, CONTENTS, DOCUMENTS, PENDING, QUARANTINE, SEGMENTS
from newsdesk.store.staging import ParquetStage, export_by_rowid, load_stage
from newsdesk.text import count_words


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def quarantine_row(item: QuarantineItem) -> dict[str, object]:
    values = asdict(item)
    return {name: values[name] for name in QUARANTINE.names}


class IngestSink:
    """Staged output of the ingest stage for one batch."""

    def __init__(self, workdir: Path, batch_id: str) -> None:
        self.batch_id = batch_id
        self.documents = ParquetStage(workdir / "documents.parquet", DOCUMENTS)
        self.contents = ParquetStage(workdir / "contents.parquet", CONTENTS, chunk_rows=200)
        self.quarantine = ParquetStage(workdir / "quarantine_ingest.parquet", QUARANTINE)

    def add(self, item: RawDocument | QuarantineItem, stats: Counter[str] | None = None) -> None:
        if isinstance(item, QuarantineItem):
            self.quarantine.add(quarantine_row(item))
            return
        fields = asdict(item)
        self.documents.add({name: fields[name] for name in DOCUMENTS.names})
        self.contents.add({name: fields[name] for name in CONTENTS.names})

    def write(
        self,
        con: duckdb.DuckDBPyConnection,
        landing_path: str,
        n_files: int,
        marker_mtime_ns: int | None = None,
    ) -> int:
        """Replace the batch's pending ingest rows (published ones change only when the batch is
        published); first-ingestion timestamps of known documents are kept. Returns how many records
        are byte-identical to documents of other batches (quarantined as duplicates)."""
        b, p = self.batch_id, PENDING
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _prev AS
                        SELECT doc_id, min(ingested_at) AS ingested_at FROM (
                            SELECT doc_id, ingested_at FROM main.documents WHERE batch_id = ?
                            UNION ALL SELECT doc_id, ingested_at FROM {p}.documents
                            WHERE batch_id = ?) GROUP BY 1""",
            [b, b],
        )
        first = con.execute(
            f"""SELECT min(first_ingested_at) FROM (
                                    SELECT first_ingested_at FROM main.batches WHERE batch_id = ?
                                    UNION ALL SELECT first_ingested_at FROM {p}.batches
                                    WHERE batch_id = ?)""",
            [b, b],
        ).fetchall()[0][0]
        batches.clear_stage(con, b, "ingest")
        path = str(self.documents.close())
        contents = str(self.contents.close())
        now = _now()
        n_dup = 0
        if self.documents.n_rows:
            # A record byte-identical to one another batch already holds is quarantined, not
            # ingested twice.
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE _dup AS
                            SELECT s.doc_id, s.source_path, s.external_id, s.n_bytes, s.sha256,
                                   min(d.doc_id) AS first
                            FROM read_parquet(?) s
                            JOIN (SELECT doc_id, sha256, batch_id FROM main.documents
                                  UNION ALL SELECT doc_id, sha256, batch_id FROM {p}.documents) d
                              ON d.sha256 = s.sha256 AND d.batch_id <> ?
                            GROUP BY ALL""",
                [path, b],
            )
            n_dup = con.execute("SELECT count(*) FROM _dup").fetchall()[0][0]
            con.execute(
                f"""INSERT INTO {p}.quarantine
                            SELECT ?, source_path, external_id, doc_id, 'ingest',
                                   'duplicate_record',
                                   'byte-identical to document ' || first
                                       || ', which another batch already ingested',
                                   n_bytes, sha256, first
                            FROM _dup""",
                [b],
            )
            cols = ", ".join(DOCUMENTS.names)
            con.execute(
                f"""INSERT INTO {p}.documents ({cols}, ingested_at)
                            SELECT s.*, coalesce(p.ingested_at, ?::TIMESTAMP)
                            FROM read_parquet(?) s LEFT JOIN _prev p USING (doc_id)
                            WHERE s.doc_id NOT IN (SELECT doc_id FROM _dup)""",
                [now, path],
            )
            cols = ", ".join(CONTENTS.names)
            con.execute(
                f"""INSERT INTO document_contents ({cols}) SELECT {cols} FROM read_parquet(?) s
                            WHERE s.doc_id NOT IN (SELECT doc_id FROM _dup) AND NOT EXISTS (
                                SELECT 1 FROM document_contents c
                                WHERE c.doc_id = s.doc_id AND c.sha256 = s.sha256)""",
                [contents],
            )
            con.execute("DROP TABLE _dup")
        load_stage(con, f"{p}.quarantine", self.quarantine)
        con.execute("DROP TABLE _prev")
        n_docs, n_bad = self.documents.n_rows - n_dup, self.quarantine.n_rows + n_dup
        con.execute(
            f"""INSERT INTO {p}.batches (batch_id, landing_path, n_files, n_records, n_documents,
                                                n_quarantined, first_ingested_at, marker_mtime_ns)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                b,
                landing_path,
                n_files,
                n_docs + n_bad,
                n_docs,
                n_bad,
                first or now,
                marker_mtime_ns,
            ],
        )
        batches.clear_requests(con, b)
        batches.stage_pending(con, b, "ingest")
        return int(n_dup)


class CleanSink:
    """Staged output of the clean stage for one batch."""

    def __init__(self, workdir: Path, batch_id: str) -> None:
        self.batch_id = batch_id
        self.articles = ParquetStage(workdir / "articles.parquet", ARTICLES, chunk_rows=500)
        self.segments = ParquetStage(workdir / "segments.parquet", SEGMENTS, chunk_rows=5000)
        self.quarantine = ParquetStage(workdir / "quarantine_clean.parquet", QUARANTINE)

    def add(self, item: CleanArticle | QuarantineItem, stats: Counter[str]) -> None:
        if isinstance(item, QuarantineItem):
            self.quarantine.add(quarantine_row(item))
            return
        a, b = item, self.batch_id
        self.articles.add(
            {
                "doc_id": a.doc_id,
                "batch_id": b,
                "title": a.title,
                "published_date": a.published_date,
                "author": a.author,
                "source_name": a.source_name,
                "syndicated_from": a.syndicated_from,
                "url": a.url,
                "language": a.language,
                "body": a.body,
                "n_words": a.n_words,
            }
        )
        stats["words_kept"] += a.n_words
        for s in a.segments:
            removed = count_words(s.text)
            self.segments.add(
                {
                    "doc_id": a.doc_id,
                    "batch_id": b,
                    "position": s.position,
                    "kind": s.kind,
                    "reason": s.reason,
                    "text": s.text,
                    "n_words": removed,
                }
            )
            stats["words_removed"] += removed
            stats[f"segments_{s.kind}"] += 1
        if a.language not in (None, "en"):
            stats["non_english"] += 1

    def summary(self) -> dict[str, int]:
        return {}

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        batches.clear_stage(con, self.batch_id, "clean")
        load_stage(con, f"{PENDING}.articles", self.articles)
        load_stage(con, f"{PENDING}.boilerplate_segments", self.segments)
        load_stage(con, f"{PENDING}.quarantine", self.quarantine)


# One slice of a batch's documents with the content each was read from: bound parameters are the
# batch id twice, then the first and last rowid of document_contents (see export_by_rowid).
# {documents} is the pending or the published table (a module constant either way).
BATCH_DOCUMENTS_SQL = """
    SELECT d.doc_id, d.batch_id, d.source_path, d.external_id, d.format, d.content_type, d.sha256,
           d.n_bytes,
           c.content, c.url, c.title, c.published, c.source, d.encoding
    FROM document_contents c JOIN {documents} d ON d.doc_id = c.doc_id AND d.sha256 = c.sha256
    WHERE c.batch_id = ? AND d.batch_id = ? AND c.rowid BETWEEN ? AND ?"""
BATCH_CONTENT_ROWIDS_SQL = "SELECT min(rowid), max(rowid) FROM document_contents WHERE batch_id = ?"


def export_batch_documents(con: duckdb.DuckDBPyConnection, batch_id: str, path: Path) -> int:
    """The batch's documents with their decoded content, to Parquet (for the clean stage)."""
    documents = f"{batches.source(con, batch_id, 'ingest')}.documents"
    return export_by_rowid(
        con,
        BATCH_DOCUMENTS_SQL.format(documents=documents),
        [batch_id, batch_id],
        BATCH_CONTENT_ROWIDS_SQL,
        [batch_id],
        path,
    )


def row_to_document(row: dict[str, object]) -> RawDocument:
    return RawDocument(**row)  # type: ignore[arg-type]


def replace_quarantine(
    con: duckdb.DuckDBPyConnection, batch_id: str, stage: str, items: list[QuarantineItem]
) -> None:
    """The batch's published quarantine rows of one stage, replaced by `items`."""
    con.execute("DELETE FROM main.quarantine WHERE batch_id = ? AND stage = ?", [batch_id, stage])
    if items:
        marks = ", ".join("?" * len(QUARANTINE.names))
        con.executemany(
            f"INSERT INTO main.quarantine ({', '.join(QUARANTINE.names)}) VALUES ({marks})",
            [list(quarantine_row(item).values()) for item in items],
        )
