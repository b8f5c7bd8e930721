"""The key index a batch finds its candidate threads in: key -> threads whose members carry it.

Its cost per article grows with the article's postings in the time window (10x the articles per
day, 10x the postings), so the per-posting work stays in C: sets hold live thread ids only (a
merge moves its postings once, instead of resolving merged ids per posting), counting is
Counter.update over a set, and only the threads that can make the top n are sorted. The ranking
is exactly sorted(..., key=(-shared keys, thread id))[:n].
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable


class KeyIndex:
    def __init__(self) -> None:
        self.postings: dict[int, set[str]] = {}
        self.keys_of: dict[str, set[int]] = {}  # thread -> its keys, to move them when it merges

    def add(self, keys: Iterable[int], thread_id: str) -> None:
        own = self.keys_of.setdefault(thread_id, set())
        for k in keys:
            self.postings.setdefault(k, set()).add(thread_id)
            own.add(k)

    def move(self, merged: str, kept: str) -> None:
        """The merged thread's postings now name the thread it merged into."""
        keys = self.keys_of.pop(merged, set())
        for k in keys:
            posting = self.postings[k]
            posting.discard(merged)
            posting.add(kept)
        self.keys_of.setdefault(kept, set()).update(keys)

    def top(self, keys: Iterable[int], n: int) -> list[str]:
        """The n threads sharing most of `keys` (ties: smaller id first)."""
        shared: Counter[str] = Counter()
        for k in keys:
            posting = self.postings.get(k)
            if posting:
                shared.update(posting)
        items: Iterable[tuple[str, int]] = shared.items()
        if len(shared) > n:
            cut = heapq.nlargest(n, shared.values())[-1]
            items = [(t, c) for t, c in shared.items() if c >= cut]
        return [t for t, _ in sorted(items, key=lambda kv: (-kv[1], kv[0]))[:n]]
