"""JSON and JSONL files (and JSON bodies of WARC records): one article per object.

Field values of the wrong type are never stored as Python reprs: a list of strings is joined, a
number becomes its JSON text, a Unix-epoch `published` becomes a date; an object, a boolean or a
list holding them is refused for that field (a `refused_fields` note says which), and the article
keeps its other fields.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

from newsdesk.ingest.decode import DecodeError, decode_bytes, may_be_mojibake, wide_encoding
from newsdesk.ingest.parsed import Note, Parsed, ParsedRecord, Problem
from newsdesk.ingest.sniff import looks_like_html
from newsdesk.text import normalise_text

# A Unix time in seconds between 1973 and 2103, or the same in milliseconds; other numbers are not
# dates.
_EPOCH_SECONDS = (1e8, 4.2e9)
_EPOCH_MS_FROM = 1e11
_EPOCH_TEXT = re.compile(r"\A\d{9,13}(?:\.\d+)?\Z")


def parse_jsonl(data: bytes) -> Iterator[Parsed]:
    """One JSON object per line; a bad line is one problem, the other lines go on. UTF-16/32 files
    are decoded whole first (their newline is more than one byte, and splitting raw bytes would cut
    characters in half)."""
    seen: set[str] = set()
    for lineno, raw, text in _lines(data):
        where, key = (f"line {lineno}", f"line:{lineno}") if lineno else ("the file", "")
        if isinstance(text, DecodeError):
            yield Problem(text.reason, f"{where}: {text.detail}", record_key=key, n_bytes=len(raw))
            continue
        obj = _loads(text, where, key, len(raw))
        if isinstance(obj, Problem):
            yield obj
            continue
        yield from record_from_object(obj, raw, where, key, seen)


def parse_json(
    data: bytes,
    defaults: Mapping[str, str | None] | None = None,
    where: str = "the file",
    key_prefix: str = "",
) -> Iterator[Parsed]:
    """A JSON object (one article) or an array of article objects. `defaults` fill url/published
    when the object has none (a WARC record's target URI and date)."""
    try:
        text = decode_bytes(data).text
    except DecodeError as exc:
        yield Problem(
            exc.reason, f"{where}: {exc.detail}", record_key=key_prefix, n_bytes=len(data)
        )
        return
    obj = _loads(text, where, key_prefix, len(data))
    if isinstance(obj, Problem):
        yield obj
        return
    if isinstance(obj, list) and not obj:
        yield Problem(
            "no_records",
            f"{where} is an empty JSON array: it holds no articles",
            record_key=key_prefix,
            n_bytes=len(data),
        )
        return
    items = obj if isinstance(obj, list) else [obj]
    seen: set[str] = set()
    scope = (
        f"{key_prefix}#" if key_prefix else ""
    )  # record keys stay unique across the records of one WARC
    for index, item in enumerate(items):
        # Lone surrogates are legal JSON escapes; surrogatepass keeps the hash defined for them.
        raw = json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        key = f"{scope}item:{index}" if isinstance(obj, list) else key_prefix
        yield from record_from_object(
            item,
            raw,
            f"{where}, item {index}" if isinstance(obj, list) else where,
            key,
            seen,
            defaults,
            scope,
        )


def _lines(data: bytes) -> Iterator[tuple[int, bytes, str | DecodeError]]:
    if wide_encoding(data):
        try:
            text = decode_bytes(data).text
        except DecodeError as exc:
            yield 0, data, exc  # line 0: the whole file
            return
        for lineno, decoded in enumerate(text.split("\n"), start=1):
            if decoded.strip():
                yield lineno, decoded.encode("utf-8"), decoded
        return
    for lineno, line in enumerate(data.splitlines(), start=1):
        if line.strip():
            try:
                # Clean UTF-8 lines skip the full decoder (a third of ingest time on wire feeds):
                # their field values are normalised once parsed. Lines that may be mojibake get the
                # full repair.
                text = line.decode("utf-8")
                if not may_be_mojibake(text):
                    yield lineno, line, text.lstrip("\ufeff")
                    continue
            except UnicodeDecodeError:
                pass
            try:
                yield lineno, line, decode_bytes(line).text
            except DecodeError as exc:
                yield lineno, line, exc


def _loads(text: str, where: str, key: str, n_bytes: int) -> object:
    """The parsed value, or a Problem: bad syntax, nesting deeper than the parser's recursion limit,
    or an integer longer than Python converts (all ValueError or RecursionError, never a failed
    batch)."""
    try:
        return json.loads(
            text, strict=False
        )  # strict=False: a raw tab or control inside a string is kept
    except json.JSONDecodeError as exc:
        return Problem(
            "invalid_json",
            f"{where} is not valid JSON ({exc.msg.removesuffix(' at')} at line "
            f"{exc.lineno} column {exc.colno})",
            record_key=key,
            n_bytes=n_bytes,
        )
    except RecursionError:
        return Problem(
            "invalid_json",
            f"{where} nests arrays or objects too deeply to be read",
            record_key=key,
            n_bytes=n_bytes,
        )
    except ValueError as exc:
        return Problem(
            "invalid_json",
            f"{where} cannot be read as JSON ({exc})"[:300],
            record_key=key,
            n_bytes=n_bytes,
        )


def record_from_object(
    obj: object,
    raw: bytes,
    where: str,
    fallback_key: str,
    seen: set[str],
    defaults: Mapping[str, str | None] | None = None,
    scope: str = "",
) -> Iterator[Parsed]:
    if not isinstance(obj, dict):
        yield Problem(
            "invalid_record",
            f"{where} is {_json_type(obj)}, not an object",
            record_key=fallback_key,
            n_bytes=len(raw),
        )
        return
    notes: list[Note] = []
    refused: dict[str, str] = {}

    def field(name: str, value: str | None, why: str | None) -> str | None:
        if why:
            refused[name] = why
            notes.append(
                Note(
                    "refused_fields", f"{where}: field {name!r} is {why}; left empty", fallback_key
                )
            )
        return value

    html = field("html", *_text_value(obj.get("html"), "\n"))
    text = field("text", *_text_value(obj.get("text"), "\n\n"))
    ext_id = field("id", *_id_value(obj.get("id")))
    url = field("url", *_url_value(obj.get("url")))
    title = field("title", *_text_value(obj.get("title"), ", "))
    source = field("source", *_text_value(obj.get("source"), ", "))
    date_field = "published" if obj.get("published") not in (None, "") else "date"
    published = field(date_field, *_published_value(obj.get(date_field)))
    yield from notes
    if html:
        content, ctype = html, "html"
    elif text:
        content, ctype = text, "html" if looks_like_html(text) else "text"
    else:
        bad = [name for name in ("html", "text") if name in refused]
        yield Problem(
            "invalid_field" if bad else "no_content",
            f"{where}: field {bad[0]!r} is {refused[bad[0]]}, and there is no other article text"
            if bad
            else f"{where} has neither a non-empty 'text' nor 'html' field",
            record_key=fallback_key,
            n_bytes=len(raw),
        )
        return
    key = f"{scope}id:{ext_id}" if ext_id else fallback_key
    if key in seen:
        yield Problem(
            "duplicate_id",
            f"{where} repeats id {ext_id!r} already used in this file",
            record_key=fallback_key,
            n_bytes=len(raw),
        )
        return
    seen.add(key)
    defaults = defaults or {}
    yield ParsedRecord(
        record_key=key,
        external_id=ext_id or fallback_key,
        data=raw,
        content=content,
        content_type=ctype,
        url=url or defaults.get("url"),
        title=title,
        published=published or defaults.get("published"),
        source=source,
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return "a JSON string"
    return "a JSON number"


def _number_text(value: int | float) -> tuple[str | None, str | None]:
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"the number {value}, not text"
    return json.dumps(value), None


def _text_value(value: object, joiner: str) -> tuple[str | None, str | None]:
    """(text, None), or (None, why the value is refused)."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return normalise_text(value).strip() or None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value)
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, str):
                parts.append(normalise_text(item).strip())
            elif (
                isinstance(item, (int, float))
                and not isinstance(item, bool)
                and _number_text(item)[0]
            ):
                parts.append(json.dumps(item))
            else:
                return None, f"a JSON array holding {_json_type(item)}, not text"
        return joiner.join(p for p in parts if p) or None, None
    return None, f"{_json_type(value)}, not text"


def _id_value(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, list):
        return None, "a JSON array, not one id"
    return _text_value(value, "")


def _url_value(value: object) -> tuple[str | None, str | None]:
    if value is None or isinstance(value, str):
        return _text_value(value, "")
    return None, f"{_json_type(value)}, not a URL"


def _published_value(value: object) -> tuple[str | None, str | None]:
    """A date string as given, or a Unix time (seconds or milliseconds, number or digits) as an ISO
    UTC time."""
    if isinstance(value, str):
        text = normalise_text(value).strip()
        if not _EPOCH_TEXT.match(text):
            return text or None, None
        return _from_epoch(float(text), text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(float(value), json.dumps(value) if math.isfinite(value) else str(value))
    if value is None:
        return None, None
    return None, f"{_json_type(value)}, not a date"


def _from_epoch(number: float, shown: str) -> tuple[str | None, str | None]:
    seconds = number / 1000 if number >= _EPOCH_MS_FROM else number
    if not (math.isfinite(seconds) and _EPOCH_SECONDS[0] <= seconds < _EPOCH_SECONDS[1]):
        return None, f"the number {shown}, which is not a Unix time in seconds or milliseconds"
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), None
