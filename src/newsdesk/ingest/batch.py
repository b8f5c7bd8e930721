"""Walk one batch directory and turn every file into RawDocument records or QuarantineItem rows."""

from __future__ import annotations

import hashlib
import os

from collections.abc import Iterator, Mapping
from pathlib import Path

from newsdesk.config import IngestConfig
from newsdesk.ingest.formats import SUPPORTED_SUFFIXES, ParsedRecord, Problem, detect_format, parse_file
from newsdesk.records import QuarantineItem, RawDocument

MARKER_FILES = frozenset({"_SUCCESS", "_STARTED", "_MANIFEST"})


def make_doc_id(batch_id: str, source_path: str, record_key: str) -> str:
    """Deterministic id of one input record: the same batch, file and record always give the same id."""
    key = "\x1f".join((batch_id, source_path, record_key)).encode("utf-8")
    return hashlib.sha256(key).hexdigest()[:20]


def list_batch_files(batch_dir: Path) -> list[Path]:
    """Every data file under the batch directory, sorted; hidden files and completion markers skipped."""
    found: list[Path] = []
    for root, dirs, files in os.walk(batch_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in MARKER_FILES:
                continue
            found.append(Path(root) / name)
    return found


def read_batch(
    batch_dir: Path,
    batch_id: str,
    config: IngestConfig,
    known_hashes: Mapping[str, str] | None = None,
) -> Iterator[RawDocument | QuarantineItem]:
    """Yield one RawDocument per readable article and one QuarantineItem per unreadable input.

    `known_hashes` maps the sha256 of records already ingested by *other* batches to their doc_id, so a
    file delivered twice is quarantined as a duplicate instead of entering the corpus again.
    """
    seen: dict[str, str] = dict(known_hashes or {})
    root = batch_dir.resolve()
    for path in list_batch_files(batch_dir):
        rel = path.relative_to(batch_dir).as_posix()
        for item in _read_file(path, rel, root, batch_id, config):
            if isinstance(item, RawDocument):
                first = seen.get(item.sha256)
                if first is not None and first != item.doc_id:
                    yield QuarantineItem(
                        batch_id=batch_id, source_path=rel, stage="ingest", reason="duplicate_record",
                        detail=f"byte-identical to document {first}, which is already ingested",
                        n_bytes=item.n_bytes, sha256=item.sha256, external_id=item.external_id, doc_id=item.doc_id,
                    )
                    continue
                seen[item.sha256] = item.doc_id
            yield item


def _read_file(path: Path, rel: str, root: Path, batch_id: str,
               config: IngestConfig) -> Iterator[RawDocument | QuarantineItem]:
    def problem(reason: str, detail: str, n_bytes: int | None = None, key: str = "") -> QuarantineItem:
        return QuarantineItem(batch_id=batch_id, source_path=rel, stage="ingest", reason=reason, detail=detail,
                              n_bytes=n_bytes, external_id=key or None)

    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            yield problem("symlink_outside_batch", "a symbolic link pointing outside the batch directory is refused")
            return
    fmt = detect_format(path.name)
    try:
        before = path.stat()
    except OSError as exc:
        yield problem("unreadable", f"cannot stat the file: {exc.strerror or exc}")
        return
    if fmt is None:
        yield problem("unsupported_format",
                      f"unsupported file type; supported: {', '.join(SUPPORTED_SUFFIXES)}", before.st_size)
        return
    if before.st_size > config.max_file_bytes:
        yield problem("file_too_large",
                      f"{before.st_size} bytes is over the {config.max_file_bytes}-byte limit; not read",
                      before.st_size)
        return
    try:
        with path.open("rb") as handle:
            data = handle.read(config.max_file_bytes + 1)
        after = path.stat()
    except OSError as exc:
        yield problem("unreadable", f"cannot read the file: {exc.strerror or exc}", before.st_size)
        return
    if len(data) > config.max_file_bytes:
        yield problem("file_too_large", f"grew past the {config.max_file_bytes}-byte limit while read", len(data))
        return
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
        yield problem("file_changed_while_reading",
                      "the file changed while it was read; re-run the batch once its writer has finished", len(data))
        return
    for parsed in parse_file(path.name, data, fmt, config.max_file_bytes):
        if isinstance(parsed, Problem):
            yield problem(parsed.reason, parsed.detail, parsed.n_bytes, parsed.record_key)
        elif len(parsed.content) > config.max_record_chars:
            yield problem("record_too_large", f"{len(parsed.content)} characters is over the "
                          f"{config.max_record_chars}-character limit for one article", len(parsed.data),
                          parsed.external_id)
        else:
            yield _to_document(parsed, rel, batch_id, fmt)


def _to_document(parsed: ParsedRecord, rel: str, batch_id: str, fmt: str) -> RawDocument:
    return RawDocument(
        doc_id=make_doc_id(batch_id, rel, parsed.record_key),
        batch_id=batch_id,
        source_path=rel,
        external_id=parsed.external_id,
        format=fmt.removesuffix(".gz"),
        content_type=parsed.content_type,
        sha256=hashlib.sha256(parsed.data).hexdigest(),
        n_bytes=len(parsed.data),
        content=parsed.content,
        url=parsed.url,
        title=parsed.title,
        published=parsed.published,
        source=parsed.source,
        encoding=parsed.encoding,
    )


