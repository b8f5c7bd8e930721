"""Plain-text dumps: split into blocks, classify each with its context, keep the article blocks.

Two opinions per block: the typed rules (`rules`, `context`) name what a block is and why, the
trained line classifier (`text_classifier`) says whether it reads like article text. A rule verdict
wins (it carries the kind); a block no rule names is removed when the classifier rejects it. Written
by us because no kept library classifies plain-text lines (jusText and trafilatura need HTML
structure).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from newsdesk.clean import kinds
from newsdesk.clean.context import (
    TITLE_REASON,
    is_headline_like,
    mark_captions,
    mark_headlines_in_body,
    mark_repeats,
    mark_sections,
    mark_title,
    split_verdicts,
)
from newsdesk.clean.dates import parse_date
from newsdesk.clean.junk import split_junk
from newsdesk.clean.line_model import LineModel
from newsdesk.clean.result import Extraction
from newsdesk.clean.rules import DATE_STAMP, Verdict, match_block
from newsdesk.clean.text_classifier import classify_lines, dump_language
from newsdesk.records import Segment
from newsdesk.text import count_tokens, count_words, split_blocks

_NEVER_RESTORED = (kinds.PROMO, kinds.SUBSCRIPTION, kinds.REPRINT, kinds.NOISE)
__all__ = ["TextConfig", "clean_text", "extract_text_body", "is_headline_like", "split_blocks"]


@dataclass(frozen=True)
class TextConfig:
    """The parts around the line classifier; benchmarks/extraction.py switches them one at a
    time."""

    rules: bool = (
        True  # a rule verdict overrules the classifier (features use the rules either way)
    )
    sections: bool = True  # blocks under a "Related"/"About the author" heading go with it
    title: bool = True  # the headline line is found and leaves the body
    repeats: bool = True  # a paragraph repeated (nearly) verbatim later in the text
    # Captions next to a photo credit, headline-like lines between paragraphs, a standfirst repeated
    # inside a later paragraph: the seeds (delivered bodies) need them; on page dumps they made both
    # benchmark sets worse, leave-one-set-out (benchmarks/extraction.py --ablations), so there they
    # are off.
    body_markers: bool = True
    dump_markers: bool = False
    body_paragraphs: bool = (
        True  # in a delivered body (not a page dump) the classifier may not drop paragraphs
    )
    restore: bool = True  # an article left (almost) empty gets its likeliest lines back


DEFAULT_TEXT = TextConfig()


@dataclass(frozen=True)
class ClassifierVerdict(Verdict):
    """A block only the line classifier rejected (no rule named it): restorable, maybe the title."""


def clean_text(
    text: str,
    title_hint: str | None = None,
    model: LineModel | None = None,
    config: TextConfig = DEFAULT_TEXT,
) -> Extraction:
    """Remove boilerplate from a plain-text article dump; every removed block becomes a Segment.

    `model` replaces the shipped line classifier (leave-one-set-out scoring trains one per held-out
    set)."""
    blocks, positions, placeholders, junk = split_junk(split_blocks(text))
    result = Extraction(body="")
    if blocks and (stamp := DATE_STAMP.match(blocks[0])):
        result.published_date = date.fromisoformat(stamp.group("date"))
        result.segments.append(
            Segment(0, kinds.DATELINE, stamp.group(0).strip(), "leading date stamp")
        )
        blocks[0] = blocks[0][stamp.end() :].strip()
    ruled = [match_block(block) if block else None for block in blocks]
    verdicts: list[Verdict | None] = list(ruled) if config.rules else [None] * len(blocks)
    for i in placeholders:  # the junk's segments are made apart (one per run, text cut)
        verdicts[i] = Verdict(kinds.NOISE, "junk")
    page_dump = looks_like_page_dump(blocks)
    _mark_context(blocks, verdicts, title_hint, config, page_dump)
    text_blocks = [b for i, b in enumerate(blocks) if i not in placeholders]
    result.language = dump_language(text_blocks) if text_blocks else None
    keep, probabilities = classify_lines(
        blocks, model, result.language, [v.kind if v is not None else None for v in ruled]
    )
    if config.body_paragraphs and not page_dump:
        # An article body as delivered (a JSONL `text`, a clean .txt): the classifier, trained on
        # page dumps, may drop short lines but not whole paragraphs, which there are almost always
        # article text.
        keep = [k or count_words(b) >= PARAGRAPH_WORDS for k, b in zip(keep, blocks)]
    mark_rejected(blocks, verdicts, keep, probabilities)
    if title_hint is None and config.title:
        mark_title_near_body(blocks, verdicts, keep)
    if config.restore and blocks and all(v is not None for v in verdicts):
        restore_likeliest(verdicts, probabilities)
    elif (
        config.restore
        and count_words(" ".join(b for b, v in zip(blocks, verdicts) if v is None))
        < MIN_ARTICLE_WORDS
    ):
        restore_classifier_rejections(verdicts)
    kept, removed, meta = split_verdicts(blocks, verdicts)
    result.body = "\n\n".join(kept)
    result.segments.extend(removed)
    # Positions count the input's blocks, the junk among them.
    result.segments = sorted(
        junk
        + [
            replace(s, position=positions[s.position])
            for s in result.segments
            if s.kind != kinds.NOISE
        ],
        key=lambda s: s.position,
    )
    found = meta.get("published_date")
    result.published_date = result.published_date or (found if isinstance(found, date) else None)
    result.title, result.author, result.syndicated_from = (
        _text(meta, key) for key in ("title", "author", "syndicated_from")
    )
    return result


def _mark_context(
    blocks: list[str],
    verdicts: list[Verdict | None],
    title_hint: str | None,
    config: TextConfig,
    page_dump: bool,
) -> None:
    if config.sections:
        mark_sections(blocks, verdicts)
    if config.title:
        mark_title(blocks, verdicts, title_hint)
    markers = config.dump_markers if page_dump else config.body_markers
    if markers:
        mark_captions(blocks, verdicts)
        mark_headlines_in_body(blocks, verdicts)
    if config.repeats:
        mark_repeats(blocks, verdicts, standfirst=markers)


def _text(meta: dict[str, object], key: str) -> str | None:
    value = meta.get(key)
    return value if isinstance(value, str) and value else None


PARAGRAPH_WORDS = 12
DUMP_SHORT_SHARE = (
    0.45  # ScrapingHub page dumps: 95% have more short lines than this; delivered bodies: 93% fewer
)


def looks_like_page_dump(blocks: list[str]) -> bool:
    """A page's whole visible text (menus, link lists: many lines of six words or fewer), not an
    article body."""
    lines = [b for b in blocks if b]
    return bool(lines) and sum(count_words(b) <= 6 for b in lines) / len(lines) >= DUMP_SHORT_SHARE


def mark_rejected(
    blocks: list[str], verdicts: list[Verdict | None], keep: list[bool], probabilities: np.ndarray
) -> None:
    """Blocks no rule named but the classifier rejects: typed by their look and where they sit."""
    first_kept = next((i for i, k in enumerate(keep) if k), len(blocks))
    last_kept = max((i for i, k in enumerate(keep) if k), default=-1)
    for i, block in enumerate(blocks):
        if verdicts[i] is not None or keep[i] or not block:
            continue
        why = f"line classifier: p(article)={probabilities[i]:.2f}"
        words = count_tokens(block)
        if words <= 6:
            verdicts[i] = ClassifierVerdict(kinds.NAVIGATION, f"short page line ({why})")
        elif is_headline_like(block) and (i < first_kept or i > last_kept):
            verdicts[i] = ClassifierVerdict(
                kinds.RELATED, f"teaser headline outside the article ({why})"
            )
        elif is_headline_like(block):
            verdicts[i] = ClassifierVerdict(
                kinds.RELATED, f"headline-like line inside the article ({why})"
            )
        else:
            verdicts[i] = ClassifierVerdict(
                kinds.OTHER, f"page text that does not read like the article ({why})"
            )


def mark_title_near_body(
    blocks: list[str], verdicts: list[Verdict | None], keep: list[bool], reach: int = 12
) -> None:
    """In a page dump the headline sits just above the article, below the menus: prefer that one.

    Also picks up the publication date written between the headline and the article.
    """
    first = next((i for i, k in enumerate(keep) if k and verdicts[i] is None), None)
    if first is None:
        return
    current = next(
        (i for i, v in enumerate(verdicts) if v is not None and v.reason == TITLE_REASON), None
    )
    candidate: int | None
    if current is not None and first - reach <= current < first:
        candidate = current
    else:
        candidate = next(
            (
                j
                for j in range(first - 1, max(-1, first - reach - 1), -1)
                if _can_be_title(blocks[j], verdicts[j])
            ),
            None,
        )
    if candidate is not None and candidate != current:
        if current is not None:
            verdicts[current] = Verdict(kinds.NAVIGATION, "page line above the article")
        verdicts[candidate] = Verdict(kinds.HEADLINE, TITLE_REASON, {"title": blocks[candidate]})
    if not any(v is not None and v.meta.get("published_date") for v in verdicts):
        start = candidate if candidate is not None else first
        for j in range(start, min(len(blocks), first + 3)):
            found = parse_date(blocks[j]) if count_tokens(blocks[j]) <= 15 else None
            if found and (verdicts[j] is not None or not keep[j]):
                verdicts[j] = Verdict(kinds.DATELINE, "date line", {"published_date": found})
                break


def _can_be_title(block: str, verdict: Verdict | None) -> bool:
    from_model = verdict is None or isinstance(verdict, ClassifierVerdict)
    return from_model and is_headline_like(block) and 3 <= count_tokens(block) <= 25


MIN_ARTICLE_WORDS = 20


def restore_classifier_rejections(verdicts: list[Verdict | None]) -> None:
    """Almost nothing would be left (a list-like article: a calendar, results): keep what only the
    classifier rejected; what a rule named (promos, bios, notes) stays removed."""
    for i, verdict in enumerate(verdicts):
        if isinstance(verdict, ClassifierVerdict):
            verdicts[i] = None


def restore_likeliest(verdicts: list[Verdict | None], probabilities: np.ndarray) -> None:
    """Every block was removed: keep the ones the classifier likes best (an empty article helps
    nobody)."""
    floor = probabilities.max() * 0.8
    for i, p in enumerate(probabilities):
        verdict = verdicts[i]
        if p >= floor and (verdict is None or verdict.kind not in _NEVER_RESTORED):
            verdicts[i] = None


def extract_text_body(text: str) -> str:
    """str -> str entry point for the benchmark scorer."""
    return clean_text(text).body
