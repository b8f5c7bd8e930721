"""Numeric features of each line of a plain-text dump, for the line classifier.

Each line is described by its own text (length, punctuation, stop words, capitalisation, rule cues),
by its neighbours, and by where it sits relative to the document's densest run of prose: article
text comes in one run of long, punctuated, stop-word-rich lines, boilerplate in runs of short ones.
A second pass (`second_pass_features`) adds the first pass's verdicts on each line's neighbours.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np

from newsdesk.clean.rules import RULE_KINDS, match_block
from newsdesk.text import SENTENCE_END, norm_key, words

_PUNCT = re.compile(r"[.,;:!?]")
_LINKISH = re.compile(r"https?://|www\.|@\w|\.(?:com|org|net|html?)\b|[|»›]|>>|\s/\s")
_SENTENCE_STOP = re.compile(r"[.!?](?:\s|$)")
_TRUNCATED = re.compile(r"(?:\.\.\.|…|\b(?:more|less))\s*$", re.I)
_OWN = (
    "log_words",
    "log_chars",
    "terminal",
    "colon_end",
    "stop_density",
    "punct_density",
    "comma_density",
    "digit_ratio",
    "title_case",
    "all_caps",
    "lower_start",
    "linkish",
    "truncated",
    "sentences",
)
_NEIGHBOURS = (-2, -1, 1, 2)
_NEIGHBOUR_OWN = ("log_words", "terminal", "stop_density")
FEATURE_NAMES: tuple[str, ...] = (
    _OWN
    + tuple(f"rule_{k}" for k in RULE_KINDS)  # one per kind of the rule registry (see rules_digest)
    + (
        "repeats",
        "contained",
        "position",
        "word_position",
        "in_region",
        "before_region",
        "after_region",
        "region_share",
        "prose_window_3",
        "prose_window_10",
        "short_run",
    )
    + tuple(f"n{off:+d}_{name}" for off in _NEIGHBOURS for name in _NEIGHBOUR_OWN)
)


@lru_cache(maxsize=16)
def load_stopwords(language: str) -> frozenset[str]:
    """jusText's stop-word list for a language name ("English"); empty when it ships none."""
    import justext  # lazy: only the text path needs it

    try:
        return frozenset(justext.get_stoplist(language))
    except ValueError:
        return frozenset()


def _own_features(line: str, stopwords: frozenset[str]) -> list[float]:
    tokens = words(line)
    n = len(tokens) or 1
    lowered = [w.lower() for w in tokens]
    stripped = line.rstrip()
    return [
        math.log1p(len(tokens)),
        math.log1p(len(line)),
        float(stripped.endswith(SENTENCE_END)),
        float(stripped.endswith(":")),
        sum(map(stopwords.__contains__, lowered)) / n,
        len(_PUNCT.findall(line)) / n,
        line.count(",") / n,
        sum(map(str.isdigit, line)) / max(len(line), 1),
        sum(w[:1].isupper() for w in tokens) / n,
        sum(w.isupper() and len(w) > 1 for w in tokens) / n,
        float(line[:1].islower()),
        float(bool(_LINKISH.search(line))),
        float(bool(_TRUNCATED.search(stripped))),
        float(len(_SENTENCE_STOP.findall(line))),
    ]


def rule_kinds_of(lines: list[str]) -> list[str | None]:
    """The kind the rule registry gives each line on its own (None: no rule fired)."""
    return [v.kind if (v := match_block(line)) else None for line in lines]


def _is_prose(line_words: int, terminal: bool, stop_density: float) -> bool:
    return line_words >= 12 and terminal and stop_density >= 0.15


