"""Verification of one candidate pair on the cleaned bodies: copy, story link, or nothing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsdesk.config import DedupConfig
from newsdesk.dedup.features import ArticleFeatures

COPY, STORY = "copy", "story"
_MAX_GAP = 3  # tokens between two shared runs that still make them one passage


@dataclass(frozen=True)
class PairVerdict:
    doc_id_a: str
    doc_id_b: str
    relation: str | None  # copy | story | None
    containment: float
    jaccard: float
    shared_words: int
    passages: tuple[tuple[int, int], ...]  # token ranges in doc a
    reason: str


def shared_runs(a: ArticleFeatures, b: ArticleFeatures, passage_words: int,
                common: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """Token ranges of `a` covered by runs of passage-length n-grams that also occur in `b`."""
    if len(a.grams) == 0 or len(b.grams) == 0:
        return []
    hit = np.isin(a.grams, b.grams)
    if common:
        hit &= ~np.isin(a.grams, np.fromiter(common, dtype=np.uint64))
    runs: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate(hit.tolist() + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            end = i - 1 + passage_words
            # A quote interrupted by a word or two ("the", a typo) is one passage, not two.
            if runs and start - runs[-1][1] <= _MAX_GAP:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
            start = None
    return runs


def verify_pair(a: ArticleFeatures, b: ArticleFeatures, config: DedupConfig,
                common: frozenset[int] = frozenset()) -> PairVerdict:
    """Decide the relation of two articles from their cleaned bodies.

    copy:  most of the shorter text's shingles are in the longer one (trims, wrappers, appended paragraphs,
           light edits keep this high) and the numbers of the shorter text are not contradicted;
    story: not a copy, but they share verbatim passages of `passage_words`+ words adding up to enough words.
    """
    sa, sb = a.shingles, b.shingles
    inter = int(np.intersect1d(sa, sb, assume_unique=True).size) if len(sa) and len(sb) else 0
    union = len(sa) + len(sb) - inter
    smaller = min(len(sa), len(sb)) or 1
    containment = inter / smaller
    jaccard = inter / union if union else 0.0
    runs = shared_runs(a, b, config.passage_words, common)
    shared_words = sum(end - start for start, end in runs)
    if containment >= config.copy_containment and jaccard >= config.copy_jaccard_floor:
        if _numbers_conflict(a, b):
            reason = "texts overlap but their numbers disagree (a different event on a template)"
        else:
            return PairVerdict(a.doc_id, b.doc_id, COPY, containment, jaccard, shared_words, tuple(runs),
                               "shorter text contained in the longer")
    else:
        reason = "overlap below copy thresholds"
    if shared_words >= config.story_min_shared_words or (
        len(runs) >= config.story_min_passages and shared_words >= config.story_min_passage_words
    ):
        return PairVerdict(a.doc_id, b.doc_id, STORY, containment, jaccard, shared_words, tuple(runs),
                           f"{len(runs)} shared passages, {shared_words} words; {reason}")
    return PairVerdict(a.doc_id, b.doc_id, None, containment, jaccard, shared_words, tuple(runs), reason)


def _numbers_conflict(a: ArticleFeatures, b: ArticleFeatures) -> bool:
    """Most numbers of the shorter text missing from the longer one: the same template, different facts."""
    short, long_ = (a, b) if a.n_tokens <= b.n_tokens else (b, a)
    if len(short.numbers) < 3:
        return False
    return len(short.numbers & long_.numbers) / len(short.numbers) < 0.5
