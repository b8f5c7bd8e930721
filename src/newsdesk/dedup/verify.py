"""Verification of one candidate pair on the cleaned bodies: copy, story link, or nothing.

The verdict is a function of the two bodies and of which of *their own* passage fingerprints are
common in the corpus (found in more than `common_fingerprint_docs` articles). Nothing else about the
corpus enters, which is what lets the stage re-verify exactly the articles whose common fingerprints
changed and stay order-independent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from newsdesk.config import DedupConfig
from newsdesk.dedup.features import ArticleFeatures
from newsdesk.dedup.shingles import _mix, member

COPY, STORY = "copy", "story"
_MAX_GAP = 3  # tokens between two shared runs that still make them one passage
_EMPTY = np.zeros(0, dtype=np.uint64)
Runs = list[tuple[int, int]]  # token ranges [start, end)


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
    passages_b: tuple[
        tuple[int, int], ...
    ] = ()  # the same passages as token ranges in doc b (story links)


def boilerplate_grams(
    a: ArticleFeatures, b: ArticleFeatures, common: np.ndarray, window: int
) -> np.ndarray:
    """Which passage grams of `a` are boilerplate: a common fingerprint, or a gram shared with `b`
    within `window - 1` grams of one. Winnowing stores one fingerprint per `window` grams, so a
    common phrase's other grams sit that close to a common fingerprint; a long quote that merely
    touches one loses only that margin."""
    hit = (
        member(a.grams, common)
        if len(common) and len(a.grams)
        else np.zeros(len(a.grams), dtype=bool)
    )
    if not hit.any():
        return hit
    margin = (
        np.convolve(hit.astype(np.int32), np.ones(2 * window - 1, dtype=np.int32), mode="same") > 0
    )
    return hit | (margin & member(a.grams, b.gram_set))


def masked_shingle_set(
    f: ArticleFeatures, boilerplate: np.ndarray, config: DedupConfig
) -> np.ndarray:
    """Unique shingles of `f` after dropping those that lie wholly inside boilerplate grams."""
    hit = np.flatnonzero(boilerplate)
    if len(hit) == 0:
        return f.shingle_set
    depth = np.zeros(f.n_tokens + 1, dtype=np.int32)
    np.add.at(depth, hit, 1)
    np.add.at(depth, np.minimum(hit + config.passage_words, f.n_tokens), -1)
    covered = np.concatenate(([0], np.cumsum(np.cumsum(depth)[:-1] > 0)))
    n = min(config.shingle_words, f.n_tokens)
    starts = np.arange(len(f.shingles))
    inside = (covered[starts + n] - covered[starts]) == n
    return np.unique(f.shingles[~inside])


def shared_runs(
    a: ArticleFeatures, b: ArticleFeatures, config: DedupConfig, common: np.ndarray = _EMPTY
) -> list[tuple[int, int]]:
    """Token ranges of `a` covered by runs of passage-length n-grams that also occur in `b`,
    boilerplate out."""
    if len(a.grams) == 0 or len(b.grams) == 0:
        return []
    hit = member(a.grams, b.gram_set) & ~boilerplate_grams(a, b, common, config.passage_window)
    edges = np.diff(np.concatenate(([0], hit.astype(np.int8), [0])))
    runs: list[tuple[int, int]] = []
    for start, stop in zip(
        np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()
    ):
        end = stop - 1 + config.passage_words
        # A quote interrupted by a word or two ("the", a typo) is one passage, not two.
        if runs and start - runs[-1][1] <= _MAX_GAP:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def verify_pair(
    a: ArticleFeatures, b: ArticleFeatures, config: DedupConfig, common: np.ndarray = _EMPTY
) -> PairVerdict:
    """Decide the relation of two articles from their cleaned bodies.

    copy:  most of the shorter text's shingles are in the longer one (trims, wrappers, appended
           paragraphs and light edits keep this high), counted without boilerplate shingles; the
           texts are close overall or open with the same passage or the shorter is spread over
           most of the longer; and the facts and names the two texts put in the same place agree;
    story: not a copy, but they share verbatim passages of `passage_words`+ words adding up to
           enough words.
    `common` is the sorted unique array of corpus-common fingerprints (only those of a and b are
    used).
    """
    common = _own_common(a, b, common)
    sa = masked_shingle_set(a, boilerplate_grams(a, b, common, config.passage_window), config)
    sb = masked_shingle_set(b, boilerplate_grams(b, a, common, config.passage_window), config)
    full_a, full_b = len(a.shingle_set), len(b.shingle_set)
    if min(len(sa), len(sb)) < config.min_kept_share * min(full_a, full_b):
        # Almost everything is common: the text itself is widely syndicated, not boilerplate.
        # Compare it whole.
        sa, sb = a.shingle_set, b.shingle_set
    inter = int(np.intersect1d(sa, sb, assume_unique=True).size) if len(sa) and len(sb) else 0
    union = len(sa) + len(sb) - inter
    containment = inter / (min(len(sa), len(sb)) or 1)
    jaccard = inter / union if union else 0.0
    runs = shared_runs(a, b, config, common)
    memo: list[Runs] = []

    def runs_b() -> Runs:  # the other direction, computed at most once per pair
        if not memo:
            memo.append(shared_runs(b, a, config, common))
        return memo[0]

    shared_words = sum(end - start for start, end in runs)
    if containment >= config.copy_containment_lead and jaccard >= config.copy_jaccard_floor:
        close = containment >= config.copy_containment and jaccard >= config.copy_jaccard
        if (
            close
            or lead_aligned(runs, runs_b, config)
            or (
                containment >= config.copy_containment
                and spread_over_longer(a, b, runs, runs_b, config)
            )
        ):
            conflict = facts_conflict(a, b)
            if conflict is None:
                return PairVerdict(
                    a.doc_id,
                    b.doc_id,
                    COPY,
                    containment,
                    jaccard,
                    shared_words,
                    tuple(runs),
                    "shorter text contained in the longer",
                )
            reason = f"texts overlap but {conflict} (a different event on the same template)"
        else:
            reason = "one text holds the other only inside much other text, not from its lead"
    else:
        reason = "overlap below copy thresholds"
    if shared_words >= config.story_min_shared_words or (
        len(runs) >= config.story_min_passages and shared_words >= config.story_min_passage_words
    ):
        return PairVerdict(
            a.doc_id,
            b.doc_id,
            STORY,
            containment,
            jaccard,
            shared_words,
            tuple(runs),
            f"{len(runs)} shared passages, {shared_words} words; {reason}",
            tuple(runs_b()),
        )
    return PairVerdict(
        a.doc_id, b.doc_id, None, containment, jaccard, shared_words, tuple(runs), reason
    )


def lead_aligned(runs_a: Runs, runs_b: Callable[[], Runs], config: DedupConfig) -> bool:
    """Both texts open with the same passage (after at most `lead_slack_words` of wrapper, date line
    or title): what a reprint looks like, trimmed or extended, unlike a text pasted somewhere into a
    longer one."""

    def opens(runs: Runs) -> bool:
        return any(
            start <= config.lead_slack_words and end - start >= config.lead_min_words
            for start, end in runs
        )

    return opens(runs_a) and opens(runs_b())


def spread_over_longer(
    a: ArticleFeatures,
    b: ArticleFeatures,
    runs_a: Runs,
    runs_b: Callable[[], Runs],
    config: DedupConfig,
) -> bool:
    """The shared passages stretch over most of the longer text, in several pieces: an abridged copy
    (some paragraphs dropped), unlike one block pasted or quoted into a different, longer text."""
    longer = a if a.n_tokens >= b.n_tokens else b
    runs = runs_a if longer is a else runs_b()
    if len(runs) < 2 or longer.n_tokens == 0:
        return False
    return (runs[-1][1] - runs[0][0]) / longer.n_tokens >= config.abridged_span


def facts_conflict(a: ArticleFeatures, b: ArticleFeatures) -> str | None:
    """Why the two texts describe different events, or None.

    A number, calendar word or capitalised name is compared only where both texts have the same two
    words just before it ("rose 3%" vs "rose 5%", "arrested John" vs "arrested Jane"): then one text
    cannot be a copy of the other if most such aligned values differ. Values without an aligned
    context (a trimmed ending, a date line, an appended paragraph) say nothing either way.
    """
    for kind, ka, kb in (
        ("numbers/dates", a.fact_slots, b.fact_slots),
        ("names", a.name_slots, b.name_slots),
    ):
        agree, disagree = _slot_agreement(ka, kb)
        if disagree >= 2 and disagree > agree:
            return f"{disagree} of {agree + disagree} aligned {kind} differ"
    return None


def _slot_agreement(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
) -> tuple[int, int]:
    """(contexts where the texts share a value, contexts where they share none) over contexts in
    both."""
    (ctx_a, val_a), (ctx_b, val_b) = a, b
    both = np.intersect1d(ctx_a, ctx_b)
    if len(both) == 0:
        return 0, 0
    with np.errstate(over="ignore"):
        pair_a, pair_b = _mix(ctx_a * np.uint64(31) + val_a), _mix(ctx_b * np.uint64(31) + val_b)
    agreeing = np.unique(ctx_a[member(pair_a, np.unique(pair_b))])
    return len(agreeing), len(both) - len(agreeing)


def _own_common(a: ArticleFeatures, b: ArticleFeatures, common: np.ndarray) -> np.ndarray:
    if len(common) == 0:
        return _EMPTY
    own = np.union1d(a.fingerprints, b.fingerprints)
    return own[member(own, common)]
