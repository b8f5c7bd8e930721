"""Title and date accuracy of both extraction paths on the benchmark pages that carry a reference.

References (independent of our extractors): the date written in the page URL (/2019/11/19/, 2019-11-19,
20191119) and the page's og:title, else its <title>. A title counts as right when, word-normalised, one
contains the other (sites append " | Outlet" to <title>); a date when it is the URL's day. The text path reads
the page's plain-text dump (ScrapingHub's .raw.txt; built from the page for trafilatura-eval).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import lxml.html
from extraction_sets import pages_of

from newsdesk.clean.html import extract_html
from newsdesk.clean.text import clean_text
from newsdesk.text import norm_key

_URL_DATE = (
    re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/"),
    re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"),
    re.compile(r"/((?:19|20)\d\d)(\d\d)(\d\d)(?:/|\b)"),
)


@dataclass
class MetadataScore:
    set_name: str
    dated_pages: int = 0
    html_date_right: int = 0
    text_date_right: int = 0
    titled_pages: int = 0
    html_title_right: int = 0
    text_title_right: int = 0

    def lines(self) -> list[str]:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} = {a / b:.3f}" if b else "n/a"
        return [
            f"metadata {self.set_name:<16} date  (URL-dated pages): "
            f"HTML {pct(self.html_date_right, self.dated_pages)}  text {pct(self.text_date_right, self.dated_pages)}",
            f"metadata {self.set_name:<16} title (og:title/<title>): "
            f"HTML {pct(self.html_title_right, self.titled_pages)}  "
            f"text {pct(self.text_title_right, self.titled_pages)}",
        ]


def url_date(url: str) -> date | None:
    for pattern in _URL_DATE:
        if match := pattern.search(url):
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
    return None


def reference_title(html: str) -> str | None:
    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparseable page has no reference
        return None
    for value in tree.xpath('//meta[@property="og:title"]/@content') + tree.xpath("//title/text()"):
        if value.strip():
            return value.strip()
    return None


def same_title(found: str | None, reference: str) -> bool:
    a, b = norm_key(found or ""), norm_key(reference)
    return bool(a) and (a in b or b in a)


def score_metadata(set_name: str) -> MetadataScore:
    score = MetadataScore(set_name)
    for page in pages_of(set_name):
        html = page.html()
        found_html, found_text = extract_html(html, url=page.url), clean_text(page.dump())
        if (day := url_date(page.url or "")) is not None:
            score.dated_pages += 1
            score.html_date_right += found_html.published_date == day
            score.text_date_right += found_text.published_date == day
        if (title := reference_title(html)) is not None:
            score.titled_pages += 1
            score.html_title_right += same_title(found_html.title, title)
            score.text_title_right += same_title(found_text.title, title)
    return score
