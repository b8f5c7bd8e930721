"""Title, date, author, site name and URL of an HTML page, from trafilatura's own metadata helpers.

trafilatura's `extract_metadata` minus the parts we store nothing from (categories, tags, licence)
and minus its author search through the page body (a pruned copy of the whole tree, a quarter of
extraction time); an author the page's meta tags or JSON-LD do not name is taken from a byline in
the article instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from typing import Any

import lxml.html
from htmldate import find_date
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)

from newsdesk.clean.dates import parse_iso_date


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    published_date: date | None = None
    author: str | None = None
    source_name: str | None = None
    url: str | None = None


def page_metadata(tree: lxml.html.HtmlElement, url: str | None = None) -> PageMeta:
    """What the page says about itself; every field None when the page does not say (never
    raises)."""
    try:
        found = examine_meta(tree)
    except Exception:  # noqa: BLE001 - malformed meta tags must not cost the article
        return PageMeta(url=url)
    if (
        found.author and " " not in found.author
    ):  # a one-word "author" is a handle or the site (trafilatura)
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001
        # trafilatura's JSON-LD reader raises on some malformed scripts
        pass
    title = found.title or _safe(extract_title, tree)
    page_url = found.url or _safe(extract_url, tree, url) or url
    day = None
    try:
        today = datetime.now().astimezone().strftime("%Y-%m-%d")
        day = find_date(
            tree, extensive_search=False, original_date=True, url=page_url, max_date=today
        )
    except Exception:  # noqa: BLE001 - htmldate on a hostile page: no date rather than no article
        day = None
    sitename = found.sitename or _safe(extract_sitename, tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    return PageMeta(
        title=_clean(title),
        published_date=parse_iso_date(day),
        author=_clean(found.author),
        source_name=_clean(sitename),
        url=page_url,
    )


def _safe(fn: Callable[..., str | None], *args: Any) -> str | None:
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001 - one missing field, not a lost page
        return None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(unescape(value).split())
    if len(value) > 1000:
        value = value[:999] + "…"
    return value or None
