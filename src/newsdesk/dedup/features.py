"""Per-article dedup features: shingles, passage grams and fingerprints, guard sets, MinHash and LSH
band keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import rensa
import xxhash

from newsdesk.config import DedupConfig
from newsdesk.dedup.shingles import (
    Tokens,
    _mix,
    hash_words,
    member,
    shingle_hashes,
    tokenize,
    winnow,
)

# Calendar words count as facts next to numbers: "on Monday" vs "on Tuesday" is a different event.
_CALENDAR = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday"
).split()


@dataclass
class ArticleFeatures:
    doc_id: str
    shingles: (
        np.ndarray
    )  # word n-gram hash at every token position (n = config.shingle_words), text order
    grams: (
        np.ndarray
    )  # passage-length word n-gram hash at every position (n = config.passage_words)
    fingerprints: np.ndarray  # winnowed `grams`, unique: what the passage index stores
    fact_slots: tuple[
        np.ndarray, np.ndarray
    ]  # (context, value) of number and calendar words in a sentence
    name_slots: tuple[
        np.ndarray, np.ndarray
    ]  # (context, value) of other capitalised words, not sentence-initial
    n_tokens: int

    @cached_property
    def shingle_set(self) -> np.ndarray:
        return np.unique(self.shingles)

    @cached_property
    def gram_set(self) -> np.ndarray:
        return np.unique(self.grams)


@lru_cache(maxsize=1)
def _calendar_hashes() -> np.ndarray:
    return np.unique(hash_words(_CALENDAR))


def compute_features(doc_id: str, body: str, config: DedupConfig) -> ArticleFeatures:
    tokens = tokenize(body)
    hashes = tokens.hashes
    grams = (
        shingle_hashes(hashes, config.passage_words)
        if len(hashes) >= config.passage_words
        else np.zeros(0, np.uint64)
    )
    is_fact = tokens.is_number | member(hashes, _calendar_hashes())
    # a slot's context must be in its own sentence: across a break (a swapped paragraph, a
    # sentence-initial capital) the words before say nothing about the value
    in_sentence = ~tokens.after_break & np.concatenate(([False], ~tokens.after_break[:-1]))
    with np.errstate(over="ignore"):  # the context of token i: a hash of tokens i-2 and i-1
        context = (
            _mix(hashes[:-2] * np.uint64(0x9E3779B97F4A7C15) + hashes[1:-1])
            if len(hashes) >= 3
            else hashes[:0]
        )
    return ArticleFeatures(
        doc_id=doc_id,
        shingles=shingle_hashes(hashes, config.shingle_words),
        grams=grams,
        fingerprints=winnow(grams, config.passage_window),
        fact_slots=_slots(hashes, context, is_fact & in_sentence),
        name_slots=_slots(hashes, context, tokens.is_capital & ~is_fact & in_sentence),
        n_tokens=len(hashes),
    )


def _slots(
    hashes: np.ndarray, context: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(context, value) for the tokens in `mask` (the first two tokens have no context)."""
    keep = mask[2:]
    return context[keep], hashes[2:][keep]


def compute_signatures(features: list[ArticleFeatures], config: DedupConfig) -> np.ndarray:
    """MinHash signatures (rows x num_perm, uint32) of the shingle sets, with rensa in one call."""
    if not features:
        return np.zeros((0, config.num_perm), dtype=np.uint32)
    sets = [f.shingle_set for f in features]
    flat = np.concatenate(sets)
    offsets = np.zeros(len(sets) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        flat, offsets, config.num_perm, config.seed
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(features), config.num_perm)


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """(rows x bands) uint64 keys: two documents share key j when they agree on every value of band
    j.

    The band number is mixed in, so equal values in different bands never collide.
    """
    n, perm = signatures.shape
    rows = perm // bands
    values = signatures[:, : rows * bands].reshape(n, bands, rows).astype(np.uint64)
    key = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), (n, bands)).copy()
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = _mix(key * np.uint64(0x9E3779B97F4A7C15) + values[:, :, r])
    return key


def doc_key(doc_id: str) -> int:
    """A 64-bit integer standing for doc_id in the index tables (joins on integers, a third of the
    bytes)."""
    return xxhash.xxh3_64_intdigest(doc_id.encode("utf-8"))


def char_spans(tokens: Tokens, token_ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character offsets [start, stop) in the tokenized body of token ranges [start_token,
    end_token) (the caller tokenizes each body once: one body is in many pairs)."""
    n = len(tokens)
    return [
        (int(tokens.starts[s]), int(tokens.ends[min(e, n) - 1])) for s, e in token_ranges if s < n
    ]
