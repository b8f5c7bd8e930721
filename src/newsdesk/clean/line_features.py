"""Numeric features of each line of a plain-text dump, for the line classifier.

Each line is described by its own text (length, punctuation, stop words, capitalisation, rule cues), by its
neighbours, and by where it sits relative to the document's densest run of prose: article text comes in
one run of long, punctuated, stop-word-rich lines, boilerplate in runs of short ones.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np

from newsdesk.clean import kinds
from newsdesk.clean.rules import match_block

_WORD = re.compile(r"\w+", re.UNICODE)
_TERMINAL = tuple(".!?…\"”’»)")
_PUNCT = re.compile(r"[.,;:!?]")
_LINKISH = re.compile(r"https?://|www\.|@\w|\.(?:com|org|net|html?)\b|[|»›]|>>|\s/\s")
_TRUNCATED = re.compile(r"(?:\.\.\.|…|\b(?:more|less))\s*$", re.I)
_RULE_KINDS = (kinds.PROMO, kinds.SUBSCRIPTION, kinds.AUTHOR_BIO, kinds.RELATED, kinds.CAPTION, kinds.REPRINT,
               kinds.NAVIGATION, kinds.DATELINE, kinds.COMMENT)
_OWN = ("log_words", "log_chars", "terminal", "colon_end", "stop_density", "punct_density", "comma_density",
        "digit_ratio", "title_case", "all_caps", "lower_start", "linkish", "truncated", "sentences")
_NEIGHBOURS = (-2, -1, 1, 2)
_NEIGHBOUR_OWN = ("log_words", "terminal", "stop_density")
FEATURE_NAMES: tuple[str, ...] = (
    _OWN
    + tuple(f"rule_{k}" for k in _RULE_KINDS)
    + ("repeats", "contained", "position", "word_position", "in_region", "before_region", "after_region",
       "region_share", "prose_window_3", "prose_window_10", "short_run")
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
    words = _WORD.findall(line)
    n = len(words) or 1
    lowered = [w.lower() for w in words]
    stripped = line.rstrip()
    return [
        math.log1p(len(words)),
        math.log1p(len(line)),
        float(stripped.endswith(_TERMINAL)),
        float(stripped.endswith(":")),
        sum(w in stopwords for w in lowered) / n,
        len(_PUNCT.findall(line)) / n,
        line.count(",") / n,
        sum(c.isdigit() for c in line) / max(len(line), 1),
        sum(w[:1].isupper() for w in words) / n,
        sum(w.isupper() and len(w) > 1 for w in words) / n,
        float(line[:1].islower()),
        float(bool(_LINKISH.search(line))),
        float(bool(_TRUNCATED.search(stripped))),
        float(len(re.findall(r"[.!?](?:\s|$)", line))),
    ]


def _rule_features(line: str) -> list[float]:
    verdict = match_block(line)
    kind = verdict.kind if verdict else None
    return [float(kind == k) for k in _RULE_KINDS]


def _is_prose(line_words: int, terminal: bool, stop_density: float) -> bool:
    return line_words >= 12 and terminal and stop_density >= 0.15


def densest_region(weights: list[float]) -> tuple[int, int]:
    """The run of lines with the largest sum of weights (Kadane); (0, -1) when every weight is negative."""
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
    # Prose lines pull the region towards them by their length; every other line pushes it away a little,
    # so a menu of many one-word lines between two halves of an article does not split it, but a long one does.
    return [float(c) if p else -1.5 - 0.3 * c for c, p in zip(counts, prose)]


def extract_features(lines: list[str], stopwords: frozenset[str]) -> np.ndarray:
    """One row of FEATURE_NAMES per line."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    own = [_own_features(line, stopwords) for line in lines]
    counts = [len(_WORD.findall(line)) for line in lines]
    prose = [_is_prose(c, bool(o[2]), o[4]) for c, o in zip(counts, own)]
    start, end = densest_region(_region_weights(counts, prose))
    total_words = sum(counts) or 1
    seen = Counter(" ".join(_WORD.findall(line.lower())) for line in lines)
    long_keys = [(" ".join(_WORD.findall(line.lower()))) for line in lines]
    cumulative = np.cumsum([0] + counts)
    prose_words = np.cumsum([0] + [c if p else 0 for c, p in zip(counts, prose)])
    region_words = prose_words[end + 1] - prose_words[start] if end >= start else 0
    rows = []
    for i, line in enumerate(lines):
        key = long_keys[i]
        contained = float(bool(key) and counts[i] >= 3 and any(
            key in other and key != other for other in long_keys[max(0, i - 8):i + 9]))
        run = 0
        for j in range(i, min(n, i + 6)):
            if counts[j] > 4:
                break
            run += 1
        for j in range(i - 1, max(-1, i - 6), -1):
            if counts[j] > 4:
                break
            run += 1
        row = own[i] + _rule_features(line) + [
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
        for off in _NEIGHBOURS:
            j = i + off
            row += [own[j][0], own[j][2], own[j][4]] if 0 <= j < n else [0.0, 0.0, 0.0]
        rows.append(row)
    return np.asarray(rows, dtype=float)
