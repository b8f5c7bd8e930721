"""HTML pages: trafilatura (default mode, its own fallbacks) finds the article, then our measured
extras.

The page is parsed once (`page.parse_html`); trafilatura, the metadata helpers and the visible-text
dump all read that tree. What we add after trafilatura is switchable (`HtmlConfig`) so
`benchmarks/extraction.py` can show each part on and off on both benchmark sets, and each part stays
only while it helps, or is neutral, on both: the title line leaves the body, the block rules remove
what they name, and a page where trafilatura finds next to nothing gets the text path's reading of
the page instead, when that has more article text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import lru_cache

import trafilatura
from lxml.html import HtmlElement

from newsdesk.clean import kinds
from newsdesk.clean.context import TITLE_REASON, mark_sections, split_verdicts
from newsdesk.clean.ensemble import load_selector, missed_prose, pair_features, readability_blocks
from newsdesk.clean.heavy_pages import (
    MAX_CHILDREN,
    MAX_NESTING,
    MAX_PARAGRAPH_ELEMENTS,
    SHORT_PARAGRAPH_WORDS,
    trafilatura_tree,
)
from newsdesk.clean.html_meta import PageMeta, page_metadata
from newsdesk.clean.junk import drop_junk, find_junk, junk_segment, junk_segments, tidy_block
from newsdesk.clean.page import parse_html, visible_lines
from newsdesk.clean.result import Extraction
from newsdesk.clean.rules import RULES, Rule, Verdict, match_block
from newsdesk.records import Segment
from newsdesk.text import count_tokens, count_words, ends_sentence, norm_key, split_blocks

_LOG = logging.getLogger(__name__)


# Rules that made a page of one set worse and none of either better on this path
# (benchmarks/extraction.py --ablations): an "About X" heading took the article paragraphs after it
# for a bio, the "Name / Agency" credit pattern took a spec line ("Verdicker/Basisöl: ...") for a
# photo credit. The text path keeps them.
HTML_SKIPPED_RULES = ("bio.heading", "caption.name_slash_agency")
HTML_RULES = tuple(rule for rule in RULES if rule.name not in HTML_SKIPPED_RULES)


@dataclass(frozen=True)
class HtmlConfig:
    """What runs after trafilatura; the defaults are what both benchmark sets support."""

    rules: tuple[Rule, ...] = HTML_RULES  # block rules applied to trafilatura's blocks
    sections: bool = True  # blocks under a "Related"/"About the author" heading go with it
    headline: bool = (
        True  # the title line leaves the body (kind headline; the title is stored apart)
    )
    fallback: bool = True  # the text path reads the page when trafilatura finds (next to) nothing
    ensemble: bool = True  # readability-lxml's reading replaces ours where the selector prefers it


DEFAULT = HtmlConfig()
FALLBACK_BELOW_WORDS = (
    15  # less than a one-sentence lede: a site name, a menu line, a caption or nothing
)
FALLBACK_GAIN = (
    3.0  # ... and is replaced only by a reading with this many times its words, prose among them
)


@dataclass
class Page:
    """One parsed page: trafilatura's article blocks, the page's visible lines and its metadata."""

    blocks: list[str]
    lines: list[str]
    meta: PageMeta = field(default_factory=PageMeta)
    second: list[str] | None = (
        None  # readability-lxml's article blocks (None: not asked for, or it failed)
    )
    junk: list[Segment] = field(default_factory=list)  # junk taken out of trafilatura's blocks


def read_page(html: str, url: str | None = None, second: bool | None = None) -> Page:
    """Parse once, run trafilatura on the tree, read the metadata and the visible text, and
    readability-lxml too when `second` is True or, by default, when a selector is shipped and the
    page holds prose that trafilatura left out (never raises)."""
    tree = parse_html(html)
    if tree is None:
        return Page([], [], PageMeta(url=url))
    readable = trafilatura_tree(tree)
    heavy = readable is not tree  # readability-lxml runs only on a page trafilatura read whole
    if readable is None:
        # finish() gives the text path's reading of the visible lines: trafilatura found nothing
        _LOG.warning(
            "%s is too heavy for trafilatura (over %d elements in paragraphs of %d words or more, "
            "a block of over %d children, or nesting %d deep): read by the text path",
            url or "a page",
            MAX_PARAGRAPH_ELEMENTS,
            SHORT_PARAGRAPH_WORDS,
            MAX_CHILDREN,
            MAX_NESTING,
        )
    text = _trafilatura(readable, url) if readable is not None else ""
    meta = page_metadata(tree, url)
    blocks, junk = drop_junk(split_blocks(text))
    lines = visible_lines(tree)
    other = None
    if not heavy and (
        second
        or (
            second is None
            and (selector := load_selector()) is not None
            and missed_prose(lines, "\n".join(blocks))
            >= selector.missed_share * count_words(" ".join(blocks))
        )
    ):
        # After the dump, on the same tree: the dump took out only what readability drops too
        # (hidden parts, scripts, styles) and added line breaks, which it ignores; a second parse
        # would cost a third of the page.
        other = readability_blocks(tree, url)
        other = drop_junk(other)[0] if other is not None else None
    return Page(blocks, lines, meta, other, junk)


def _trafilatura(tree: HtmlElement, url: str | None) -> str:
    try:
        return trafilatura.extract(tree, include_comments=False) or ""  # it works on its own copy
    except Exception:  # noqa: BLE001
        # trafilatura failing on one hostile page: the fallback reads it instead
        _LOG.warning("trafilatura failed on %s", url or "a page", exc_info=True)
        return ""


def extract_html(html: str, url: str | None = None, config: HtmlConfig = DEFAULT) -> Extraction:
    """The article body and metadata of one HTML page; removed page blocks become segments."""
    return finish(read_page(html, url), config)


def extract_html_body(html: str) -> str:
    """str -> str entry point for the benchmark scorer (the whole path, metadata and segments
    included)."""
    return extract_html(html).body


def finish(page: Page, config: HtmlConfig = DEFAULT) -> Extraction:
    """Our steps after trafilatura, on a page read once (the ablation benchmark reuses one
    reading)."""
    result = Extraction(
        body="",
        title=page.meta.title,
        published_date=page.meta.published_date,
        author=page.meta.author,
        source_name=page.meta.source_name,
        url=page.meta.url,
    )
    extracted = page.blocks
    kept, removed, meta = _filter(extracted, result.title, config)
    if config.ensemble and page.second and (selector := load_selector()) is not None:
        largest = max((count_words(line) for line in page.lines), default=0)
        features = pair_features("\n".join(kept), "\n".join(page.second), largest, result.title)
        if selector.prefers_theirs(features):
            extracted = page.second
            kept, removed, meta = _filter(extracted, result.title, config)
    if config.fallback and count_words(" ".join(kept)) < FALLBACK_BELOW_WORDS:
        other = fallback_blocks(page, kept)
        if other is not kept:
            extracted = other
            kept, removed, meta = _filter(extracted, result.title, config)
    if not kept and extracted:
        # Our steps took everything trafilatura found (a page whose only text is a caption): an
        # empty article helps nobody, so the rules' removals are undone (the title line stays out
        # unless it is all there is).
        junk = find_junk(extracted)
        text = [b for i, b in enumerate(extracted) if i not in junk]
        kept = [b for b in text if not _is_title(b, result.title)] or text
        removed = [
            s
            for s in removed
            if (s.kind == kinds.HEADLINE and len(kept) < len(text)) or s.kind == kinds.NOISE
        ]
    result.body = "\n\n".join(kept)
    result.segments.extend(removed)
    result.author = result.author or _str(meta.get("author"))
    result.syndicated_from = _str(meta.get("syndicated_from"))
    result.segments.extend(page.junk)
    result.segments.extend(
        page_leftovers(page.lines, extracted, result.title, start=len(extracted))
    )
    return result


def _filter(
    blocks: list[str], title: str | None, config: HtmlConfig
) -> tuple[list[str], list[Segment], dict[str, object]]:
    """The title line out, then the block rules and sections: kept blocks, removed segments, their
    metadata."""
    junk = find_junk(blocks)
    verdicts = [
        Verdict(kinds.NOISE, junk[i]) if i in junk else match_block(block, config.rules)
        for i, block in enumerate(blocks)
    ]
    if config.sections:
        mark_sections(blocks, verdicts)
    if config.headline and blocks and _is_title(blocks[0], title):
        verdicts[0] = Verdict(kinds.HEADLINE, TITLE_REASON)
    kept, removed, meta = split_verdicts(blocks, verdicts)
    removed = [
        junk_segment(s.position, s.text, s.reason) if s.kind == kinds.NOISE else s for s in removed
    ]
    return kept, removed, meta


def _is_title(block: str, title: str | None) -> bool:
    return bool(title) and norm_key(block) == norm_key(title or "")


def fallback_blocks(page: Page, blocks: list[str]) -> list[str]:
    """The text path's article from the page's visible lines, when it has clearly more prose than
    `blocks` (else `blocks` itself)."""
    from newsdesk.clean.text import (
        clean_text,
    )  # the text path imports nothing from here; lazy all the same

    if not page.lines:
        return blocks
    other = split_blocks(clean_text("\n".join(page.lines)).body)
    other_words = count_words(" ".join(other))
    has_prose = any(count_words(b) >= 10 and ends_sentence(b) for b in other)
    gain = other_words >= FALLBACK_GAIN * max(count_words(" ".join(blocks)), 1)
    return other if has_prose and gain else blocks


def page_leftovers(
    lines: list[str], extracted: list[str], title: str | None, start: int
) -> list[Segment]:
    """Visible page lines outside the extracted blocks (a block our rules removed is a segment
    already), typed by the block rules where one fires."""
    in_body = {norm_key(b) for b in extracted}
    body_text = norm_key(" ".join(extracted))
    title_key = norm_key(title) if title else None
    left: list[tuple[int, str, str]] = []
    for offset, line in enumerate(lines):
        key = norm_key(line)
        if key and key not in in_body and key not in body_text:
            left.append((offset, line, key))
    junk = find_junk([tidy_block(line) for _, line, _ in left])
    # One segment per run of junk lines (a page of 500,000 filler lines is one row, its text cut).
    segments = [
        replace(s, position=start + left[s.position][0])
        for s in junk_segments([line for _, line, _ in left], junk)
    ]
    for i, (offset, line, key) in enumerate(left):
        if i in junk:
            continue
        verdict = _typed_leftover(line)
        if verdict is not None:
            kind, reason = verdict.kind, verdict.reason
        elif key == title_key:
            kind, reason = kinds.HEADLINE, TITLE_REASON
        else:
            kind, reason = kinds.NAVIGATION, "page text outside the article"
        segments.append(Segment(start + offset, kind, line, reason))
    return segments


@lru_cache(maxsize=20_000)
def _typed_leftover(line: str) -> Verdict | None:
    # Cached: menus and footers repeat on every page of a site, and the rules are most of this
    # pass's cost.
    return match_block(line) if count_tokens(line) <= 60 else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
