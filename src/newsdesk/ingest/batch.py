"""Read one batch directory: every input becomes RawDocument records or QuarantineItem rows (plus
notes about what is not an input), and one file's trouble never stops the others."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from newsdesk.config import IngestConfig
from newsdesk.ingest.bounded import record_byte_limit
from newsdesk.ingest.fileread import READ_TIMEOUT_S, BoundedReader, FileRefused
from newsdesk.ingest.formats import (
    SUPPORTED_SUFFIXES,
    Note,
    ParsedRecord,
    Problem,
    detect_format,
    parse_file,
)
from newsdesk.ingest.names import MARKER_FILES
from newsdesk.ingest.walk import BatchEntry, walk_batch
from newsdesk.parallel import Failed, map_items
from newsdesk.records import InputArticle, QuarantineItem, RawDocument

__all__ = [
    "MARKER_FILES",
    "IngestNote",
    "list_batch_files",
    "make_doc_id",
    "read_batch",
    "read_files",
]


@dataclass(frozen=True)
class IngestNote:
    """Not an input and not lost: counted in the ingest stats under `kind` (see formats.Note)."""

    source_path: str
    kind: str
    detail: str


def make_doc_id(batch_id: str, source_path: str, record_key: str) -> str:
    """Deterministic id of one input record: the same batch, file and record always give the same
    id. A file name that is not UTF-8 is hashed by its real bytes (os.fsdecode's surrogate
    escapes)."""
    key = "\x1f".join((batch_id, source_path, record_key))
    try:
        data = key.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = key.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:20]


def list_batch_files(batch_dir: Path) -> list[Path]:
    """Every input of the batch directory (each gets a documents or quarantine row), in reading
    order."""
    return [Path(entry.path) for entry in walk_batch(batch_dir)]


Item = RawDocument | QuarantineItem | IngestNote
# Files parsed per job of the worker pool, and the bytes of one job's files: results come back whole
# per file, so a compressed file (whose inflated size the walk cannot know) is a job of its own.
CHUNK_FILES = 32
CHUNK_BYTES = 8 << 20
# On top of the read's own time limit: parsing and decoding one file's records.
PARSE_TIMEOUT_S = 600.0


def read_batch(
    batch_dir: Path,
    batch_id: str,
    config: IngestConfig,
    read_timeout: float = READ_TIMEOUT_S,
    *,
    workers: int = 0,
    scratch: Path | None = None,
) -> Iterator[Item]:
    """Yield one RawDocument per readable article, one QuarantineItem per unreadable input, and an
    IngestNote per thing that is not an input (a WARC protocol record, a refused field value), in
    the walk's order.

    With `workers` (and a `scratch` folder for the pool), files are read and parsed by that many
    worker processes (newsdesk.parallel: a file that crashes or stalls its worker becomes its own
    quarantine row); else in this process. A record byte-identical to an earlier one of the batch is
    quarantined as a duplicate here, in this process; copies of other batches' records are found by
    the store when the batch is written.
    """
    seen: dict[str, str] = {}  # sha256 -> doc_id of the batch's first record with those bytes
    doc_ids: set[str] = set()
    if workers > 0 and scratch is not None:
        items = _read_pooled(batch_dir, batch_id, config, read_timeout, workers, scratch)
    else:
        items = _read_here(batch_dir, batch_id, config, read_timeout)
    for item in items:
        if isinstance(item, RawDocument):
            item = _first_copy(item, seen, doc_ids)
        yield item


def _read_here(
    batch_dir: Path, batch_id: str, config: IngestConfig, read_timeout: float
) -> Iterator[Item]:
    reader = BoundedReader(read_timeout)
    try:
        for entry in walk_batch(batch_dir):
            yield from _read_entry(entry, batch_id, config, reader)
    finally:
        reader.close()


def _read_pooled(
    batch_dir: Path,
    batch_id: str,
    config: IngestConfig,
    read_timeout: float,
    workers: int,
    scratch: Path,
) -> Iterator[Item]:
    fed: deque[list[BatchEntry]] = deque()  # outcomes come back in chunk order

    def chunks() -> Iterator[list[BatchEntry]]:
        for chunk in _file_chunks(walk_batch(batch_dir)):
            fed.append(chunk)
            yield chunk

    for outcomes in map_items(
        read_files,
        chunks(),
        (batch_id, config, read_timeout),
        workers=workers,
        scratch=scratch,
        timeout_s=read_timeout + PARSE_TIMEOUT_S,
    ):
        for entry, outcome in zip(fed.popleft(), outcomes):
            if isinstance(outcome, Failed):
                yield QuarantineItem(
                    batch_id=batch_id,
                    source_path=entry.source_path,
                    stage="ingest",
                    reason=f"ingest_{outcome.kind}",
                    detail=outcome.detail,
                    n_bytes=entry.size,
                )
            else:
                yield from outcome


def _file_chunks(entries: Iterable[BatchEntry]) -> Iterator[list[BatchEntry]]:
    chunk: list[BatchEntry] = []
    size = 0
    for entry in entries:
        weight = CHUNK_BYTES if entry.rel.endswith(".gz") else entry.size or 0
        if chunk and (len(chunk) >= CHUNK_FILES or size + weight > CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += weight
    if chunk:
        yield chunk


_READER: dict[float, BoundedReader] = {}  # one per worker process and time limit


def read_files(entries: list[BatchEntry], job: tuple[str, IngestConfig, float]) -> list[list[Item]]:
    """Pool work: every item of each file (newsdesk.parallel gives one file per call)."""
    batch_id, config, read_timeout = job
    reader = _READER.setdefault(read_timeout, BoundedReader(read_timeout))
    return [list(_read_entry(entry, batch_id, config, reader)) for entry in entries]


def _first_copy(
    doc: RawDocument, seen: dict[str, str], doc_ids: set[str]
) -> RawDocument | QuarantineItem:
    def refuse(reason: str, detail: str) -> QuarantineItem:
        return QuarantineItem(
            batch_id=doc.batch_id,
            source_path=doc.source_path,
            stage="ingest",
            reason=reason,
            detail=detail,
            n_bytes=doc.n_bytes,
            sha256=doc.sha256,
            external_id=doc.external_id,
            doc_id=doc.doc_id,
        )

    first = seen.get(doc.sha256)
    if first is not None and first != doc.doc_id:
        return refuse(
            "duplicate_record", f"byte-identical to document {first}, which is already ingested"
        )
    if (
        doc.doc_id in doc_ids
    ):  # two records with one key in one file: one document id (a table's primary key)
        return refuse(
            "duplicate_id", f"a second record with the key of document {doc.doc_id} in this file"
        )
    seen[doc.sha256] = doc.doc_id
    doc_ids.add(doc.doc_id)
    return doc


def _read_entry(
    entry: BatchEntry, batch_id: str, config: IngestConfig, reader: BoundedReader
) -> Iterator[RawDocument | QuarantineItem | IngestNote]:
    rel = entry.source_path

    def problem(
        reason: str, detail: str, n_bytes: int | None = None, key: str = ""
    ) -> QuarantineItem:
        return QuarantineItem(
            batch_id=batch_id,
            source_path=rel,
            stage="ingest",
            reason=reason,
            detail=detail,
            n_bytes=n_bytes,
            external_id=key or None,
        )

    if entry.problem:
        yield problem(*entry.problem)
        return
    fmt = detect_format(entry.name)
    if fmt is None:
        yield problem(
            "unsupported_format",
            f"unsupported file type; supported: {', '.join(SUPPORTED_SUFFIXES)}",
            entry.size,
        )
        return
    got = reader(entry.path, config.max_file_bytes)
    if isinstance(got, FileRefused):
        yield problem(got.reason, got.detail, got.n_bytes)
        return
    n_inputs = 0
    for parsed in parse_file(
        entry.name,
        got.data,
        fmt,
        config.max_file_bytes,
        notes=True,
        max_record_bytes=record_byte_limit(config.max_record_chars),
    ):
        if isinstance(parsed, Note):
            yield IngestNote(rel, parsed.kind, parsed.detail)
            continue
        n_inputs += 1
        if isinstance(parsed, Problem):
            yield problem(parsed.reason, parsed.detail, parsed.n_bytes, parsed.record_key)
        elif len(parsed.content) > config.max_record_chars:
            yield problem(
                "record_too_large",
                f"{len(parsed.content)} characters is over the "
                f"{config.max_record_chars}-character limit for one article",
                len(parsed.data),
                parsed.external_id,
            )
        else:
            yield _to_document(parsed, entry, batch_id, fmt)
    if not n_inputs:
        yield problem("no_records", f"the {fmt} file holds no records", len(got.data))


def _to_document(parsed: ParsedRecord, entry: BatchEntry, batch_id: str, fmt: str) -> RawDocument:
    stated = {f.name: getattr(parsed, f.name) for f in fields(InputArticle)}
    return RawDocument(
        **stated,
        doc_id=make_doc_id(batch_id, entry.rel, parsed.record_key),
        batch_id=batch_id,
        source_path=entry.source_path,
        format=fmt.removesuffix(".gz"),
        sha256=hashlib.sha256(parsed.data).hexdigest(),
        n_bytes=len(parsed.data),
    )
