"""The threading index kept per batch: candidate ranking and document frequencies stay what a full
recount gives (benchmarks/threads_scale.py measures the speed)."""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import duckdb

from newsdesk.threads.candidates import KeyIndex
from newsdesk.threads.publish import thread_batch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from threads_scale import generate


def naive_top(postings: dict[int, set[str]], redirect: dict[str, str], keys: list[int],
              n: int) -> list[str]:
    """The ranking as assign.py computed it before the index: resolve each posting, sort all."""
    def resolve(t: str) -> str:
        while t in redirect:
            t = redirect[t]
        return t
    shared: Counter[str] = Counter()
    for k in keys:
        shared.update({resolve(t) for t in postings.get(k, ())})
    return [t for t, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def test_key_index_ranks_as_a_full_sort_through_merges() -> None:
    rng = random.Random(7)
    index = KeyIndex()
    postings: dict[int, set[str]] = {}
    redirect: dict[str, str] = {}
    live = [f"t{i:03d}" for i in range(200)]
    for tid in live:
        keys = rng.sample(range(300), 12)
        index.add(keys, tid)
        for k in keys:
            postings.setdefault(k, set()).add(tid)
    for _ in range(60):
        merged, kept = rng.sample(live, 2)
        live.remove(merged)
        index.move(merged, kept)
        redirect[merged] = kept
        keys = rng.sample(range(300), 30)
        for n in (1, 5, 30, 500):
            assert index.top(keys, n) == naive_top(postings, redirect, keys, n)
    assert set().union(*index.postings.values()) <= set(live)


def test_key_counts_equal_a_recount_after_a_batch_and_its_rerun(tmp_path: Path) -> None:
    db = tmp_path / "scale.duckdb"
    generate(db, 2_000, 300)
    con = duckdb.connect(str(db))

    def recount() -> tuple[list[tuple], list[tuple]]:
        kept = con.execute("""SELECT feature, sum(n_articles) FROM thread_key_counts GROUP BY 1
                              HAVING sum(n_articles) <> 0 ORDER BY 1""").fetchall()
        full = con.execute("""SELECT feature, count(*) FROM thread_features
                              GROUP BY 1 ORDER BY 1""").fetchall()
        return kept, full

    before = con.execute("SELECT count(*) FROM thread_features").fetchall()[0][0]
    for _ in range(2):  # the second run forgets the batch's rows and threads it again
        con.execute("BEGIN")
        stats = thread_batch(con, "new")
        con.execute("COMMIT")
        kept, full = recount()
        assert kept == full and len(full) > 1000
    assert stats["thread_candidates"] > 0
    assert con.execute("SELECT count(*) FROM thread_features").fetchall()[0][0] > before
    assert con.execute("""SELECT count(*) FROM thread_features f
                          JOIN thread_articles ta USING (doc_id)
                          WHERE f.published_at IS DISTINCT FROM ta.published_at
                       """).fetchall() == [(0,)]
    con.close()
