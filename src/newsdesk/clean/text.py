"""Plain-text dumps: split into blocks, classify each with its context, keep the article blocks.

Two opinions per block: the typed rules (`rules`, `context`) name what a block is and why, the trained line
classifier (`text_classifier`) says whether it reads like article text. A rule verdict wins (it carries the
kind); a block no rule names is removed when the classifier rejects it.
Written by us because no kept library classifies plain-text lines (jusText and trafilatura need HTML
structure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from newsdesk.clean import kinds
from newsdesk.clean.context import (is_headline_like, mark_captions, mark_headlines_in_body, mark_repeats,
                                    mark_sections, mark_title, mark_verbatim_repeats)
from newsdesk.clean.dates import parse_date
from newsdesk.clean.line_model import LineModel
from newsdesk.clean.rules import DATE_STAMP, Verdict, match_block
from newsdesk.clean.text_classifier import classify_lines
from newsdesk.records import Segment, count_words

_NEVER_RESTORED = (kinds.PROMO, kinds.SUBSCRIPTION, kinds.REPRINT)
__all__ = ["TextResult", "clean_text", "extract_text_body", "filter_blocks", "is_headline_like", "split_blocks"]


@dataclass
class TextResult:
    """What the text path found: the body, removed segments and metadata."""

    body: str
    segments: list[Segment] = field(default_factory=list)
    title: str | None = None
    published_date: date | None = None
    author: str | None = None
    syndicated_from: str | None = None


def split_blocks(text: str) -> list[str]:
    """Non-empty lines; a dump with blank-line paragraphs and one with one paragraph per line split alike."""
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def clean_text(text: str, title_hint: str | None = None, model: LineModel | None = None) -> TextResult:
    """Remove boilerplate from a plain-text article dump; every removed block becomes a Segment.

    `model` replaces the shipped line classifier (cross-validation trains one per fold)."""
    blocks = split_blocks(text)
    result = TextResult(body="")
    if blocks and (stamp := DATE_STAMP.match(blocks[0])):
        result.published_date = date.fromisoformat(stamp.group("date"))
        result.segments.append(Segment(0, kinds.DATELINE, stamp.group(0).strip(), "leading date stamp"))
        blocks[0] = blocks[0][stamp.end():].strip()
    verdicts = [match_block(block) if block else None for block in blocks]
    mark_sections(blocks, verdicts)
    mark_title(blocks, verdicts, title_hint)
    mark_captions(blocks, verdicts)
    mark_headlines_in_body(blocks, verdicts)
    mark_repeats(blocks, verdicts)
    keep, probabilities = classify_lines(blocks, model)
    if not looks_like_page_dump(blocks):
        # An article body as delivered (a JSONL `text`, a clean .txt): the classifier, trained on page dumps,
        # may drop short lines but not whole paragraphs, which there are almost always article text.
        keep = [k or count_words(b) >= PARAGRAPH_WORDS for k, b in zip(keep, blocks)]
    mark_rejected(blocks, verdicts, keep, probabilities)
    if title_hint is None:
        mark_title_near_body(blocks, verdicts, keep)
    if blocks and all(v is not None for v in verdicts):
        restore_likeliest(verdicts, probabilities)
    elif sum(count_words(b) for b, v in zip(blocks, verdicts) if v is None and b) < MIN_ARTICLE_WORDS:
        restore_classifier_rejections(verdicts)
    kept, removed, meta = _split(blocks, verdicts)
    result.body = "\n\n".join(kept)
    result.segments.extend(removed)
    result.published_date = result.published_date or meta.get("published_date")  # type: ignore[assignment]
    result.title = meta.get("title")  # type: ignore[assignment]
    result.author = meta.get("author")  # type: ignore[assignment]
    result.syndicated_from = meta.get("syndicated_from")  # type: ignore[assignment]
    return result


PARAGRAPH_WORDS = 12
DUMP_SHORT_SHARE = 0.45  # ScrapingHub page dumps: 95% have more short lines than this; delivered bodies: 93% fewer


def looks_like_page_dump(blocks: list[str]) -> bool:
    """A page's whole visible text (menus, link lists: many lines of six words or fewer), not an article body."""
    lines = [b for b in blocks if b]
    return bool(lines) and sum(count_words(b) <= 6 for b in lines) / len(lines) >= DUMP_SHORT_SHARE


def filter_blocks(blocks: list[str]) -> tuple[list[str], list[Segment], dict[str, object]]:
    """Context-light filter for text an extractor already chose (the HTML path): rules, sections, captions."""
    verdicts = [match_block(block) if block else None for block in blocks]
    mark_sections(blocks, verdicts)
    mark_captions(blocks, verdicts)
    mark_verbatim_repeats(blocks, verdicts)
    return _split(blocks, verdicts)


