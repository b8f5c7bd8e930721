"""Attach one batch's articles to threads: the incremental step, as plain Python over what the store
loaded.

Articles are taken in publication order (ties: doc_id). A copy joins the thread of its canonical.
Any other article joins the best-scoring candidate thread if the score clears `attach`, else opens a
thread named after it, as it does when it fits a thread unlike the best almost as well (a roundup:
`roundup_share`); when it clears `attach` for several threads whose cores are also alike
(`merge`), those threads merge into the oldest, and the merge is returned to be recorded. Thread ids
therefore never change: a merged thread's id survives in the merge record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.threads.candidates import KeyIndex
from newsdesk.threads.features import Article
from newsdesk.threads.model import Idf, Scored, ThreadState, thread_score, threads_similar
from newsdesk.threads.params import ThreadParams


@dataclass
class Unit:
    """An article of the batch with its syndicated copies (same copy cluster), threaded as one."""

    article: Article
    copies: list[str] = field(default_factory=list)
    threaded: set[str] = field(default_factory=set)  # threads a copy of it already belongs to
    links: set[str] = field(
        default_factory=set
    )  # articles it shares wire passages with (story_links)


@dataclass(frozen=True)
class Merge:
    kept: str
    merged: str
    doc_id: str
    reason: str  # bridge (an article close to both cores) or copy (a copy cluster now spans both)


@dataclass
class Outcome:
    assigned: dict[str, str] = field(
        default_factory=dict
    )  # doc_id -> thread_id, the batch's articles
    opened: list[str] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)


class Threader:
    """The threads one batch can touch (loaded candidates, plus those it opens), with a key index
    over them."""

    def __init__(
        self,
        threads: dict[str, ThreadState],
        first_seen: dict[str, datetime],
        idf: Idf,
        params: ThreadParams,
        owner_of: dict[str, str],
    ) -> None:
        self.threads, self.first_seen, self.idf, self.params = threads, first_seen, idf, params
        self.owner_of = (
            owner_of  # doc_id -> thread_id of every loaded member (story-link partners included)
        )
        self.redirect: dict[str, str] = {}
        self.index = KeyIndex()  # hook (t-scale): candidate lookup in threads/candidates.py
        for tid, state in threads.items():
            for m in state.members:
                self._index(m, tid)

    def _index(self, item: Scored, tid: str) -> None:
        self.index.add((*item.text, *item.ents), tid)

    def resolve(self, tid: str) -> str:
        while tid in self.redirect:
            tid = self.redirect[tid]
        return tid

    def candidates(self, item: Scored, links: set[str]) -> set[str]:
        """Threads holding a story-link partner, and the max_candidates threads sharing most rare
        keys with it (a key in more than rare_entity_share of the corpus finds none: scoring every
        thread that says "government" would cost more than it finds)."""
        found = {self.resolve(self.owner_of[d]) for d in links if d in self.owner_of}
        limit = max(5, self.params.rare_entity_share * self.idf.n_docs)
        rare = [k for k in (*item.text, *item.ents) if self.idf.df.get(k, 0) <= limit]
        return found | set(self.index.top(rare, self.params.max_candidates))

    def merge(self, tids: list[str], doc_id: str, reason: str, out: Outcome) -> str:
        kept = min(tids, key=lambda t: (self.first_seen[t], t))
        for tid in tids:
            if tid == kept:
                continue
            for m in self.threads.pop(tid).members:
                self.threads[kept].add(m)
            self.index.move(tid, kept)
            self.first_seen[kept] = min(self.first_seen[kept], self.first_seen.pop(tid))
            self.redirect[tid] = kept
            out.merges.append(Merge(kept, tid, doc_id, reason))
        return kept

    def roundup(self, scores: list[tuple[float, str]], fits: list[str]) -> bool:
        """The article fits another thread, unlike the best, almost as well as the best: a roundup
        or a wrap naming several stories, which belongs to none of them."""
        best = self.threads[fits[0]]
        floor = self.params.roundup_share * scores[0][0]
        return any(
            s >= floor and threads_similar(best, self.threads[t], self.params) < self.params.merge
            for s, t in scores[1:]
        )

    def place(self, unit: Unit, new_id: Callable[[Article], str], out: Outcome) -> str:
        item = Scored.of(unit.article, self.idf)
        # A candidate scoring below both attach and the roundup floor (a share of a best that clears
        # attach) changes nothing below, so thread_score may skip it.
        floor = min(self.params.attach, self.params.roundup_share * self.params.attach)
        threaded = sorted({self.resolve(t) for t in unit.threaded})
        if threaded:
            target = (
                self.merge(threaded, unit.article.doc_id, "copy", out)
                if len(threaded) > 1
                else threaded[0]
            )
        else:
            scores = sorted(
                (
                    (s, t)
                    for t in self.candidates(item, unit.links)
                    if (s := thread_score(item, self.threads[t], unit.links, self.params, floor))
                    is not None
                ),
                key=lambda st: (-st[0], st[1]),
            )
            fits = [t for s, t in scores if s >= self.params.attach]
            if fits and self.roundup(scores, fits):
                fits = []
            if fits:
                best = self.threads[fits[0]]
                alike = [
                    t
                    for t in fits[1:]
                    if threads_similar(best, self.threads[t], self.params) >= self.params.merge
                ]
                target = (
                    self.merge([fits[0], *alike], unit.article.doc_id, "bridge", out)
                    if alike
                    else fits[0]
                )
            else:
                target = new_id(unit.article)
                self.threads[target] = ThreadState(target)
                self.first_seen[target] = unit.article.published
                out.opened.append(target)
        self.threads[target].add(item)
        self._index(item, target)
        self.first_seen[target] = min(self.first_seen[target], unit.article.published)
        for doc_id in (unit.article.doc_id, *unit.copies):
            out.assigned[doc_id] = target
            self.owner_of[doc_id] = target
        return target


def assign(
    units: list[Unit],
    threads: dict[str, ThreadState],
    first_seen: dict[str, datetime],
    idf: Idf,
    params: ThreadParams,
    new_id: Callable[[Article], str],
    owner_of: dict[str, str] | None = None,
) -> Outcome:
    """Thread the batch's units against the loaded candidate threads; the result names final thread
    ids (after any merge made later in the same batch)."""
    threader = Threader(threads, first_seen, idf, params, dict(owner_of or {}))
    out = Outcome()
    for unit in sorted(units, key=lambda u: (u.article.published, u.article.doc_id)):
        threader.place(unit, new_id, out)
    out.assigned = {d: threader.resolve(t) for d, t in out.assigned.items()}
    out.opened = [t for t in out.opened if t not in threader.redirect]
    return out
