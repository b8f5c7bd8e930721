"""A second opinion from readability-lxml where trafilatura may have cut the article short.

trafilatura is the more precise of the two, readability the one that more often keeps every part of an
article split over several containers. Readability only runs when the page shows long prose paragraphs
that trafilatura left out (a cheap check on text we have anyway), and only its prose paragraphs are taken,
and only when the two extractors agree on where the article is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_PROSE_END = tuple(".!?\"”’)")


@dataclass(frozen=True)
class MergeConfig:
    missing_share: float = 0.25  # prose words outside trafilatura's text, relative to its length, to ask readability
    min_prose_words: int = 30  # a paragraph this long ending like a sentence is prose
    min_agreement: float = 0.7  # share of trafilatura's shingles readability must also hold
    short_body_words: int = 50  # below this trafilatura's text is too thin to trust alone


def norm_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def is_prose(block: str, min_words: int) -> bool:
    return len(_WORD.findall(block)) >= min_words and block.rstrip().endswith(_PROSE_END)


def needs_second_opinion(blocks: list[str], page_blocks: list[str], config: MergeConfig) -> bool:
    """True when the page holds much prose that the extracted blocks do not."""
    body = norm_key(" ".join(blocks))
    body_words = len(body.split())
    if body_words < config.short_body_words:
        return True
    missing = sum(len(_WORD.findall(b)) for b in page_blocks
                  if is_prose(b, config.min_prose_words) and norm_key(b) not in body)
    return missing > config.missing_share * body_words


def readability_blocks(html: str, to_blocks) -> list[str]:  # type: ignore[no-untyped-def]
    """Readability's article as text blocks (`to_blocks` turns an HTML fragment into blocks)."""
    from readability import Document  # lazy: most pages never need it

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability raises bare Exceptions on unparseable pages
        return []
    return to_blocks(summary)


def shingle_cover(part: str, whole: str, n: int = 4) -> float:
    """Share of `part`'s word n-grams that `whole` also holds."""
    a, b = _WORD.findall(part.lower()), _WORD.findall(whole.lower())
    grams_a = Counter(tuple(a[i:i + n]) for i in range(max(1, len(a) - n + 1)))
    grams_b = Counter(tuple(b[i:i + n]) for i in range(max(1, len(b) - n + 1)))
    total = sum(grams_a.values())
    return sum(min(c, grams_b[g]) for g, c in grams_a.items()) / total if total else 0.0


def merge_blocks(blocks: list[str], other: list[str], config: MergeConfig) -> tuple[list[str], int]:
    """trafilatura's blocks plus readability's prose paragraphs it lacks, in readability's order.

    Returns the merged blocks and how many were added. With no text of its own, trafilatura's
    result is replaced by readability's.
    """
    if not other:
        return blocks, 0
    if not blocks:
        return list(other), len(other)
    body = norm_key(" ".join(blocks))
    if shingle_cover(" ".join(blocks), " ".join(other)) < config.min_agreement:
        return blocks, 0
    keys = [norm_key(b) for b in blocks]
    inserts: dict[int, list[str]] = {}
    anchor = -1
    added = 0
    for paragraph in other:
        key = norm_key(paragraph)
        if not key:
            continue
        if key in body:
            anchor = next((i for i, k in enumerate(keys) if key in k or k in key), anchor)
        elif is_prose(paragraph, config.min_prose_words):
            inserts.setdefault(anchor, []).append(paragraph)
            added += 1
    merged = list(inserts.get(-1, []))
    for i, block in enumerate(blocks):
        merged.append(block)
        merged.extend(inserts.get(i, []))
    return merged, added
