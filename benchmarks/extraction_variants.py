"""The variants the ablation table scores: each HTML component switched off, the parts we removed switched
back on, and the reference extractors (plain trafilatura, its fast mode, readability-lxml).

A variant maps one page read once (`newsdesk.clean.html.Page`, plus the raw HTML for the references) to a
body, so the table scores every variant on the same readings in one run.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

import trafilatura

from newsdesk.clean.context import mark_captions, mark_sections, mark_verbatim_repeats
from newsdesk.clean.html import DEFAULT, HTML_RULES, RULES, HtmlConfig, Page, finish
from newsdesk.clean.rules import match_block
from newsdesk.text import count_words, ends_sentence, norm_key, split_blocks, words

Variant = Callable[[Page, str], str]


def config_variant(config: HtmlConfig) -> Variant:
    return lambda page, _html: finish(page, config).body


def trafilatura_default(_page: Page, html: str) -> str:
    return trafilatura.extract(html, include_comments=False) or ""


def trafilatura_fast(_page: Page, html: str) -> str:
    return trafilatura.extract(html, include_comments=False, fast=True) or ""


def readability_lxml(_page: Page, html: str) -> str:
    """readability-lxml as the extract scorer runs it (summary, then the scorer's block-aware text)."""
    from extraction_sets import shared_tool
    from readability import Document

    textutil = shared_tool("textutil")
    summary = Document(html).summary(html_partial=True)
    return str(textutil.element_text(textutil._parse(summary), skip_hidden=False))


def with_readability_merge(page: Page, html: str) -> str:
    """Our former second opinion: readability's prose paragraphs trafilatura lacks, inserted where readability
    has them, asked only when the page shows long prose outside trafilatura's text (removed: see the table)."""
    blocks = page.blocks
    if _needs_second_opinion(blocks, page.lines):
        other = split_blocks(readability_lxml(page, html))
        blocks = _merge(blocks, other)
    return finish(replace(page, blocks=blocks), DEFAULT).body


def with_old_context_markers(page: Page, _html: str) -> str:
    """Our former HTML filter's extra markers: a headline-like block next to a photo credit is its caption, a
    paragraph repeated word for word is a duplicate (removed: see the table)."""
    blocks = page.blocks
    if blocks and page.meta.title and norm_key(blocks[0]) == norm_key(page.meta.title):
        blocks = blocks[1:]
    verdicts = [match_block(block, HTML_RULES) for block in blocks]
    mark_sections(blocks, verdicts)
    mark_captions(blocks, verdicts)
    mark_verbatim_repeats(blocks, verdicts)
    return "\n".join(b for b, v in zip(blocks, verdicts) if v is None)


def variants(per_rule: bool = False) -> dict[str, Variant]:
    """Name -> variant, newsdesk first; `per_rule` adds one row per rule of the HTML path."""
    out: dict[str, Variant] = {"newsdesk (all parts on)": config_variant(DEFAULT)}
    out["- headline line kept in the body"] = config_variant(replace(DEFAULT, headline=False))
    out["- block rules (all)"] = config_variant(replace(DEFAULT, rules=(), sections=False))
    for group in dict.fromkeys(rule.name.split(".")[0] for rule in HTML_RULES):
        kept = tuple(r for r in HTML_RULES if not r.name.startswith(group + "."))
        out[f"- {group}.* rules"] = config_variant(replace(DEFAULT, rules=kept))
    out["- sections under related/bio headings"] = config_variant(replace(DEFAULT, sections=False))
    out["- text-path fallback on near-empty pages"] = config_variant(replace(DEFAULT, fallback=False))
    out["+ rules skipped on HTML (all of the registry)"] = config_variant(replace(DEFAULT, rules=RULES))
    out["+ readability merge (removed)"] = with_readability_merge
    out["+ caption/repeat markers (removed)"] = with_old_context_markers
    if per_rule:
        for rule in RULES:
            on = rule in HTML_RULES
            rules = tuple(r for r in HTML_RULES if r is not rule) if on else HTML_RULES + (rule,)
            out[f"{'-' if on else '+'} rule {rule.name}"] = config_variant(replace(DEFAULT, rules=rules))
    out["trafilatura (plain, default mode)"] = trafilatura_default
    out["trafilatura fast=True"] = trafilatura_fast
    out["readability-lxml"] = readability_lxml
    return out


# -- the former readability merge, kept here only to score it ------------------------------------------------

def _is_prose(block: str, min_words: int = 30) -> bool:
    return count_words(block) >= min_words and ends_sentence(block)


def _needs_second_opinion(blocks: list[str], lines: list[str], share: float = 0.25, short: int = 50) -> bool:
    body = norm_key(" ".join(blocks))
    body_words = len(body.split())
    if body_words < short:
        return True
    missing = sum(count_words(b) for b in lines if _is_prose(b) and norm_key(b) not in body)
    return missing > share * body_words


def _shingle_cover(part: str, whole: str, n: int = 4) -> float:
    a, b = words(part.lower()), words(whole.lower())
    grams_a = Counter(tuple(a[i:i + n]) for i in range(max(1, len(a) - n + 1)))
    grams_b = Counter(tuple(b[i:i + n]) for i in range(max(1, len(b) - n + 1)))
    total = sum(grams_a.values())
    return sum(min(c, grams_b[g]) for g, c in grams_a.items()) / total if total else 0.0


def _merge(blocks: list[str], other: list[str], min_agreement: float = 0.7) -> list[str]:
    if not other:
        return blocks
    if not blocks:
        return list(other)
    if _shingle_cover(" ".join(blocks), " ".join(other)) < min_agreement:
        return blocks
    body, keys = norm_key(" ".join(blocks)), [norm_key(b) for b in blocks]
    inserts: dict[int, list[str]] = {}
    anchor = -1
    for paragraph in other:
        key = norm_key(paragraph)
        if not key:
            continue
        if key in body:
            anchor = next((i for i, k in enumerate(keys) if key in k or k in key), anchor)
        elif _is_prose(paragraph):
            inserts.setdefault(anchor, []).append(paragraph)
    merged = list(inserts.get(-1, []))
    for i, block in enumerate(blocks):
        merged.append(block)
        merged.extend(inserts.get(i, []))
    return merged
