"""WARC archives: every record is an input (a page, or a quarantined problem) or a counted protocol record.

warcinfo, request and metadata records describe a capture rather than hold a page: they are not inputs and are
counted in the ingest stats as `warc_protocol_records`. response, resource and conversion records are inputs:
HTML and plain text become documents, JSON is read like a JSON file, a record without a usable Content-Type is
sniffed, a non-2xx HTTP response is quarantined (`http_status`), and any other media type is quarantined
(`unsupported_content_type`); revisit records hold no page of their own (`warc_revisit`).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdesk.ingest.decode import DecodeError, decode_bytes
from newsdesk.ingest.jsonrec import parse_json
from newsdesk.ingest.parsed import Note, Parsed, ParsedRecord, Problem
from newsdesk.ingest.sniff import kind_of_media_type, looks_like_html, media_type, sniff_text
from newsdesk.text import is_blank, normalise_text

PROTOCOL_RECORDS = frozenset({"warcinfo", "request", "metadata"})
PAGE_RECORDS = frozenset({"response", "resource", "conversion"})


def parse_warc(data: bytes) -> Iterator[Parsed]:
    """Every record of a WARC (gzip per record or not); a cut-off archive keeps what came before."""
    n_records = n_protocol = n_yielded = 0
    seen: set[str] = set()
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            rec_id = normalise_text(record.rec_headers.get_header("WARC-Record-ID") or "").strip() \
                or f"record:{n_records + 1}"
            payload = record.content_stream().read()
            if getattr(record.raw_stream, "limit", 0):
                yield Problem("truncated_warc", f"WARC record {rec_id} is cut off: the archive ends inside it",
                              record_key=rec_id, n_bytes=len(payload))
                return
            n_records += 1
            if record.rec_type in PROTOCOL_RECORDS:
                n_protocol += 1
                yield Note("warc_protocol_records", f"WARC {record.rec_type} record {rec_id}", rec_id)
                continue
            if rec_id in seen:
                # Two records with one id would share a doc_id (an archive concatenated with itself).
                n_yielded += 1
                yield Problem("duplicate_id", f"WARC record {rec_id} repeats a record id already read in this "
                                              "archive", record_key=f"{rec_id}#{n_records}", n_bytes=len(payload))
                continue
            seen.add(rec_id)
            for item in _page_record(record, rec_id, payload):
                n_yielded += not isinstance(item, Note)
                yield item
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
        yield Problem("truncated_warc" if n_records else "invalid_warc",
                      f"the WARC archive breaks after {n_records} records ({type(exc).__name__}: {exc})"[:400],
                      record_key=f"after:{n_records}")
        return
    if data[:2] == b"\x1f\x8b" and not _gzip_complete(data):
        # warcio stops silently at a cut-off gzip member; the records before it are fine.
        yield Problem("truncated_warc", f"the WARC archive is cut off after {n_records} complete records",
                      record_key=f"after:{n_records}")
    elif not n_yielded:
        yield Problem("no_records", f"the WARC archive holds no page records (response, resource or conversion), "
                                    f"only {n_protocol} warcinfo/request/metadata records", record_key="")


def _page_record(record: object, rec_id: str, payload: bytes) -> Iterator[Parsed]:
    headers = record.rec_headers  # type: ignore[attr-defined]
    rec_type = record.rec_type  # type: ignore[attr-defined]
    uri = normalise_text(headers.get_header("WARC-Target-URI") or "").strip() or None
    label = f"WARC record {rec_id}" + (f" ({uri})" if uri else "")
    if rec_type == "revisit":
        yield Problem("warc_revisit", f"{label} is a revisit record: it points to an earlier capture and holds no "
                                      "page of its own", record_key=rec_id, n_bytes=len(payload))
        return
    if rec_type not in PAGE_RECORDS:
        yield Problem("unsupported_warc_record", f"{label} is a WARC {rec_type!r} record, which holds no page",
                      record_key=rec_id, n_bytes=len(payload))
        return
    http = record.http_headers  # type: ignore[attr-defined]
    if http is not None and rec_type == "response":
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            yield Problem("http_status", f"{label} is an HTTP {http.statusline or 'without status'} response, "
                                         "not a page with an article", record_key=rec_id, n_bytes=len(payload))
            return
        ctype = http.get_header("Content-Type") or ""
    else:
        ctype = headers.get_header("Content-Type") or ""
    mtype = media_type(ctype)
    kind = kind_of_media_type(mtype)
    if kind is None:
        yield Problem("unsupported_content_type", f"{label} holds {mtype}, not an article", record_key=rec_id,
                      n_bytes=len(payload))
        return
    if not payload.strip():
        yield Problem("empty_record", f"{label} has an empty body", record_key=rec_id, n_bytes=len(payload))
        return
    defaults = {"url": uri, "published": (headers.get_header("WARC-Date") or "")[:10] or None}
    if kind == "json":
        yield from parse_json(payload, defaults, where=label, key_prefix=rec_id)
        return
    charset = ctype.lower().split("charset=")[-1].strip(" ;\"'") if "charset=" in ctype.lower() else None
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
        yield Problem("empty_record", f"{label} holds no visible text", record_key=rec_id, n_bytes=len(payload))
        return
    yield ParsedRecord(record_key=rec_id, external_id=rec_id.strip("<>"), data=payload, content=decoded.text,
                       content_type="html" if kind == "html" or looks_like_html(decoded.text) else "text",
                       encoding=decoded.encoding, url=uri, published=defaults["published"])


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
