"""What kind of content a text holds, from the text itself: a `.txt` file holding a web page is a
web page.

The HTML rule is the WHATWG MIME Sniffing standard's (section 7.1, "identifying an unknown MIME
type"): after leading whitespace, one of a fixed set of tags followed by a space or `>`. It looks
only at the start, so an article that quotes markup further down stays text. The standard library
has no sniffer and libmagic would be a system dependency for these 17 patterns.
"""

from __future__ import annotations

import re

_HTML_START = re.compile(
    r"\A[\s\ufeff]*(?:<!doctype\s+html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|"
    r"<title|<b|<body|<br|<p|<!--)(?=[\s>])",
    re.IGNORECASE,
)
_JSON_START = re.compile(r"\A[\s\ufeff]*[\[{]")

# Media types of records that hold an article, by the content type the record is read as.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
JSON_TYPES = frozenset({"application/json", "text/json", "application/ld+json"})
# Types that say nothing about the content: sniff it.
UNKNOWN_TYPES = frozenset(
    {"", "application/octet-stream", "unk", "unknown", "text/unknown", "application/unknown"}
)


def looks_like_html(text: str) -> bool:
    return _HTML_START.match(text[:1024]) is not None


def looks_like_json(text: str) -> bool:
    return _JSON_START.match(text[:64]) is not None


def media_type(content_type: str | None) -> str:
    """`text/html; charset=utf-8` -> `text/html`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def kind_of_media_type(mtype: str) -> str | None:
    """html | text | json | sniff for a media type that may hold an article; None for any other
    type."""
    if mtype in HTML_TYPES:
        return "html"
    if mtype in TEXT_TYPES:
        return "text"
    if mtype in JSON_TYPES or mtype.endswith("+json"):
        return "json"
    if mtype in UNKNOWN_TYPES:
        return "sniff"
    return None


def sniff_text(text: str) -> str:
    """html | json | text for decoded content of unknown type."""
    if looks_like_html(text):
        return "html"
    if looks_like_json(text):
        return "json"
    return "text"
