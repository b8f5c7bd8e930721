"""Scores: article to article, and article to thread.

An article joins a thread on a blend of its similarity to the thread's core (the centroid of its
members) and to its closest member. The core term is the guard against chaining: a market wrap or a
roundup that names many events is close to one member of each thread but to no thread's core, so it
glues nothing.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.threads.features import Article
from newsdesk.threads.params import ThreadParams

Vector = dict[int, float]


@dataclass(frozen=True)
class Idf:
    """Inverse document frequencies from the corpus as it stands (the batch included)."""

    df: Mapping[int, int]
    n_docs: int

    def __call__(self, k: int) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(k, 0) + 1)) + 1.0


def normalise(weights: Mapping[int, float], idf: Idf) -> Vector:
    v = {k: w * idf(k) for k, w in weights.items() if w > 0}
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {k: x / norm for k, x in v.items()} if norm else {}


def cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    total = 0.0
    for k in a.keys() & b.keys():  # the intersection is built in C: few keys are shared
        total += a[k] * b[k]
    return total


def centroid(vectors: Iterable[Vector]) -> Vector:
    total: dict[int, float] = {}
    for v in vectors:
        for k, x in v.items():
            total[k] = total.get(k, 0.0) + x
    norm = math.sqrt(sum(x * x for x in total.values()))
    return {k: x / norm for k, x in total.items()} if norm else {}


def decay(a: Article, b: Article, params: ThreadParams) -> float:
    """1 within full_hours, then halving every half_life_hours; a fixed discount when either time is
    only the ingestion time (an undated article is judged on its content, with less confidence)."""
    if not (a.dated and b.dated):
        return params.undated_factor
    hours = abs((a.published - b.published).total_seconds()) / 3600.0
    if hours <= params.full_hours:
        return 1.0
    return float(0.5 ** ((hours - params.full_hours) / params.half_life_hours))


@dataclass
class Scored:
    """An article with its idf-weighted vectors."""

    article: Article
    text: Vector
    ents: Vector

    @staticmethod
    def of(article: Article, idf: Idf) -> Scored:
        return Scored(article, normalise(article.terms, idf), normalise(article.entities, idf))


def content(a: Vector, b: Vector, ea: Vector, eb: Vector, params: ThreadParams) -> float:
    """Text and entity cosines blended (`blend`)."""
    return blend(cosine(a, b), cosine(ea, eb) if ea and eb else None, params)


def blend(text: float, ents: float | None, params: ThreadParams) -> float:
    """A text and an entity similarity in one; without entities on either side (None), an article
    is judged on its words alone."""
    if ents is None:
        return text
    return params.text_weight * text + params.entity_weight * ents


Posting = dict[int, list[tuple[int, float]]]  # key -> (member index, weight)
EPOCH = datetime(1970, 1, 1)


def seconds(a: Article) -> float:
    return (a.published - EPOCH).total_seconds()


@dataclass
class Members:
    """A thread's latest members in time order, ready to score an article against. An article
    shares a key with few of them, so their text and entity keys are inverted: summing over the
    shared postings gives every member's cosine at the cost of the article's keys, not of the
    members; and their times are sorted, so the nearest member and the weekly slots are bisections.
    """

    items: list[Scored]
    times: list[float]
    dated_times: list[float]
    text: Posting
    ents: Posting
    text_max: Vector  # key -> its largest weight in any member: bounds a member's dot product
    ents_max: Vector
    index_of: dict[str, int]  # doc_id -> member index
    at_place: dict[int, list[int]]

    @staticmethod
    def of(members: list[Scored]) -> Members:
        text: Posting = {}
        ents: Posting = {}
        at_place: dict[int, list[int]] = {}
        for i, m in enumerate(members):
            for k, x in m.text.items():
                text.setdefault(k, []).append((i, x))
            for k, x in m.ents.items():
                ents.setdefault(k, []).append((i, x))
            if m.article.place is not None:
                at_place.setdefault(m.article.place, []).append(i)
        return Members(
            members,
            [seconds(m.article) for m in members],
            sorted(seconds(m.article) for m in members if m.article.dated),
            text,
            ents,
            {k: max(x for _, x in p) for k, p in text.items()},
            {k: max(x for _, x in p) for k, p in ents.items()},
            {m.article.doc_id: i for i, m in enumerate(members)},
            at_place,
        )

    def nearest(self, t: float) -> Scored:
        """The member closest in time (ties: the first in time order), as min() over the list."""
        i = bisect.bisect_left(self.times, t)
        if i == len(self.times) or (i > 0 and t - self.times[i - 1] <= self.times[i] - t):
            i = bisect.bisect_left(self.times, self.times[i - 1])
        return self.items[i]


def dots(vector: Vector, posting: Posting) -> dict[int, float]:
    """Member index -> dot product with `vector`, for the members sharing a key with it."""
    out: dict[int, float] = {}
    get = out.get
    for k in vector.keys() & posting.keys():
        x = vector[k]
        for i, y in posting[k]:
            out[i] = get(i, 0.0) + x * y
    return out


Pairs = dict[int, tuple[float, float]]  # key -> (its weight in the core, its largest in a member)


def pair_cosines(vector: Vector, pairs: Pairs) -> tuple[float, float]:
    """The vector's cosine with the core and its dot with the largest member weights, in one pass
    over the shared keys (the same keys, summed in the same order, as two `cosine` calls)."""
    core = top = 0.0
    for k in vector.keys() & pairs.keys():
        x = vector[k]
        c, m = pairs[k]
        core += x * c
        top += x * m
    return core, top


def member_bound(
    text: float, ents: float, item: Scored, recent: Members, linked: bool, params: ThreadParams
) -> float:
    """At least what best_member returns: each shared key counted at its largest member weight
    (`text` and `ents`: a sum over the article's keys, not over every member's postings), every
    bonus that any member could earn, and no time decay (at most 1)."""
    s = max(text, params.text_weight * text + params.entity_weight * ents)
    if linked:
        s += params.story_link_bonus
    if item.article.place is not None and item.article.place in recent.at_place:
        s += params.place_bonus
    return s


@dataclass
class ThreadState:
    """A thread during one batch: its id, its members (scored), and, computed lazily, its latest
    members ready to score against and its centroid."""

    thread_id: str
    members: list[Scored] = field(default_factory=list)
    _core: tuple[Vector, Vector] | None = None
    _recent: Members | None = None
    _pairs: tuple[Pairs, Pairs] | None = None

    def add(self, member: Scored) -> None:
        self.members.append(member)
        self._core = self._recent = self._pairs = None

    def core(self, params: ThreadParams) -> tuple[Vector, Vector]:
        if self._core is None:
            recent = self.recent(params).items
            self._core = (
                centroid(m.text for m in recent),
                centroid(m.ents for m in recent if m.ents),
            )
        return self._core

    def pairs(self, params: ThreadParams) -> tuple[Pairs, Pairs]:
        """Text and entity keys with their core and largest member weights (the core holds the
        same keys as the members, in the same order)."""
        if self._pairs is None:
            text, ents = self.core(params)
            recent = self.recent(params)
            self._pairs = (
                {k: (x, recent.text_max[k]) for k, x in text.items()},
                {k: (x, recent.ents_max[k]) for k, x in ents.items()},
            )
        return self._pairs

    def recent(self, params: ThreadParams) -> Members:
        if self._recent is None:
            ordered = sorted(self.members, key=lambda m: (m.article.published, m.article.doc_id))
            self._recent = Members.of(ordered[-params.max_members :])
        return self._recent


def best_member(item: Scored, recent: Members, linked: set[int], params: ThreadParams) -> float:
    """The best similarity of the article to one member: content, plus the link and place
    bonuses, time-decayed. Only members sharing a key, a link or the place can score above 0."""
    text, ents = dots(item.text, recent.text), dots(item.ents, recent.ents)
    place = item.article.place
    near = text.keys() | ents.keys() | linked
    if place is not None:
        near |= set(recent.at_place.get(place, ()))
    best = 0.0
    for i in near:
        m = recent.items[i]
        s = text.get(i, 0.0)
        if item.ents and m.ents:
            s = params.text_weight * s + params.entity_weight * ents.get(i, 0.0)
        if i in linked:
            s += params.story_link_bonus
        if place is not None and place == m.article.place:
            s += params.place_bonus
        best = max(best, s * decay(item.article, m.article, params))
    return best


# Rounding slack of a bound: the bound adds its terms in another order than the score it bounds.
_SLACK = 1e-9


def thread_score(
    item: Scored, thread: ThreadState, links: set[str], params: ThreadParams, floor: float = 0.0
) -> float | None:
    """How well the article fits the thread: core similarity (time-decayed to the nearest member)
    blended with its best single member. None when the score is surely below `floor`: the members
    are then not scored one by one (most candidates of an article share a key or two with it)."""
    recent = thread.recent(params)
    if not recent.items:
        return 0.0 if floor <= 0.0 else None
    linked = {recent.index_of[d] for d in links if d in recent.index_of}
    text_pairs, ents_pairs = thread.pairs(params)
    text, text_top = pair_cosines(item.text, text_pairs)
    ents, ents_top = pair_cosines(item.ents, ents_pairs)
    similar = blend(text, ents if item.ents and ents_pairs else None, params)
    t = seconds(item.article)
    core = similar * decay(item.article, recent.nearest(t).article, params)
    if linked:
        core += params.story_link_bonus
    core_part = params.core_share * core
    rest = 1 - params.core_share
    bounded = floor > 0.0 and params.periodic_factor <= 1.0  # a factor above 1 could lift it
    if bounded and core_part + rest * member_bound(
        text_top, ents_top, item, recent, bool(linked), params
    ) < (floor - _SLACK):
        return None
    score = core_part + rest * best_member(item, recent, linked, params)
    return score * params.periodic_factor if periodic(item, recent, params) else score


def periodic(item: Scored, recent: Members, params: ThreadParams) -> bool:
    """The article comes days after the thread went quiet, in the same weekly slot as a member (the
    same weekday and hour one to four weeks on): the next release of a periodic report, not a
    follow-up."""
    times = recent.dated_times
    if not item.article.dated or not times:
        return False
    t, hour = seconds(item.article), 3600.0

    def within(lo: float, hi: float) -> bool:
        return bisect.bisect_left(times, lo) < bisect.bisect_right(times, hi)

    gap = params.periodic_gap_hours * hour
    if bisect.bisect_right(times, t - gap) < bisect.bisect_left(times, t + gap):
        return False  # a member within the gap: the thread is not quiet
    slot = params.periodic_slot_hours * hour
    return any(
        within(t + sign * 168.0 * k * hour - slot, t + sign * 168.0 * k * hour + slot)
        for k in (1, 2, 3, 4)
        for sign in (1, -1)
    )


def threads_similar(a: ThreadState, b: ThreadState, params: ThreadParams) -> float:
    ta, ea = a.core(params)
    tb, eb = b.core(params)
    return content(ta, tb, ea, eb, params)
