"""Context rules for blocks: a block's verdict from its neighbours, its position and the title.

Each marker fills in verdicts left empty by `newsdesk.clean.rules.match_block`; every one carries a
reason. `split_verdicts` turns the verdicts into the kept blocks, the removed segments and the
metadata they carry.
"""

from __future__ import annotations

import re

from newsdesk.clean import kinds
from newsdesk.clean.rules import Verdict, is_bio_sentence
from newsdesk.records import Segment
from newsdesk.text import SENTENCE_END, count_tokens, norm_key, words

# A line ending like a sentence, or in a colon or semicolon (it introduces what follows), is not a
# headline.
_TERMINAL = SENTENCE_END + (":", ";", "]")
TITLE_REASON = "headline (kept as the article title)"
# "(UPDATED)", "[VIDEO]"; matched on the stripped end only (a leading \s* made long padding
# quadratic)
_TRAILING_TAG = re.compile(r"[(\[][A-Z ]{2,20}[)\]]$")


def is_headline_like(block: str) -> bool:
    """Short and without sentence-final punctuation: a headline, subhead, caption or link text."""
    n_words = count_tokens(block)
    if not 0 < n_words <= 20:
        return False
    end = block.rstrip()
    if tag := _TRAILING_TAG.search(end[-24:]):
        end = end[: len(end) - 24 + tag.start()] if len(end) > 24 else end[: tag.start()]
    return not end.rstrip().endswith(_TERMINAL)


def mark_sections(blocks: list[str], verdicts: list[Verdict | None]) -> None:
    """Blocks under an "About X" or "Check Also" heading belong to it while they look like its
    content."""
    i = 0
    while i < len(blocks):
        verdict = verdicts[i]
        if verdict is None or not verdict.opens_section:
            i += 1
            continue
        j = i + 1
        while j < len(blocks) and verdicts[j] is None:
            block = blocks[j]
            if verdict.kind == kinds.AUTHOR_BIO and _looks_like_bio(block, j - i, j, len(blocks)):
                verdicts[j] = Verdict(kinds.AUTHOR_BIO, "author bio under an author heading")
            elif verdict.kind == kinds.RELATED and _looks_like_teaser(block, j, len(blocks)):
                verdicts[j] = Verdict(kinds.RELATED, "teaser under a related-links heading")
            else:
                break
            j += 1
        i = j


def _looks_like_bio(block: str, distance: int, index: int, n_blocks: int) -> bool:
    # The paragraph right under "About X" is the bio; later ones only if they read like one.
    short = count_tokens(block) <= 100
    return short and (distance == 1 or is_bio_sentence(block) or index >= n_blocks - 2)


def _looks_like_teaser(block: str, index: int, n_blocks: int) -> bool:
    stripped = block.rstrip()
    return (
        is_headline_like(block)
        or stripped.endswith(("…", "...", "[…]"))
        or (index >= n_blocks - 3 and count_tokens(block) <= 40)
    )


def mark_title(blocks: list[str], verdicts: list[Verdict | None], title_hint: str | None) -> None:
    """The first unclassified block is the title when it reads like one and the article goes on
    after it."""
    for i, block in enumerate(blocks):
        if not block or verdicts[i] is not None:
            continue
        hint_match = title_hint is not None and norm_key(block) == norm_key(title_hint)
        rest = sum(1 for b, v in zip(blocks[i + 1 :], verdicts[i + 1 :]) if b and v is None)
        if hint_match or (is_headline_like(block) and count_tokens(block) >= 3 and rest >= 2):
            verdicts[i] = Verdict(kinds.HEADLINE, TITLE_REASON, {"title": block})
        return


def mark_captions(blocks: list[str], verdicts: list[Verdict | None]) -> None:
    """A headline-like block next to a photo credit is its caption."""
    for i, verdict in enumerate(verdicts):
        if verdict is None or verdict.kind != kinds.CAPTION:
            continue
        for j in (i - 1, i + 1):
            if (
                0 <= j < len(blocks)
                and verdicts[j] is None
                and blocks[j]
                and is_headline_like(blocks[j])
            ):
                verdicts[j] = Verdict(kinds.CAPTION, "caption next to a photo credit")


