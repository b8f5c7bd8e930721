"""Thresholds and weights of the threading rules, in one place (tuned on the wire gold set; the
changes since were each kept only if neutral or better on both wire and business)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThreadParams:
    window_days: float = (
        16.0  # an article is compared only with thread members published this close to it
    )
    lead_words: int = 60  # words of the body read after the title at full weight
    body_words: int = 300  # words of the body read in all (the store hands over 2,000 characters)
    # weight of a body word after the lead: a follow-up retells the event below its own lead, in the
    # first report's words (0.3 split more business follow-ups and gained nothing on wire)
    body_weight: float = 0.5
    title_weight: float = 2.0  # a title word counts as this many body words
    max_terms: int = 40  # strongest terms kept per article (the candidate index and the vectors)
    min_salience: float = (
        0.08  # entities below it (named once, in the last tenth of the body) are dropped
    )
    text_weight: float = 0.7  # share of the text cosine in an article-to-article similarity
    entity_weight: float = 0.3  # share of the entity cosine
    story_link_bonus: float = 0.25  # the two articles share verbatim passages (story_links)
    place_bonus: float = 0.05  # same dateline place
    undated_factor: float = 0.6  # time discount when either article has only its ingestion time
    full_hours: float = 72.0  # no time penalty within this many hours (a follow-up 2-3 days on)
    half_life_hours: float = 480.0  # beyond it, the similarity halves every this many hours
    # a thread with no member this close is checked for a weekly slot (with a member 4-5 days back
    # it is a live story, whose next article may fall in a weekly slot by chance; 96 cut such
    # follow-ups on business):
    periodic_gap_hours: float = 120.0
    periodic_slot_hours: float = (
        4.0  # a member 1-4 weeks earlier to within this many hours means a periodic
    )
    periodic_factor: float = (
        0.0  # release (weekly data, a survey), one thread per release: the score is cut
    )
    core_share: float = (
        0.6  # thread score = core_share * centroid similarity + rest * best member similarity
    )
    attach: float = 0.25  # thread score needed to join a thread
    roundup_share: float = 0.8  # an article scoring this share of its best on an unlike thread too
    # joins neither (a roundup or a wrap naming several stories; above 1: never)
    merge: float = (
        0.25  # two threads a bridging article joins merge only if their centroids are this similar
    )
    max_members: int = (
        60  # members of a thread scored (the latest ones): a huge thread costs no more
    )
    rare_entity_share: float = 0.05  # keys in more than this share of the corpus make no candidates
    max_candidates: int = 30  # threads scored per article: those sharing most rare keys with it


DEFAULT = ThreadParams()
