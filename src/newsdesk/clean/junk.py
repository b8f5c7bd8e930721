"""Junk: text no article holds, taken out before any other step so no later step ever sees it.

Rules of dots, dashes or pipes, runs of one character, character noise (giant tokens, random
capitals), link farms (hundreds of lines alike but for a number) and whitespace padding. Every test
here is one pass of a compiled regex or a counter over the block, so cleaning stays linear in the
input whatever its shape; the later steps (rules, context, classifier) then only see tidy blocks.
Written by us: no kept library names these shapes, and the scorers' tokenisers (`\\w+`) ignore what
`tidy_block` shortens.
"""

from __future__ import annotations

import re
from collections import Counter

from newsdesk.clean import kinds
from newsdesk.records import Segment
from newsdesk.text import norm_key

# Horizontal whitespace of any length becomes one space: padding is layout, never text, and regexes
# that start with `\s*` turn a 200,000-space run into quadratic work.
_PADDING = re.compile(r"[^\S\n]{2,}")
# The same non-word character 10+ times ("..........", "----------") is a divider drawn with text.
# `_` is a word character to `\w`, but a line of underscores is a rule like a line of dashes.
_CHAR_RUN = re.compile(r"([^\w\s]|_)\1{9,}")
# A letter or digit: a line without one is junk (or blank) whatever else it holds.
WORD_CHAR = re.compile(r"[^\W_]")
_NOT_WORDCHAR = re.compile(r"[\W_]+")
_GIANT_TOKEN = re.compile(r"[A-Za-z0-9]{46,}")  # no word of a Latin-script language is this long
_CAPS = re.compile(r"[A-Z]")
_CAPS_VOWELS = re.compile(r"[AEIOU]")
_LOWER = re.compile(r"[a-z]")
_DIGITS = re.compile(r"\d+")

MIN_WORD_SHARE = (
    0.3  # a block whose visible characters are mostly not letters or digits is a divider
)
DIVIDER_MIN_CHARS = 40  # ... when it is this long (a masked name "An** Fe*******" is text)
GIANT_SHARE = 0.5  # ... or one mostly made of 46+-character tokens (base64, hashes, key mashing)
CAPS_VOWEL_SHARE = (
    0.25  # capitals in English, German or Polish text are a third vowels; random ones a fifth
)
CAPS_MIN_LETTERS = 40
FARM_MIN_LINES = 20  # a short line repeated this often (numbers aside) is a link farm or filler
FARM_MAX_WORDS = 8
REPEAT_MIN_WORDS = 100  # a long block that says a handful of words over and over
REPEAT_DISTINCT_SHARE = 0.05
KEPT_CHARS = (
    1000  # a junk segment keeps this much of its text (a 500,000-dot line is not worth storing)
)


def tidy_block(block: str) -> str:
    """Padding collapsed to one space and drawn dividers inside a block cut to three characters."""
    if _PADDING.search(block):
        block = _PADDING.sub(" ", block)
    if _CHAR_RUN.search(block):
        block = _CHAR_RUN.sub(lambda m: m.group(1) * 3, block)
    return block.strip()


def junk_reason(block: str) -> str | None:
    """Why one (tidy) block is junk, or None when it may be text."""
    visible = len(block) - block.count(" ")
    if visible == 0:
        return None
    if len(block) < min(DIVIDER_MIN_CHARS, CAPS_MIN_LETTERS):
        # Too short for a rule, a giant token or capital noise (most lines of a page): only "no word
        # at all"
        return (
            None if WORD_CHAR.search(block) else "punctuation or symbols only (a divider or rule)"
        )
    word_chars = len(_NOT_WORDCHAR.sub("", block))  # one C pass, no list of characters
    if word_chars == 0 or (visible >= DIVIDER_MIN_CHARS and word_chars / visible < MIN_WORD_SHARE):
        return "punctuation or symbols only (a divider or rule)"
    giant = sum(len(m) for m in _GIANT_TOKEN.findall(block))
    if giant and giant / word_chars >= GIANT_SHARE:
        return "character noise (tokens of 46+ characters)"
    if _LOWER.search(block):  # prose: found at once, and no capital noise
        return None
    capitals = len(_CAPS.findall(block))
    if capitals >= CAPS_MIN_LETTERS:
        if len(_CAPS_VOWELS.findall(block)) / capitals < CAPS_VOWEL_SHARE:
            return "character noise (random capitals)"
    return None


def _repeats_itself(key: str) -> bool:
    tokens = _DIGITS.sub("#", key).split()
    return (
        len(tokens) >= REPEAT_MIN_WORDS and len(set(tokens)) / len(tokens) < REPEAT_DISTINCT_SHARE
    )


