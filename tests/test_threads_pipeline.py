"""Story threads through the real stages (ingest, clean, spaCy, dedup + threads) on a temp DuckDB: one corpus
fed in two batch orders, copies, the thread tables, and a re-run."""

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from threads_metrics import bcubed, pairwise

from newsdesk.config import load_settings
from newsdesk.pipeline import run_batch
from newsdesk.store import thread_tables
from newsdesk.store.backends import open_store

pytestmark = pytest.mark.slow  # spaCy over 18 short articles, twice (about half a minute)

DATA = Path(__file__).parent / "data"
BATCHES = {"w1": ("r1", "a1", "a2", "b1", "b1copy", "d1", "d2"), "w2": ("a3", "b2", "d3", "g1", "g2", "g3", "s1"),
           "w3": ("f1", "f2", "e1", "c1")}


def _feed(root: Path, order: list[str]) -> Path:
    records = {json.loads(line)["id"]: line for line in (DATA / "threads_corpus.jsonl").read_text().splitlines()}
    settings = load_settings({"NEWSDESK_NER_PROCESSES": "1"}, db_path=root / "news.duckdb",
                             landing_dir=root / "landing")
    store = open_store(settings)
    for batch in order:
        folder = root / "landing" / batch
        folder.mkdir(parents=True)
        (folder / "batch.jsonl").write_text("\n".join(records[i] for i in BATCHES[batch]) + "\n")
        run_batch(store, settings, batch)
    return root / "news.duckdb"


def _query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _partition(db: Path) -> set[frozenset[str]]:
    groups = defaultdict(set)
    for ext, thread in _query(db, "SELECT d.external_id, ta.thread_id FROM thread_articles ta JOIN documents d "
                                  "USING (doc_id)"):
        groups[thread].add(ext)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def in_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _feed(tmp_path_factory.mktemp("in-order"), ["w1", "w2", "w3"])


def test_threads_of_the_corpus(in_order: Path) -> None:
    """Most threads whole; the known misses (README, Story threads) are a roundup published before the events it
    previews (it opens the thread of the first one) and the same town's next incident two weeks on."""
    got = {ext: thread for thread in _partition(in_order) for ext in thread}
    assert got["a1"] == got["a2"] == got["a3"] and got["d1"] == got["d2"] == got["d3"]
    assert got["g1"] == got["g2"] == got["g3"] and got["b1"] == got["b2"] == got["b1copy"]
    assert len({got["a1"], got["d1"], got["g1"]}) == 3  # the roundup glued none of them together
    assert got["e1"] != got["d1"]  # same bank and governor, another event
    assert got["f1"] != got["f2"]  # the next weekly release is its own thread
    assert got["s1"] == {"s1"}


def test_every_article_in_exactly_one_thread_and_copies_marked(in_order: Path) -> None:
    con = duckdb.connect(str(in_order), read_only=True)
    try:
        for batch in BATCHES:
            n, wrong = thread_tables.misthreaded(con, batch)
            assert n == len(BATCHES[batch]) and wrong == []
    finally:
        con.close()
    roles = dict(_query(in_order, "SELECT d.external_id, ta.role FROM thread_articles ta JOIN documents d "
                                  "USING (doc_id)"))
    assert roles["b1copy"] == "copy" and roles["b1"] == "first_report" and roles["b2"] == "follow_up"
    row = _query(in_order, """SELECT t.n_articles, t.n_copies, t.n_outlets, t.label, th.hours_since_first
                              FROM threads t JOIN thread_articles th USING (thread_id) JOIN documents d USING (doc_id)
                              WHERE d.external_id = 'd3'""")[0]
    assert row[:4] == (3, 0, 0, "Lindmark central bank raises rates to 4.5% to fight inflation")
    assert row[4] == pytest.approx(21.0)  # 5 June 12:00 -> 6 June 09:00
    assert _query(in_order, """SELECT t.n_copies FROM threads t JOIN thread_articles th USING (thread_id)
                               JOIN documents d USING (doc_id) WHERE d.external_id = 'b1copy'""") == [(1,)]


def test_thread_ids_come_from_content_and_survive_later_batches(in_order: Path, tmp_path: Path) -> None:
    first = _feed(tmp_path, ["w1"])
    early = dict(_query(first, "SELECT d.external_id, ta.thread_id FROM thread_articles ta JOIN documents d "
                               "USING (doc_id)"))
    late = dict(_query(in_order, "SELECT d.external_id, ta.thread_id FROM thread_articles ta JOIN documents d "
                                 "USING (doc_id)"))
    assert {k: late[k] for k in early} == early
    sha = dict(_query(in_order, "SELECT external_id, sha256 FROM documents"))
    assert late["d3"] == "t" + sha["d1"][:16]  # named after the article that opened it


def test_other_batch_order_gives_nearly_the_same_threads(in_order: Path, tmp_path: Path) -> None:
    """The documented bound (README, Story threads): two batch orders agree to pairwise F1 >= 0.85 and B3 F1 >= 0.9
    (a late article can meet a thread's later members first); every article is threaded either way."""
    reverse = _feed(tmp_path, ["w3", "w2", "w1"])
    a = {ext: "|".join(sorted(g)) for g in _partition(in_order) for ext in g}
    b = {ext: "|".join(sorted(g)) for g in _partition(reverse) for ext in g}
    assert a.keys() == b.keys() and len(a) == 18
    assert pairwise(b, a)[2] >= 0.85 and bcubed(b, a)[2] >= 0.9


def test_rerun_of_a_batch_changes_no_thread(in_order: Path) -> None:
    sql = "SELECT thread_id, doc_id, role, hours_since_first FROM thread_articles ORDER BY 2"
    before = (_query(in_order, sql), _query(in_order, "SELECT * FROM threads ORDER BY 1"))
    settings = load_settings({"NEWSDESK_NER_PROCESSES": "1"}, db_path=in_order,
                             landing_dir=in_order.parent / "landing")
    run_batch(open_store(settings), settings, "w2")
    assert (_query(in_order, sql), _query(in_order, "SELECT * FROM threads ORDER BY 1")) == before


def test_cli_prints_a_thread_timeline(in_order: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsdesk.cli.app import main

    assert main(["--db", str(in_order), "thread", "lindmark", "rate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("thread t") and "Lindmark central bank raises rates to 4.5% to fight inflation" in out
    assert out.index("krona firms") < out.index("businesses criticise")  # publication order
    assert main(["--db", str(in_order), "thread", "no such words anywhere"]) == 2
    assert "no article" in capsys.readouterr().err
