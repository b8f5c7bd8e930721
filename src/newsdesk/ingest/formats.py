"""Parsers for each supported file format; each yields records, problems or notes, never raises on
bad data."""

from __future__ import annotations

from collections.abc import Iterator

from newsdesk.ingest.bounded import BadStream, TooLarge, inflate, record_byte_limit
from newsdesk.ingest.decode import DecodeError, decode_bytes
from newsdesk.ingest.jsonrec import parse_json, parse_jsonl
from newsdesk.ingest.parsed import Note, Parsed, ParsedRecord, Problem
from newsdesk.ingest.sniff import looks_like_html
from newsdesk.ingest.warc import parse_warc
from newsdesk.text import is_blank

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Note",
    "Parsed",
    "ParsedRecord",
    "Problem",
    "detect_format",
    "gunzip_bounded",
    "parse_file",
]

FORMAT_OF_SUFFIX = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".warc": "warc",
}
# A .warc.gz is a WARC (its records are gzipped one by one, which the WARC reader handles); any
# other .gz is the format inside it, gzipped.
SUPPORTED_SUFFIXES = (*FORMAT_OF_SUFFIX, ".warc.gz", ".gz")


def detect_format(name: str) -> str | None:
    """Map a file name to a format name, looking through a trailing .gz."""
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return "warc"
    if lower.endswith(".gz"):
        inner = detect_format(lower[:-3])
        return f"{inner}.gz" if inner else None
    return next((fmt for suffix, fmt in FORMAT_OF_SUFFIX.items() if lower.endswith(suffix)), None)


def parse_file(
    name: str,
    data: bytes,
    fmt: str,
    max_bytes: int,
    notes: bool = False,
    max_record_bytes: int | None = None,
) -> Iterator[Parsed]:
    """Parse the bytes of one file of format `fmt` into records and problems, and with `notes` also
    the notes (WARC protocol records, refused field values) a caller that keeps stats wants.
    Decompression stops at `max_bytes` for the file and `max_record_bytes` for one WARC record
    (default: from IngestConfig's max_record_chars)."""
    if max_record_bytes is None:
        from newsdesk.config import IngestConfig

        max_record_bytes = record_byte_limit(IngestConfig().max_record_chars)
    for item in _parse(name, data, fmt, max_bytes, max_record_bytes):
        if notes or not isinstance(item, Note):
            yield item


def _parse(
    name: str, data: bytes, fmt: str, max_bytes: int, max_record_bytes: int
) -> Iterator[Parsed]:
    if not data.strip():
        yield Problem("empty_file", "the file is empty or holds only whitespace", n_bytes=len(data))
        return
    if fmt == "warc":
        yield from parse_warc(data, max_bytes, max_record_bytes)
        return
    if fmt.endswith(".gz"):
        try:
            data = gunzip_bounded(data, max_bytes)
        except GzipError as exc:
            yield Problem(exc.reason, exc.detail, n_bytes=len(data))
            return
        fmt = fmt[:-3]
        if not data.strip():
            yield Problem(
                "empty_file",
                "the file decompresses to nothing or only whitespace",
                n_bytes=len(data),
            )
            return
    if fmt in ("txt", "html"):
        yield from _parse_single(name, data, fmt)
    elif fmt == "jsonl":
        yield from parse_jsonl(data)
    elif fmt == "json":
        yield from parse_json(data)
    else:
        yield Problem("unsupported_format", f"no parser for format {fmt!r}", n_bytes=len(data))


class GzipError(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data (every member), refusing truncated streams and outputs larger than
    max_bytes (gzip bombs: never more than max_bytes of output is held)."""
    try:
        out, cut = inflate(data, max_bytes)
    except TooLarge as exc:
        raise GzipError(
            "file_too_large",
            f"decompresses to more than {max_bytes} bytes (a gzip bomb?); stopped there",
        ) from exc
    except BadStream as exc:
        raise GzipError("corrupt_gzip", exc.detail) from exc
    if cut:
        raise GzipError("truncated_gzip", "the gzip stream ends early: the file was cut off")
    return out


def _parse_single(name: str, data: bytes, fmt: str) -> Iterator[Parsed]:
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        yield Problem(exc.reason, exc.detail, n_bytes=len(data))
        return
    if is_blank(decoded.text):
        yield Problem("empty_file", "the file holds no visible text", n_bytes=len(data))
        return
    # A .txt file holding a web page is read as the web page it is.
    is_html = fmt == "html" or looks_like_html(decoded.text)
    yield ParsedRecord(
        record_key="",
        external_id=name,
        data=data,
        content=decoded.text,
        content_type="html" if is_html else "text",
        encoding=decoded.encoding,
    )
