"""HTML pages: trafilatura finds the article, our block rules post-filter it, the rest becomes segments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date

import lxml.html
import trafilatura
from lxml import etree

from newsdesk.clean import kinds
from newsdesk.clean.dates import parse_iso_date
from newsdesk.clean.html_merge import MergeConfig, merge_blocks, needs_second_opinion, readability_blocks
from newsdesk.clean.rules import Verdict, match_block
from newsdesk.clean.text import filter_blocks, split_blocks
from newsdesk.records import Segment

_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br", "section", "article",
               "header", "footer", "nav", "aside", "blockquote", "figcaption", "figure", "pre", "dd", "dt", "ul",
               "ol", "table", "form", "main", "title"}
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")
_WORD = re.compile(r"\w+")
DEFAULT_MERGE = MergeConfig()


@dataclass
class HtmlResult:
    body: str
    segments: list[Segment] = field(default_factory=list)
    title: str | None = None
    published_date: date | None = None
    author: str | None = None
    source_name: str | None = None
    syndicated_from: str | None = None
    url: str | None = None


def extract_html(html: str, url: str | None = None, merge: MergeConfig = DEFAULT_MERGE) -> HtmlResult:
    """Extract the article body and metadata from one HTML page; removed page blocks become segments."""
    # fast=True skips trafilatura's own fallback extractors: readability below is asked instead, and only
    # on the pages where trafilatura seems to have missed prose.
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True, fast=True)
    result = HtmlResult(body="")
    text = ""
    if doc is not None:
        text = doc.text or ""
        result.title = _clean_meta(doc.title)
        result.author = _clean_meta(doc.author)
        result.source_name = _clean_meta(doc.sitename)
        result.published_date = parse_iso_date(doc.date)
        result.url = doc.url or url
    blocks = split_blocks(text)
    page_blocks = visible_blocks(html)
    if needs_second_opinion(blocks, page_blocks, merge):
        blocks, _ = merge_blocks(blocks, readability_blocks(html, visible_blocks), merge)
    if blocks and result.title and _norm(blocks[0]) == _norm(result.title):
        result.segments.append(Segment(0, kinds.DATELINE, blocks[0], "headline (kept as the article title)"))
        blocks = blocks[1:]
    kept, removed, meta = filter_blocks(blocks)
    result.body = "\n\n".join(kept)
    result.segments.extend(removed)
    result.author = result.author or meta.get("author")
    result.syndicated_from = meta.get("syndicated_from")
    result.segments.extend(_page_leftovers(page_blocks, kept, result.title, start=len(blocks)))
    return result


def extract_html_body(html: str) -> str:
    """str -> str entry point for the benchmark scorer."""
    return extract_html(html).body


def visible_blocks(html: str) -> list[str]:
    """The page's visible text, one block element per line."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    for bad in tree.xpath("|".join(f"//{tag}" for tag in _INVISIBLE)):
        bad.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return split_blocks(tree.text_content())


def _page_leftovers(page_blocks: list[str], kept: list[str], title: str | None, start: int) -> list[Segment]:
    """Visible page blocks that are not in the body, typed by the block rules where one fires."""
    in_body = {_norm(b) for b in kept}
    body_text = _norm(" ".join(kept))
    segments: list[Segment] = []
    for offset, block in enumerate(page_blocks):
        key = _norm(block)
        if not key or key in in_body or key in body_text:
            continue
        verdict = _typed_leftover(block)
        if verdict is not None:
            kind, reason = verdict.kind, verdict.reason
        elif title and key == _norm(title):
            kind, reason = kinds.DATELINE, "headline (kept as the article title)"
        else:
            kind, reason = kinds.NAVIGATION, "page text outside the article"
        segments.append(Segment(start + offset, kind, block, reason))
    return segments


@lru_cache(maxsize=20_000)
def _typed_leftover(block: str) -> Verdict | None:
    # Cached: menus and footers repeat on every page of a site, and the rules are most of this pass's cost.
    return match_block(block) if len(block.split()) <= 60 else None


def _clean_meta(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value or None


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))
