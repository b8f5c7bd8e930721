"""Word tokens, hashed word n-gram shingles and winnowed passage fingerprints, vectorised with numpy."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

_TOKEN = re.compile(r"\w+", re.UNICODE)
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: polynomial rolling combination of token hashes


def fold_token(token: str) -> str:
    """Lower-case and strip accents, so light copy-edits and encodings do not change a token."""
    if token.isascii():
        return token.lower()
    return "".join(ch for ch in unicodedata.normalize("NFKD", token.lower()) if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Folded word tokens, one per `token_spans` entry."""
    return [fold_token(m.group()) for m in _TOKEN.finditer(text)]


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans in `text` of the tokens `tokenize` returns (same count, same order)."""
    return [m.span() for m in _TOKEN.finditer(text)]


def hash_tokens(tokens: list[str]) -> np.ndarray:
    return np.fromiter((xxhash.xxh3_64_intdigest(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(token_hashes: np.ndarray, n: int) -> np.ndarray:
    """Hash of every run of n consecutive tokens (a text shorter than n is one shingle)."""
    k = len(token_hashes)
    if k == 0:
        return np.zeros(0, dtype=np.uint64)
    if k < n:
        n = k
    out = np.zeros(k - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(n):
            out = out * _MULT + token_hashes[i:k - n + 1 + i]
        # final avalanche so shingle hashes are well mixed for MinHash and band keys
        out ^= out >> np.uint64(33)
        out *= np.uint64(0xFF51AFD7ED558CCD)
        out ^= out >> np.uint64(33)
    return out


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """Winnowing (Schleimer et al. 2003): the minimum of every window of hashes, deduplicated.

    Any run of `window` consecutive shingles shared by two texts yields at least one shared fingerprint.
    """
    if len(hashes) == 0:
        return hashes
    if len(hashes) <= window:
        return np.unique(hashes[[int(np.argmin(hashes))]])
    windows = np.lib.stride_tricks.sliding_window_view(hashes, window)
    return np.unique(windows.min(axis=1))
