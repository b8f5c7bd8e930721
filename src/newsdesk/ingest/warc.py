"""WARC archives: every record is an input (a page, or a quarantined problem) or a counted protocol
record.

warcinfo, request and metadata records describe a capture rather than hold a page: they are not
inputs and are counted in the ingest stats as `warc_protocol_records`. response, resource and
conversion records are inputs: HTML and plain text become documents, JSON is read like a JSON file,
a record without a usable Content-Type is sniffed, a non-2xx HTTP response is quarantined
(`http_status`), and any other media type is quarantined (`unsupported_content_type`); revisit
records hold no page of their own (`warc_revisit`).

Every compressed layer goes through `newsdesk.ingest.bounded`, never through warcio's own
inflating: a `.warc.gz` is inflated record by record, to at most WARC_INFLATE_RATIO times its size
in all (`file_too_large` for the rest), one record's body to at most the record limit
(`record_too_large`), and an HTTP body's Content-Encoding (gzip, deflate) to at most the record
limit too; an encoding the pipeline does not decode within a bound (br, any other) is
`unsupported_content_encoding`.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from newsdesk.ingest.bounded import (
    CHUNK,
    GZIP,
    GZIP_MAGIC,
    RAW_DEFLATE,
    ZLIB,
    BadStream,
    Inflater,
    TooLarge,
    inflate,
)
from newsdesk.ingest.decode import DecodeError, decode_bytes
from newsdesk.ingest.jsonrec import parse_json
from newsdesk.ingest.parsed import Note, Parsed, ParsedRecord, Problem
from newsdesk.ingest.sniff import kind_of_media_type, looks_like_html, media_type, sniff_text
from newsdesk.text import is_blank, normalise_text

PROTOCOL_RECORDS = frozenset({"warcinfo", "request", "metadata"})
PAGE_RECORDS = frozenset({"response", "resource", "conversion"})
# A .warc.gz is read record by record, so memory stays within the record limit however much it
# inflates to; what it may inflate to in all bounds the time. Crawled HTML gzips about 4-10 to 1 and
# a bomb about 1000 to 1: 20 times the file's size (or max_file_bytes, if more) lets every real
# crawl through and stops a 50 MB bomb after 1 GB, a second or two.
WARC_INFLATE_RATIO = 20
MAX_HEADER_LINE = 1 << 16  # real WARC and HTTP header lines are a few KB at most
MAX_HEADER_BYTES = 1 << 20  # all header lines read between two records


def parse_warc(data: bytes, max_file_bytes: int, max_record_bytes: int) -> Iterator[Parsed]:
    """Every record of a WARC (gzip per record, whole-file gzip, or none); a cut-off archive keeps
    what came before, and so does one that inflates past its budget (see WARC_INFLATE_RATIO)."""
    gzipped = data[:2] == GZIP_MAGIC
    budget = max(max_file_bytes, WARC_INFLATE_RATIO * len(data))
    stream = Inflater(data, budget) if gzipped else io.BytesIO(data)
    n_records = n_protocol = n_yielded = 0
    seen: set[str] = set()
    try:
        archive = ArchiveIterator(stream)
        # Inflated above, bounded: warcio must not inflate a second layer itself.
        archive.reader.set_decomp(None)
        guard = HeaderGuard(archive.reader)
        for record in archive:
            guard.used = 0
            rec_id = (
                normalise_text(record.rec_headers.get_header("WARC-Record-ID") or "").strip()
                or f"record:{n_records + 1}"
            )
            payload = _read_at_most(record.raw_stream, max_record_bytes)
            unread: int = getattr(record.raw_stream, "limit", 0)  # announced bytes not there
            if payload is not None and unread:
                yield Problem(
                    "truncated_warc",
                    f"WARC record {rec_id} is cut off: the archive ends inside it",
                    record_key=rec_id,
                    n_bytes=len(payload),
                )
                return
            n_records += 1
            if record.rec_type in PROTOCOL_RECORDS:
                n_protocol += 1
                yield Note(
                    "warc_protocol_records", f"WARC {record.rec_type} record {rec_id}", rec_id
                )
                continue
            if rec_id in seen:
                # Two records with one id would share a doc_id (an archive concatenated with
                # itself).
                yield Problem(
                    "duplicate_id",
                    f"WARC record {rec_id} repeats a record id already read in this archive",
                    record_key=f"{rec_id}#{n_records}",
                    n_bytes=None if payload is None else len(payload),
                )
                n_yielded += 1
                continue
            seen.add(rec_id)
            if payload is None:
                yield Problem(
                    "record_too_large",
                    f"WARC record {rec_id} is over the {max_record_bytes}-byte limit for "
                    "one record; not read",
                    record_key=rec_id,
                )
                n_yielded += 1
                continue
            for item in _page_record(record, rec_id, payload, max_record_bytes):
                n_yielded += not isinstance(item, Note)
                yield item
    except TooLarge as exc:
        yield Problem(
            "file_too_large",
            f"the WARC archive decompresses to more than {exc.limit} "
            f"bytes, over {WARC_INFLATE_RATIO} times its size (a gzip "
            f"bomb?): stopped after {n_records} records",
            record_key=f"after:{n_records}",
        )
        return
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError, BadStream) as exc:
        yield Problem(
            "truncated_warc" if n_records else "invalid_warc",
            f"the WARC archive breaks after {n_records} records ({type(exc).__name__}: {exc})"[
                :400
            ],
            record_key=f"after:{n_records}",
        )
        return
    if isinstance(stream, Inflater) and stream.truncated:
        # The records before the cut-off gzip member are fine.
        yield Problem(
            "truncated_warc",
            f"the WARC archive is cut off after {n_records} complete records",
            record_key=f"after:{n_records}",
        )
    elif not n_yielded:
        yield Problem(
            "no_records",
            f"the WARC archive holds no page records (response, resource or conversion), "
            f"only {n_protocol} warcinfo/request/metadata records",
            record_key="",
        )


class HeaderTooLong(ValueError):
    pass


class HeaderGuard:
    """Bounds warcio's readline(), which reads the record and HTTP headers: it joins 16 KB blocks
    until a newline, so a header without one grows to the whole (inflated) stream, in quadratic
    time. Each call gets at most MAX_HEADER_LINE bytes (a longer line arrives in parts, which the
    header parser refuses), and the lines read between two records at most MAX_HEADER_BYTES."""

    def __init__(self, reader: object) -> None:
        self.used = 0
        self._readline = reader.readline  # type: ignore[attr-defined]
        reader.readline = self.readline  # type: ignore[attr-defined]

    def readline(self, length: int | None = None) -> bytes:
        length = MAX_HEADER_LINE if length is None or length < 0 else min(length, MAX_HEADER_LINE)
        line: bytes = self._readline(length)
        self.used += len(line)
        if self.used > MAX_HEADER_BYTES:
            raise HeaderTooLong(
                f"more than {MAX_HEADER_BYTES} bytes of header lines before a record"
            )
        return line


def _read_at_most(stream: object, limit: int) -> bytes | None:
    """The rest of a record's block, or None when it is over `limit` bytes (what was read is
    dropped; warcio skips the rest in small reads)."""
    parts, size = [], 0
    while chunk := stream.read(min(CHUNK, limit + 1 - size)):  # type: ignore[attr-defined]
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(parts)


def _page_record(
    record: object, rec_id: str, payload: bytes, max_record_bytes: int
) -> Iterator[Parsed]:
    headers = record.rec_headers  # type: ignore[attr-defined]
    rec_type = record.rec_type  # type: ignore[attr-defined]
    uri = normalise_text(headers.get_header("WARC-Target-URI") or "").strip() or None
    label = f"WARC record {rec_id}" + (f" ({uri})" if uri else "")
    if rec_type == "revisit":
        yield Problem(
            "warc_revisit",
            f"{label} is a revisit record: it points to an earlier capture and holds no "
            "page of its own",
            record_key=rec_id,
            n_bytes=len(payload),
        )
        return
    if rec_type not in PAGE_RECORDS:
        yield Problem(
            "unsupported_warc_record",
            f"{label} is a WARC {rec_type!r} record, which holds no page",
            record_key=rec_id,
            n_bytes=len(payload),
        )
        return
    http = record.http_headers  # type: ignore[attr-defined]
    if http is not None and rec_type == "response":
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            yield Problem(
                "http_status",
                f"{label} is an HTTP {http.statusline or 'without status'} response, "
                "not a page with an article",
                record_key=rec_id,
                n_bytes=len(payload),
            )
            return
        ctype = http.get_header("Content-Type") or ""
    else:
        ctype = headers.get_header("Content-Type") or ""
    mtype = media_type(ctype)
    kind = kind_of_media_type(mtype)
    if kind is None:
        yield Problem(
            "unsupported_content_type",
            f"{label} holds {mtype}, not an article",
            record_key=rec_id,
            n_bytes=len(payload),
        )
        return
    if http is not None:
        try:
            payload = http_body(http, payload, max_record_bytes)
        except BodyRefused as exc:
            yield Problem(
                exc.reason, f"{label}: {exc.detail}", record_key=rec_id, n_bytes=len(payload)
            )
            return
    if not payload.strip():
        yield Problem(
            "empty_record", f"{label} has an empty body", record_key=rec_id, n_bytes=len(payload)
        )
        return
    defaults = {"url": uri, "published": (headers.get_header("WARC-Date") or "")[:10] or None}
    if kind == "json":
        yield from parse_json(payload, defaults, where=label, key_prefix=rec_id)
        return
    charset = (
        ctype.lower().split("charset=")[-1].strip(" ;\"'") if "charset=" in ctype.lower() else None
    )
    try:
        decoded = decode_bytes(payload, declared=charset)
    except DecodeError as exc:
        yield Problem(exc.reason, f"{label}: {exc.detail}", record_key=rec_id, n_bytes=len(payload))
        return
    if kind == "sniff":
        kind = sniff_text(decoded.text)
        if kind == "json":
            yield from parse_json(payload, defaults, where=label, key_prefix=rec_id)
            return
    if is_blank(decoded.text):
        yield Problem(
            "empty_record",
            f"{label} holds no visible text",
            record_key=rec_id,
            n_bytes=len(payload),
        )
        return
    yield ParsedRecord(
        record_key=rec_id,
        external_id=rec_id.strip("<>"),
        data=payload,
        content=decoded.text,
        content_type="html" if kind == "html" or looks_like_html(decoded.text) else "text",
        encoding=decoded.encoding,
        url=uri,
        published=defaults["published"],
    )


class BodyRefused(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def http_body(http: object, payload: bytes, limit: int) -> bytes:
    """An HTTP response body as the page's bytes: de-chunked, then each Content-Encoding undone,
    bounded by `limit` bytes. A body that does not start like its declared compression is taken as
    already decoded (crawlers often store it so and keep the header), as warcio does."""
    get = http.get_header  # type: ignore[attr-defined]
    if (get("Transfer-Encoding") or "").strip().lower() == "chunked":
        payload = ChunkedDataReader(io.BytesIO(payload)).read()  # never longer than its input
    codings = [c.strip().lower() for c in (get("Content-Encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            wbits = GZIP if payload[:2] == GZIP_MAGIC else None
        elif coding == "deflate":
            # RFC 1950's header check tells a zlib stream from raw deflate.
            zlib_header = (
                len(payload) > 1
                and (payload[0] & 0x0F) == 8
                and int.from_bytes(payload[:2], "big") % 31 == 0
            )
            wbits = ZLIB if zlib_header else RAW_DEFLATE
        else:
            # brotli's Python decoder has no output bound, so br is refused rather than inflated.
            why = " (br is not decoded: no bounded brotli decoder)" if coding == "br" else ""
            raise BodyRefused(
                "unsupported_content_encoding",
                f"the HTTP body is compressed with {coding!r}, which this "
                f"installation cannot decompress{why}",
            )
        if wbits is None:
            continue
        try:
            payload, cut = inflate(payload, limit, wbits)
        except TooLarge as exc:
            raise BodyRefused(
                "record_too_large",
                f"the HTTP body (Content-Encoding: {coding}) decompresses to more "
                f"than {limit} bytes, the limit for one record",
            ) from exc
        except BadStream as exc:
            if wbits == RAW_DEFLATE:
                continue  # neither zlib nor raw deflate: a body stored decoded
            raise BodyRefused(
                "corrupt_gzip", f"the HTTP body (Content-Encoding: {coding}) is {exc.detail}"
            ) from exc
        if cut:
            raise BodyRefused(
                "truncated_gzip", f"the HTTP body (Content-Encoding: {coding}) is cut off"
            )
    return payload
