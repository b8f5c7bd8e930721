"""Incremental dedup: batches processed in any order give the same tables; a re-run changes nothing."""

import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from helpers import settings_for, store_for

from newsdesk.config import DedupConfig
from newsdesk.pipeline import run_one

# A low common threshold so that boilerplate crosses it while batches arrive: that exercises re-verification
# of already indexed articles, the part of order independence that is easy to get wrong.
CONFIG = DedupConfig(common_fingerprint_docs=6)
_WORDS = [f"w{i}" for i in range(4000)]
PROMO = "Subscribe to the Evening Courier for the stories that matter to you, delivered every morning."
QUOTE = ("the ministry said it had a thorough exchange of views with its partners and that the measures announced "
         "on friday would stay in force until further notice")


def _text(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return "\n\n".join(" ".join(words[i:i + 50]) + "." for i in range(0, n, 50))


def _corpus() -> dict[str, list[tuple[str, date, str]]]:
    """Three batches (doc_id, date, body) whose copies, story links and boilerplate cross batch boundaries."""
    rng = random.Random(3)
    batches: dict[str, list[tuple[str, date, str]]] = {"b1": [], "b2": [], "b3": []}
    sources: list[tuple[str, date, str]] = []
    for i in range(90):
        batch = f"b{i % 3 + 1}"
        day = date(2022, 1, 1) + timedelta(days=i)
        body = _text(rng, rng.randint(150, 400))
        if i % 4 == 0:
            body += "\n\n" + PROMO
        if i % 30 == 10:  # rare enough to stay below the common threshold
            body = _text(rng, 60) + " " + QUOTE + " " + body
        if sources and i % 3 == 0:  # a copy of an earlier article, in another batch
            src = rng.choice(sources)[2].split("\n\n")
            body = "\n\n".join([PROMO] + src[: max(2, len(src) * 2 // 3)] + ([_text(rng, 40)] if i % 2 else []))
            day += timedelta(days=2)
        row = (f"doc{i:03d}", day, body)
        sources.append(row)
        batches[batch].append(row)
    return batches


def dedup_batch(db: Path, batch: str, config: DedupConfig) -> dict[str, int]:
    return run_one("publish", store_for(db), settings_for(db, dedup=config), batch)


def _load(db: Path, batches: dict[str, list[tuple[str, date, str]]]) -> None:
    store_for(db).write(lambda con: _insert(con, batches))


def _insert(con: duckdb.DuckDBPyConnection,
            batches: dict[str, list[tuple[str, date, str]]]) -> None:
    for batch, rows in batches.items():
        for doc_id, day, body in rows:
            con.execute("""INSERT INTO articles (doc_id, batch_id, title, published_date, source_name, body, n_words)
                           VALUES (?, ?, ?, ?, ?, ?, ?)""", [doc_id, batch, doc_id, day, f"outlet {doc_id[-1]}",
                                                             body, len(body.split())])


TABLES = {
    "copies": "SELECT doc_id, copy_cluster_id, is_canonical, similarity FROM copies ORDER BY 1",
    "article_pairs": "SELECT * FROM article_pairs ORDER BY 1, 2",
    "story_links": "SELECT doc_id_a, doc_id_b, shared_words, passages, spans_a, spans_b FROM story_links ORDER BY 1, 2",
    "dedup_common": "SELECT * FROM dedup_common ORDER BY 1",
}


def _tables(db: Path) -> dict[str, list[tuple]]:
    with store_for(db).read() as con:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}


@pytest.fixture(scope="module")
def in_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("in-order") / "news.duckdb"
    _load(db, _corpus())
    for batch in ("b1", "b2", "b3"):
        dedup_batch(db, batch, CONFIG)
    return db


def test_corpus_exercises_copies_links_and_reverification(in_order: Path) -> None:
    tables = _tables(in_order)
    assert sum(1 for r in tables["copies"] if not r[2]) >= 10
    assert any("thorough exchange of views" in " ".join(r[3]) for r in tables["story_links"])
    assert tables["dedup_common"], "the promo never became common: re-verification is not exercised"
    assert len({r[0] for r in tables["copies"]}) == len(tables["copies"]) == 90


@pytest.mark.parametrize("order", [("b3", "b2", "b1"), ("b2", "b3", "b1")])
def test_backfill_order_gives_identical_tables(in_order: Path, tmp_path: Path, order: tuple[str, ...]) -> None:
    db = tmp_path / "news.duckdb"
    _load(db, _corpus())
    stats = [dedup_batch(db, batch, CONFIG) for batch in order]
    assert sum(s.get("reverified_docs", 0) for s in stats) > 0
    assert _tables(db) == _tables(in_order)


def test_rerun_of_a_batch_changes_nothing(in_order: Path) -> None:
    before = _tables(in_order)
    dedup_batch(in_order, "b2", CONFIG)
    assert _tables(in_order) == before
