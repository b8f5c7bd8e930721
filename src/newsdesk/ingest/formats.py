"""Parsers for each supported file format; each yields records or problems, never raises on bad data."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdesk.ingest.decode import DecodeError, decode_bytes

SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson", ".json", ".warc", ".warc.gz", ".gz")


@dataclass(frozen=True)
class ParsedRecord:
    """One article found in a file: its key inside the file, raw bytes, and decoded content."""

    record_key: str  # unique within the file: "" for one-article files, the JSON id or line number otherwise
    external_id: str
    data: bytes
    content: str
    content_type: str  # text | html
    encoding: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Problem:
    """A part of a file that could not be read, with a reason code and a sentence for a person."""

    reason: str
    detail: str
    record_key: str = ""
    n_bytes: int | None = None


def detect_format(name: str) -> str | None:
    """Map a file name to a format name, looking through a trailing .gz."""
    lower = name.lower()
    if lower.endswith(".warc.gz") or lower.endswith(".warc"):
        return "warc"
    if lower.endswith(".gz"):
        inner = detect_format(lower[:-3])
        return f"{inner}.gz" if inner else None
    for suffix, fmt in ((".txt", "txt"), (".text", "txt"), (".html", "html"), (".htm", "html"),
                        (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json")):
        if lower.endswith(suffix):
            return fmt
    return None


def parse_file(name: str, data: bytes, fmt: str, max_bytes: int) -> Iterator[ParsedRecord | Problem]:
    """Parse the bytes of one file of format `fmt` into records and problems."""
    if fmt == "warc":
        yield from parse_warc(data)
        return
    if fmt.endswith(".gz"):
        try:
            data = gunzip_bounded(data, max_bytes)
        except GzipError as exc:
            yield Problem(exc.reason, exc.detail, n_bytes=len(data))
            return
        fmt = fmt[:-3]
    if not data.strip():
        yield Problem("empty_file", "the file is empty or holds only whitespace", n_bytes=len(data))
        return
    if fmt in ("txt", "html"):
        yield from _parse_single(name, data, fmt)
    elif fmt == "jsonl":
        yield from parse_jsonl(data)
    elif fmt == "json":
        yield from parse_json(data)
    else:
        yield Problem("unsupported_format", f"no parser for format {fmt!r}")


class GzipError(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing truncated streams and outputs larger than max_bytes (gzip bombs)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if out.tell() > max_bytes:
                    raise GzipError("file_too_large", f"decompresses to more than {max_bytes} bytes")
    except EOFError as exc:
        raise GzipError("truncated_gzip", "the gzip stream ends early: the file was cut off") from exc
    except (OSError, zlib.error) as exc:
        raise GzipError("corrupt_gzip", f"not a valid gzip stream ({exc})") from exc
    return out.getvalue()


def _parse_single(name: str, data: bytes, fmt: str) -> Iterator[ParsedRecord | Problem]:
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        yield Problem(exc.reason, exc.detail, n_bytes=len(data))
        return
    if not decoded.text.strip():
        yield Problem("empty_file", "the file holds no visible text", n_bytes=len(data))
        return
    yield ParsedRecord(
        record_key="",
        external_id=name,
        data=data,
        content=decoded.text,
        content_type="html" if fmt == "html" else "text",
        encoding=decoded.encoding,
    )


def parse_jsonl(data: bytes) -> Iterator[ParsedRecord | Problem]:
    """One JSON object per line; a bad line is one problem, the other lines go on."""
    seen: set[str] = set()
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            text = decode_bytes(line).text
            obj = json.loads(text)
        except DecodeError as exc:
            yield Problem(exc.reason, f"line {lineno}: {exc.detail}", record_key=f"line:{lineno}", n_bytes=len(line))
            continue
        except json.JSONDecodeError as exc:
            yield Problem("invalid_json", f"line {lineno} is not valid JSON ({exc.msg} at column {exc.colno})",
                          record_key=f"line:{lineno}", n_bytes=len(line))
            continue
        yield from _record_from_object(obj, line, f"line {lineno}", f"line:{lineno}", seen)


def parse_json(data: bytes) -> Iterator[ParsedRecord | Problem]:
    """A JSON object (one article) or an array of article objects."""
    try:
        obj = json.loads(decode_bytes(data).text)
    except DecodeError as exc:
        yield Problem(exc.reason, exc.detail, n_bytes=len(data))
        return
    except json.JSONDecodeError as exc:
        yield Problem("invalid_json", f"not valid JSON ({exc.msg} at line {exc.lineno})", n_bytes=len(data))
        return
    items = obj if isinstance(obj, list) else [obj]
    seen: set[str] = set()
    for index, item in enumerate(items):
        raw = json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8")
        key = f"item:{index}" if isinstance(obj, list) else ""
        yield from _record_from_object(item, raw, f"item {index}", key, seen)


def _record_from_object(obj: object, raw: bytes, where: str, fallback_key: str,
                        seen: set[str]) -> Iterator[ParsedRecord | Problem]:
    if not isinstance(obj, dict):
        yield Problem("invalid_record", f"{where} is a JSON {type(obj).__name__}, not an object",
                      record_key=fallback_key, n_bytes=len(raw))
        return
    html, text = obj.get("html"), obj.get("text")
    content, ctype = (html, "html") if _nonblank(html) else (text, "text")
    if not _nonblank(content):
        yield Problem("no_content", f"{where} has neither a non-empty 'text' nor 'html' field",
                      record_key=fallback_key, n_bytes=len(raw))
        return
    ext_id = str(obj["id"]) if obj.get("id") not in (None, "") else None
    key = f"id:{ext_id}" if ext_id else fallback_key
    if key in seen:
        yield Problem("duplicate_id", f"{where} repeats id {ext_id!r} already used in this file",
                      record_key=fallback_key, n_bytes=len(raw))
        return
    seen.add(key)
    yield ParsedRecord(
        record_key=key,
        external_id=ext_id or fallback_key,
        data=raw,
        content=content,
        content_type=ctype,
        url=_opt_str(obj.get("url")),
        title=_opt_str(obj.get("title")),
        published=_opt_str(obj.get("published") or obj.get("date")),
        source=_opt_str(obj.get("source")),
    )


def parse_warc(data: bytes) -> Iterator[ParsedRecord | Problem]:
    """HTML response records of a WARC (gzip per record or not); a cut-off archive keeps what came before."""
    index = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue
            rec_id = record.rec_headers.get_header("WARC-Record-ID") or f"record:{index + 1}"
            payload = record.content_stream().read()
            if getattr(record.raw_stream, "limit", 0):
                yield Problem("truncated_warc", f"WARC record {rec_id} is cut off: the archive ends inside it",
                              record_key=rec_id, n_bytes=len(payload))
                return
            index += 1
            yield _warc_record(record, rec_id, payload, ctype)
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
        yield Problem("truncated_warc" if index else "invalid_warc",
                      f"the WARC archive breaks after {index} HTML records ({type(exc).__name__}: {exc})"[:400],
                      record_key=f"after:{index}")
        return
    if data[:2] == b"\x1f\x8b" and not _gzip_complete(data):
        # warcio stops silently at a cut-off gzip member; the records before it are fine.
        yield Problem("truncated_warc", f"the WARC archive is cut off after {index} complete HTML records",
                      record_key=f"after:{index}")


def _warc_record(record: object, rec_id: str, payload: bytes, ctype: str) -> ParsedRecord | Problem:
    charset = ctype.lower().split("charset=")[-1].strip(" ;\"'") if "charset=" in ctype.lower() else None
    try:
        decoded = decode_bytes(payload, declared=charset)
    except DecodeError as exc:
        return Problem(exc.reason, f"WARC record {rec_id}: {exc.detail}", record_key=rec_id, n_bytes=len(payload))
    headers = record.rec_headers  # type: ignore[attr-defined]
    return ParsedRecord(
        record_key=rec_id,
        external_id=rec_id.strip("<>"),
        data=payload,
        content=decoded.text,
        content_type="html",
        encoding=decoded.encoding,
        url=headers.get_header("WARC-Target-URI"),
        published=(headers.get_header("WARC-Date") or "")[:10] or None,
    )


def _gzip_complete(data: bytes) -> bool:
    """True when every gzip member of `data` ends properly (output discarded, memory stays flat)."""
    rest = data
    while rest[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=31)
        try:
            inflater.decompress(rest, 1 << 16)
            while not inflater.eof:
                if not inflater.unconsumed_tail:
                    return False  # the input ran out inside this member
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
        except zlib.error:
            return False
        rest = inflater.unused_data
    return True


def _nonblank(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