def mark_headlines_in_body(blocks: list[str], verdicts: list[Verdict | None]) -> None:
    """Link text or a foreign headline dropped between paragraphs; short subheads (<= 5 words) are
    kept."""
    body_seen = False
    for i, block in enumerate(blocks):
        if not block or verdicts[i] is not None:
            continue
        if not body_seen:
            body_seen = not is_headline_like(block) or count_tokens(block) > 5
            continue
        if (
            is_headline_like(block)
            and (count_tokens(block) >= 6 or block[:1].islower())
            and not is_wrapped_line(blocks, i)
        ):
            verdicts[i] = Verdict(kinds.RELATED, "headline-like line inside the body")


def is_wrapped_line(blocks: list[str], i: int) -> bool:
    """Part of a paragraph hard-wrapped over several lines: it runs on into, or on from, its
    neighbour."""
    before = blocks[i - 1].rstrip() if i > 0 else ""
    after = blocks[i + 1] if i + 1 < len(blocks) else ""
    runs_on = not blocks[i].rstrip().endswith(_TERMINAL) and after[:1].islower()
    runs_from = before and not before.endswith(_TERMINAL) and blocks[i][:1].islower()
    return bool(runs_on or runs_from)


def mark_repeats(
    blocks: list[str], verdicts: list[Verdict | None], standfirst: bool = True
) -> None:
    """A block repeated (nearly) verbatim later goes as the later copy; with `standfirst`, an early
    block repeated inside a later paragraph goes too (in a delivered body that is the standfirst; in
    a page dump the early copy is as often the one the article holds, so the text path asks for it
    only on bodies)."""
    kept = [i for i, b in enumerate(blocks) if b and verdicts[i] is None]
    shingles = {i: _shingles(blocks[i]) for i in kept}
    # Only blocks sharing a shingle can be copies: look those up instead of comparing every pair
    # (a page of many paragraphs made this quadratic pass a tenth of the text path's time).
    holders: dict[tuple[str, ...], list[int]] = {}
    for i in kept:
        for shingle in shingles[i]:
            holders.setdefault(shingle, []).append(i)
    for i in kept:
        own = shingles[i]
        if not own:
            continue
        later = sorted({j for shingle in own for j in holders[shingle] if j > i})
        for j in later:
            if verdicts[j] is not None:
                continue
            other = shingles[j]
            overlap = len(own & other) / len(own)
            if standfirst and overlap >= 0.6 and (len(own) <= len(other)):
                verdicts[i] = Verdict(
                    kinds.DUPLICATE, "standfirst or paragraph repeated later in the body"
                )
                break
            if other and len(own & other) / len(other) >= 0.9:
                verdicts[j] = Verdict(
                    kinds.DUPLICATE, "paragraph repeated from earlier in the body"
                )


def _shingles(block: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = words(block.lower())
    if len(tokens) < 6:
        return set()
    return {tuple(tokens[k : k + n]) for k in range(len(tokens) - n + 1)}


def mark_verbatim_repeats(
    blocks: list[str], verdicts: list[Verdict | None], min_words: int = 12
) -> None:
    """A paragraph repeated word for word (pages that hold hidden copies of the article).

    Short lines may repeat on purpose (the same step in each day of a meal plan) and are left alone.
    """
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        key = norm_key(block)
        if count_tokens(key) < min_words or verdicts[i] is not None:
            continue
        if key in seen:
            verdicts[i] = Verdict(kinds.DUPLICATE, "block repeated verbatim earlier in the text")
        seen.add(key)


def split_verdicts(
    blocks: list[str], verdicts: list[Verdict | None]
) -> tuple[list[str], list[Segment], dict[str, object]]:
    """Kept blocks, removed segments, and the first value of each metadata field the verdicts
    carry."""
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
