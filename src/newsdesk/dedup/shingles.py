"""Folded word tokens, hashed word n-gram shingles and winnowed passage fingerprints, vectorised
with numpy.

Tokenising in Python (regex, then one xxhash call per token) costs more than rensa's MinHash itself,
so the tokenizer works on the text's code points as one numpy array: per-code-point lookup tables
give the word class and the folded (lower-case, accent-free) character, token boundaries come from
class changes, and every token's hash is a polynomial hash read off prefix sums. No library does
this on numpy arrays, hence our own. Han, kana and Thai characters are one token each (those scripts
do not separate words with spaces), so character n-grams stand in for word n-grams there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_MULT = np.uint64(
    0x9E3779B97F4A7C15
)  # odd 64-bit constant: polynomial rolling combination of token hashes
_BASE = (
    0x100000001B3  # odd, so invertible modulo 2**64: token hashes from prefix sums of cp * BASE**-k
)
_BASE_INV = pow(_BASE, -1, 2**64)
_BMP = 0x10000
_BREAKS = ".!?\n\u2026\u3002\uff01\uff1f"  # sentence ends and line breaks (ASCII, ellipsis, CJK)
_SINGLE_RANGES = (
    (0x0E00, 0x0EFF),
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
)


@dataclass(frozen=True)
class Tokens:
    starts: np.ndarray  # int64 character offsets in the text (str indices)
    ends: np.ndarray
    hashes: np.ndarray  # uint64 hash of each folded token
    is_number: np.ndarray  # bool: all digits
    is_capital: np.ndarray  # bool: starts with an upper-case letter in the text
    after_break: (
        np.ndarray
    )  # bool: a sentence end (. ! ? …) or a line break lies between it and the token before

    def __len__(self) -> int:
        return len(self.hashes)


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-BMP-code-point tables: folded code point, word char, single-char token, digit,
    upper-case."""
    fold = np.arange(_BMP, dtype=np.uint64)
    word = np.zeros(_BMP, dtype=bool)
    digit = np.zeros(_BMP, dtype=bool)
    upper = np.zeros(_BMP, dtype=bool)
    for cp in range(_BMP):
        ch = chr(cp)
        if not (ch.isalnum() or ch == "_"):
            continue
        word[cp], digit[cp], upper[cp] = True, ch.isdigit(), ch.isupper()
        low = ch.lower()
        base = (
            "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
            or low
        )
        fold[cp] = ord(base[0])
    single = np.zeros(_BMP, dtype=bool)
    for lo, hi in _SINGLE_RANGES:
        single[lo : hi + 1] = word[lo : hi + 1]
    return fold, word, single, digit, upper


@lru_cache(maxsize=8)
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**-k and BASE**k modulo 2**64 for k < n (n rounded up by the caller so the cache stays
    small)."""
    inv = np.full(n, _BASE_INV, dtype=np.uint64)
    inv[0] = 1
    fwd = np.full(n, _BASE, dtype=np.uint64)
    fwd[0] = 1
    return np.cumprod(inv), np.cumprod(fwd)  # uint64 products wrap modulo 2**64, which is the point


def _mix(h: np.ndarray) -> np.ndarray:
    """64-bit finaliser (murmur3 fmix64): spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(33)
    return h


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """One byte per BMP code point: bit 0 word char, 1 single-char token, 2 digit, 3 upper case, 4
    break."""
    _, word_t, single_t, digit_t, upper_t = _tables()
    table = (
        word_t.astype(np.uint8)
        | (single_t.astype(np.uint8) << 1)
        | (digit_t.astype(np.uint8) << 2)
        | (upper_t.astype(np.uint8) << 3)
    )
    table[[ord(c) for c in _BREAKS]] |= 16
    return table


def tokenize(text: str) -> Tokens:
    """Word tokens of `text`: runs of letters/digits/underscore, one token per Han, kana or Thai
    character."""
    fold_t, cls_t = _tables()[0], _class_table()
    if text.isascii():  # most text: one byte per character, 128-entry tables
        cps = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        cls, folded = cls_t[:128][cps], fold_t[:128][cps]
    else:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        bmp = cps < _BMP
        idx = np.where(bmp, cps, 0)
        # astral planes: letters of historic scripts and emoji are word chars; CJK extensions B-G
        # single tokens
        cls = np.where(bmp, cls_t[idx], np.where(cps < 0x30000, 3, 1)).astype(np.uint8)
        folded = np.where(bmp, fold_t[idx], cps.astype(np.uint64))
    n = len(cps)
    if n == 0:
        empty, no = np.zeros(0, dtype=np.int64), np.zeros(0, bool)
        return Tokens(empty, empty, np.zeros(0, np.uint64), no, no, no)
    word, single = (cls & 1).astype(bool), (cls & 2).astype(bool)
    boundary = np.ones(n + 1, dtype=bool)  # boundary[i]: a token cannot continue from i-1 into i
    boundary[1:n] = (word[1:] != word[:-1]) | single[1:] | single[:-1]
    starts = np.flatnonzero(boundary[:n] & word)
    ends = np.flatnonzero(boundary[1:] & word) + 1
    inv, fwd = _powers(1 << max(10, int(n).bit_length()))
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((folded + np.uint64(1)) * inv[:n], dtype=np.uint64, out=prefix[1:])
        hashes = _mix(
            (prefix[ends] - prefix[starts]) * fwd[starts] + (ends - starts).astype(np.uint64)
        )
    digits = np.zeros(n + 1, dtype=np.int64)
    np.cumsum((cls & 4) > 0, out=digits[1:])
    is_number = (digits[ends] - digits[starts]) == (ends - starts)
    breaks = np.zeros(n + 1, dtype=np.int64)
    np.cumsum((cls & 16) > 0, out=breaks[1:])
    after_break = np.ones(len(starts), dtype=bool)
    after_break[1:] = breaks[starts[1:]] > breaks[ends[:-1]]
    return Tokens(starts, ends, hashes, is_number, (cls[starts] & 8) > 0, after_break)


def hash_words(words: list[str]) -> np.ndarray:
    """The token hash of each word (a word that tokenizes into several tokens gets its first one's
    hash)."""
    return np.array([tokenize(w).hashes[0] for w in words if len(tokenize(w))], dtype=np.uint64)


def shingle_hashes(token_hashes: np.ndarray, n: int) -> np.ndarray:
    """Hash of every run of n consecutive tokens, in text order (a text shorter than n is one
    shingle)."""
    k = len(token_hashes)
    if k == 0:
        return np.zeros(0, dtype=np.uint64)
    if k < n:
        n = k
    out = np.zeros(k - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(n):
            out = out * _MULT + token_hashes[i : k - n + 1 + i]
    return _mix(out + np.uint64(n))


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin for a sorted unique right side: one binary search per value instead of sorting both
    sides."""
    if len(sorted_set) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_set, values)
    return sorted_set[np.minimum(pos, len(sorted_set) - 1)] == values


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """Winnowing (Schleimer et al. 2003): the minimum of every window of hashes, deduplicated.

    Any run of `window` consecutive shingles shared by two texts yields at least one shared
    fingerprint. Sliding minimum by doubling (min of two overlapping power-of-two windows): O(n log
    window).
    """
    if len(hashes) == 0:
        return hashes
    if len(hashes) <= window:
        return np.unique(hashes[[int(np.argmin(hashes))]])
    level, span = hashes, 1
    while span * 2 <= window:
        level = np.minimum(level[:-span], level[span:])
        span *= 2
    return np.unique(np.minimum(level[: len(hashes) - window + 1], level[window - span :]))