def _look(block: str) -> tuple[str | None, str | None]:
    """(junk reason, link-farm template) of one block on its own."""
    reason = junk_reason(block)
    if reason is not None:
        return reason, None
    if len(block) < 2 * REPEAT_MIN_WORDS - 1:  # too short to hold REPEAT_MIN_WORDS words
        key = norm_key(block)
        template = _DIGITS.sub("#", key)
        # A template needs a word that is not a number: a column of numbers is a table, not a farm.
        return None, (
            template if key.count(" ") < FARM_MAX_WORDS and template.strip("# ") else None
        )
    if _repeats_itself(norm_key(block)):
        return "a handful of words repeated over and over (a link farm or filler)", None
    return None, None


def find_junk(blocks: list[str]) -> dict[int, str]:
    """Junk blocks of one document by index, with the reason; link farms are found across blocks."""
    found: dict[int, str] = {}
    templates: dict[int, str] = {}
    seen: dict[
        str, tuple[str | None, str | None]
    ] = {}  # junk repeats: each distinct block is looked at once
    for i, block in enumerate(blocks):
        look = seen.get(block)
        if look is None:
            look = seen[block] = _look(block)
        if look[0] is not None:
            found[i] = look[0]
        elif look[1] is not None:
            templates[i] = look[1]
    # A short line with numbers repeated often anywhere is a farm ("Link number 17"); without
    # numbers only a run of identical lines is (the same interview question before each answer is
    # text).
    counts = Counter(t for t in templates.values() if "#" in t)
    for i, template in templates.items():
        if "#" in template and counts[template] >= FARM_MIN_LINES:
            found[i] = f"link farm: {counts[template]} short lines alike but for their numbers"
    run: list[int] = []
    for i in [*sorted(templates), -2]:
        if run and (i != run[-1] + 1 or templates.get(i) != templates[run[0]]):
            if len(run) >= FARM_MIN_LINES:
                found.update(
                    (j, f"filler: the same short line {len(run)} times in a row") for j in run
                )
            run = []
        if i >= 0:
            run.append(i)
    return found


def junk_segments(blocks: list[str], junk: dict[int, str]) -> list[Segment]:
    """One segment per run of neighbouring junk blocks with the same reason (a 500,000-line farm is
    one row), its text cut to KEPT_CHARS."""
    segments: list[Segment] = []
    run: list[int] = []
    for i in sorted(junk):
        if run and (i != run[-1] + 1 or junk[i] != junk[run[0]]):
            segments.append(_segment(blocks, run, junk[run[0]]))
            run = []
        run.append(i)
    if run:
        segments.append(_segment(blocks, run, junk[run[0]]))
    return segments


def _segment(blocks: list[str], run: list[int], reason: str) -> Segment:
    parts: list[str] = []
    size = 0
    for i in run:
        if size > KEPT_CHARS:
            break
        parts.append(blocks[i][: KEPT_CHARS + 1])
        size += len(parts[-1]) + 1
    total = sum(len(blocks[i]) + 1 for i in run) - 1
    if len(run) > 1:
        reason = f"{reason} ({len(run):,} lines)"
    return junk_segment(run[0], "\n".join(parts), reason, total)


def junk_segment(position: int, text: str, reason: str, total: int | None = None) -> Segment:
    total = len(text) if total is None else total
    if total > KEPT_CHARS:
        text = f"{text[:KEPT_CHARS]} [... {total:,} characters in all]"
    return Segment(position, kinds.NOISE, text, reason)


PLACEHOLDER_CHARS = 200


def split_junk(blocks: list[str]) -> tuple[list[str], list[int], set[int], list[Segment]]:
    """The document's tidy blocks with each run of junk blocks replaced by one placeholder (its
    first block, cut to PLACEHOLDER_CHARS), each block's index in `blocks`, the placeholders'
    indices, and the junk as segments. The placeholders keep the classifier's view of a page's
    layout (a junk line still sits between two others) while no run of junk costs more than one
    short line."""
    tidy = [tidy_block(b) for b in blocks]
    junk = find_junk(tidy)
    out: list[str] = []
    positions: list[int] = []
    placeholders: set[int] = set()
    in_run = False
    for i, block in enumerate(tidy):
        if not block:
            continue
        if i in junk:
            if in_run:
                continue
            in_run = True
            placeholders.add(len(out))
            block = block[:PLACEHOLDER_CHARS]
        else:
            in_run = False
        out.append(block)
        positions.append(i)
    return out, positions, placeholders, junk_segments(blocks, junk)


def drop_junk(blocks: list[str]) -> tuple[list[str], list[Segment]]:
    """Tidy blocks without the junk (no placeholders: for readings with no classifier after them),
    and the junk as segments, one per run."""
    tidy = [tidy_block(b) for b in blocks]
    junk = find_junk(tidy)
    return [b for i, b in enumerate(tidy) if b and i not in junk], junk_segments(blocks, junk)
