"""Per-article dedup features: MinHash signature, LSH band keys, passage fingerprints, verification sets."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import rensa
import xxhash

from newsdesk.config import DedupConfig
from newsdesk.dedup.shingles import hash_tokens, shingle_hashes, token_spans, tokenize, winnow

_NUMBER = re.compile(r"^\d[\d.,]*$")


@dataclass
class ArticleFeatures:
    doc_id: str
    shingles: np.ndarray  # unique word n-gram hashes (n = config.shingle_words)
    grams: np.ndarray  # passage-length word n-gram hashes, in text order (for shared-passage runs)
    fingerprints: np.ndarray  # winnowed `grams`: what the passage index stores
    numbers: frozenset[str]
    n_tokens: int


def compute_features(doc_id: str, body: str, config: DedupConfig) -> ArticleFeatures:
    tokens = tokenize(body)
    hashes = hash_tokens(tokens)
    grams = shingle_hashes(hashes, config.passage_words) if len(tokens) >= config.passage_words else np.zeros(0, np.uint64)
    return ArticleFeatures(
        doc_id=doc_id,
        shingles=np.unique(shingle_hashes(hashes, config.shingle_words)),
        grams=grams,
        fingerprints=winnow(grams, config.passage_window),
        numbers=frozenset(t for t in tokens if _NUMBER.match(t)),
        n_tokens=len(tokens),
    )


def compute_signatures(features: list[ArticleFeatures], config: DedupConfig) -> np.ndarray:
    """MinHash signatures (rows x num_perm, uint32) of the shingle sets, with rensa in one call."""
    if not features:
        return np.zeros((0, config.num_perm), dtype=np.uint32)
    flat = np.concatenate([f.shingles for f in features]) if features else np.zeros(0, np.uint64)
    offsets = np.zeros(len(features) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum([len(f.shingles) for f in features])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, config.num_perm, config.seed)
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(features), config.num_perm)


def band_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One 64-bit key per LSH band: documents that agree on every value of a band share its key."""
    rows = len(signature) // bands
    return [xxhash.xxh3_64_intdigest(band.tobytes() + bytes([b])) for b, band in
            enumerate(signature[: rows * bands].reshape(bands, rows))]


def passage_text(body: str, start_token: int, end_token: int) -> str:
    """The original characters of tokens [start_token, end_token) of `body`."""
    spans = token_spans(body)
    if not spans:
        return ""
    end_token = min(end_token, len(spans))
    return body[spans[start_token][0]: spans[end_token - 1][1]]