def mark_rejected(blocks: list[str], verdicts: list[Verdict | None], keep: list[bool],
                  probabilities: np.ndarray) -> None:
    """Blocks no rule named but the classifier rejects: typed by their look and where they sit."""
    first_kept = next((i for i, k in enumerate(keep) if k), len(blocks))
    last_kept = max((i for i, k in enumerate(keep) if k), default=-1)
    for i, block in enumerate(blocks):
        if verdicts[i] is not None or keep[i] or not block:
            continue
        why = f"line classifier: p(article)={probabilities[i]:.2f}"
        words = len(block.split())
        if words <= 6:
            verdicts[i] = Verdict(kinds.NAVIGATION, f"short page line ({why})")
        elif is_headline_like(block) and (i < first_kept or i > last_kept):
            verdicts[i] = Verdict(kinds.RELATED, f"teaser headline outside the article ({why})")
        elif is_headline_like(block):
            verdicts[i] = Verdict(kinds.RELATED, f"headline-like line inside the article ({why})")
        else:
            verdicts[i] = Verdict(kinds.OTHER, f"page text that does not read like the article ({why})")


_TITLE_REASON = "headline (kept as the article title)"


def mark_title_near_body(blocks: list[str], verdicts: list[Verdict | None], keep: list[bool],
                         reach: int = 12) -> None:
    """In a page dump the headline sits just above the article, below the menus: prefer that one.

    Also picks up the publication date written between the headline and the article.
    """
    first = next((i for i, k in enumerate(keep) if k and verdicts[i] is None), None)
    if first is None:
        return
    current = next((i for i, v in enumerate(verdicts) if v is not None and v.reason == _TITLE_REASON), None)
    if current is not None and first - reach <= current < first:
        candidate = current
    else:
        candidate = next((j for j in range(first - 1, max(-1, first - reach - 1), -1)
                          if _can_be_title(blocks[j], verdicts[j])), None)
    if candidate is not None and candidate != current:
        if current is not None:
            verdicts[current] = Verdict(kinds.NAVIGATION, "page line above the article")
        verdicts[candidate] = Verdict(kinds.DATELINE, _TITLE_REASON, {"title": blocks[candidate]})
    if not any(v is not None and v.meta.get("published_date") for v in verdicts):
        start = candidate if candidate is not None else first
        for j in range(start, min(len(blocks), first + 3)):
            found = parse_date(blocks[j]) if len(blocks[j].split()) <= 15 else None
            if found and (verdicts[j] is not None or not keep[j]):
                verdicts[j] = Verdict(kinds.DATELINE, "date line", {"published_date": found})
                break


def _can_be_title(block: str, verdict: Verdict | None) -> bool:
    from_model = verdict is None or "line classifier" in verdict.reason
    return from_model and is_headline_like(block) and 3 <= len(block.split()) <= 25


MIN_ARTICLE_WORDS = 20


def restore_classifier_rejections(verdicts: list[Verdict | None]) -> None:
    """Almost nothing would be left (a list-like article: a calendar, results): keep what only the classifier
    rejected; what a rule named (promos, bios, notes) stays removed."""
    for i, verdict in enumerate(verdicts):
        if verdict is not None and "line classifier" in verdict.reason:
            verdicts[i] = None


def restore_likeliest(verdicts: list[Verdict | None], probabilities: np.ndarray) -> None:
    """Every block was removed: keep the ones the classifier likes best (an empty article helps nobody)."""
    floor = probabilities.max() * 0.8
    for i, p in enumerate(probabilities):
        if p >= floor and (verdicts[i] is None or verdicts[i].kind not in _NEVER_RESTORED):
            verdicts[i] = None


def _split(blocks: list[str], verdicts: list[Verdict | None]) -> tuple[list[str], list[Segment], dict[str, object]]:
    """Kept blocks, removed segments, and the first value of each metadata field the verdicts carry."""
    kept: list[str] = []
    removed: list[Segment] = []
    meta: dict[str, object] = {}
    for i, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if not block:
            continue
        if verdict is None:
            kept.append(block)
            continue
        removed.append(Segment(i, verdict.kind, block, verdict.reason))
        for key, value in verdict.meta.items():
            if value and key not in meta:
                meta[key] = value
    return kept, removed, meta


def extract_text_body(text: str) -> str:
    """str -> str entry point for the benchmark scorer."""
    return clean_text(text).body