def densest_region(weights: list[float]) -> tuple[int, int]:
    """The run of lines with the largest sum of weights (Kadane); (0, -1) when every weight is
    negative."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, w in enumerate(weights):
        if total <= 0:
            total, start = 0.0, i
        total += w
        if total > best:
            best, best_span = total, (start, i)
    return best_span


def _region_weights(counts: list[int], prose: list[bool]) -> list[float]:
    # Prose lines pull the region towards them by their length; every other line pushes it away a
    # little, so a menu of many one-word lines between two halves of an article does not split it,
    # but a long one does.
    return [float(c) if p else -1.5 - 0.3 * c for c, p in zip(counts, prose)]


def extract_features(
    lines: list[str], stopwords: frozenset[str], rule_kinds: list[str | None] | None = None
) -> np.ndarray:
    """One row of FEATURE_NAMES per line; `rule_kinds` are the lines' rule verdicts when the caller
    has them already (the text path matches every line once)."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    if rule_kinds is None:
        rule_kinds = rule_kinds_of(lines)
    own = [_own_features(line, stopwords) for line in lines]
    counts = [len(words(line)) for line in lines]
    prose = [_is_prose(c, bool(o[2]), o[4]) for c, o in zip(counts, own)]
    start, end = densest_region(_region_weights(counts, prose))
    total_words = sum(counts) or 1
    long_keys = [norm_key(line) for line in lines]
    seen = Counter(long_keys)
    cumulative = np.cumsum([0] + counts)
    prose_words = np.cumsum([0] + [c if p else 0 for c, p in zip(counts, prose)])
    region_words = prose_words[end + 1] - prose_words[start] if end >= start else 0
    rows = []
    for i, key in enumerate(long_keys):
        contained = float(
            bool(key)
            and counts[i] >= 3
            and any(key in other and key != other for other in long_keys[max(0, i - 8) : i + 9])
        )
        run = 0
        for j in range(i, min(n, i + 6)):
            if counts[j] > 4:
                break
            run += 1
        for j in range(i - 1, max(-1, i - 6), -1):
            if counts[j] > 4:
                break
            run += 1
        row = (
            own[i]
            + [float(rule_kinds[i] == k) for k in RULE_KINDS]
            + [
                float(seen[key] - 1) if key else 0.0,
                contained,
                i / n,
                cumulative[i] / total_words,
                float(start <= i <= end),
                float(i < start) * min((start - i) / 10, 3.0),
                float(i > end) * min((i - end) / 10, 3.0),
                region_words / total_words,
                math.log1p(prose_words[min(n, i + 4)] - prose_words[max(0, i - 3)]),
                math.log1p(prose_words[min(n, i + 11)] - prose_words[max(0, i - 10)]),
                float(min(run, 10)),
            ]
        )
        for off in _NEIGHBOURS:
            j = i + off
            row += [own[j][0], own[j][2], own[j][4]] if 0 <= j < n else [0.0, 0.0, 0.0]
        rows.append(row)
    return np.asarray(rows, dtype=float)


_SECOND_OFFSETS = (-3, -2, -1, 1, 2, 3)
_SECOND_WINDOWS = (2, 5, 10)
SECOND_PASS_NAMES: tuple[str, ...] = (
    ("p",)
    + tuple(f"p{off:+d}" for off in _SECOND_OFFSETS)
    + tuple(f"p_mean_{r}" for r in _SECOND_WINDOWS)
    + ("p_rank", "p_max", "p_kept_share", "p_in_region", "p_before_region", "p_after_region")
    + ("p_kept_distance",)
)


def second_pass_features(features: np.ndarray, first: np.ndarray) -> np.ndarray:
    """FEATURE_NAMES + SECOND_PASS_NAMES per line: the first pass's probabilities of the line, of
    its neighbours and windows around it, and the run of lines the first pass likes best (weighted
    by words), so a paragraph between two kept ones can follow them. Linear in the lines."""
    n = len(first)
    if n == 0:
        return np.zeros((0, features.shape[1] + len(SECOND_PASS_NAMES)))
    reach = max(_SECOND_OFFSETS)
    padded = np.concatenate([np.zeros(reach), first, np.zeros(reach)])
    cols = [first] + [padded[reach + off : reach + off + n] for off in _SECOND_OFFSETS]
    summed = np.concatenate([[0.0], np.cumsum(first)])
    index = np.arange(n)
    for r in _SECOND_WINDOWS:
        lo, hi = np.clip(index - r, 0, n), np.clip(index + r + 1, 0, n)
        cols.append((summed[hi] - summed[lo]) / (hi - lo))
    ranks = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    cols.append(ranks / (n - 1) if n > 1 else np.full(n, 0.5))
    cols.append(np.full(n, first.max()))
    cols.append(np.full(n, float((first >= 0.5).mean())))
    line_words = np.expm1(features[:, FEATURE_NAMES.index("log_words")])
    start, end = densest_region(list((first - 0.5) * (line_words + 1)))
    cols.append(((index >= start) & (index <= end)).astype(float))
    cols.append(np.where(index < start, np.minimum((start - index) / 10, 3.0), 0.0))
    cols.append(np.where(index > end, np.minimum((index - end) / 10, 3.0), 0.0))
    cols.append(_distance_to_kept(first >= 0.5, cap=50))
    return np.column_stack([features] + cols)


def _distance_to_kept(kept: np.ndarray, cap: int) -> np.ndarray:
    """Lines from each line to the nearest kept one (capped; `cap` when none is kept)."""
    n = len(kept)
    index = np.arange(n)
    before = index - np.maximum.accumulate(np.where(kept, index, -cap - 1))
    after = np.minimum.accumulate(np.where(kept, index, n + cap)[::-1])[::-1] - index
    return np.minimum(np.minimum(before, after), cap).astype(float)
