"""Scores: article to article, and article to thread.

An article joins a thread on a blend of its similarity to the thread's core (the centroid of its
members) and to its closest member. The core term is the guard against chaining: a market wrap or a
roundup that names many events is close to one member of each thread but to no thread's core, so it
glues nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


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
    """Text and entity cosines blended; an article without entities is judged on its words alone."""
    text = cosine(a, b)
    if not ea or not eb:
        return text
    return params.text_weight * text + params.entity_weight * cosine(ea, eb)


def pair(a: Scored, b: Scored, linked: bool, params: ThreadParams) -> float:
    s = content(a.text, b.text, a.ents, b.ents, params)
    if linked:
        s += params.story_link_bonus
    if a.article.place is not None and a.article.place == b.article.place:
        s += params.place_bonus
    return s * decay(a.article, b.article, params)


@dataclass
class ThreadState:
    """A thread during one batch: its id, its latest members (scored), and its centroid (computed
    lazily)."""

    thread_id: str
    members: list[Scored] = field(default_factory=list)
    _core: tuple[Vector, Vector] | None = None

    def add(self, member: Scored) -> None:
        self.members.append(member)
        self._core = None

    def core(self, params: ThreadParams) -> tuple[Vector, Vector]:
        if self._core is None:
            recent = self.recent(params)
            self._core = (
                centroid(m.text for m in recent),
                centroid(m.ents for m in recent if m.ents),
            )
        return self._core

    def recent(self, params: ThreadParams) -> list[Scored]:
        ordered = sorted(self.members, key=lambda m: (m.article.published, m.article.doc_id))
        return ordered[-params.max_members :]


def thread_score(item: Scored, thread: ThreadState, links: set[str], params: ThreadParams) -> float:
    """How well the article fits the thread: core similarity (time-decayed to the nearest member)
    blended with its best single member."""
    members = thread.recent(params)
    if not members:
        return 0.0
    best = max(pair(item, m, m.article.doc_id in links, params) for m in members)
    text, ents = thread.core(params)
    nearest = min(
        members, key=lambda m: abs((m.article.published - item.article.published).total_seconds())
    )
    core = content(item.text, text, item.ents, ents, params) * decay(
        item.article, nearest.article, params
    )
    if any(m.article.doc_id in links for m in members):
        core += params.story_link_bonus
    score = params.core_share * core + (1 - params.core_share) * best
    return score * params.periodic_factor if periodic(item, members, params) else score


def periodic(item: Scored, members: list[Scored], params: ThreadParams) -> bool:
    """The article comes days after the thread went quiet, in the same weekly slot as a member (the
    same weekday and hour one to four weeks on): the next release of a periodic report, not a
    follow-up."""
    if not item.article.dated:
        return False
    hours = [
        abs((m.article.published - item.article.published).total_seconds()) / 3600.0
        for m in members
        if m.article.dated
    ]
    if not hours or min(hours) < params.periodic_gap_hours:
        return False
    return any(
        abs(h - 168.0 * k) <= params.periodic_slot_hours for h in hours for k in (1, 2, 3, 4)
    )


def threads_similar(a: ThreadState, b: ThreadState, params: ThreadParams) -> float:
    ta, ea = a.core(params)
    tb, eb = b.core(params)
    return content(ta, tb, ea, eb, params)
