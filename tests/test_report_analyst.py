"""Issue 26 item 11, the parts that need no pipeline run: a nationality paired with its own country is left out of
the co-occurrence picture (and counted), other pairs of the same entities stay; the demonym rule's edge cases."""

from datetime import date
from pathlib import Path

import duckdb
import pytest
from helpers import one, write_transaction

from newsdesk.entities.demonyms import is_own_place
from newsdesk.report.queries import load


@pytest.mark.parametrize("nationality,place,own", [
    ("Chinese", "China", True), ("Russian", "Russia", True), ("Ukrainian", "Ukraine", True),
    ("French", "France", True), ("Americans", "United States", True), ("British", "Britain", True),
    ("Russian", "China", False), ("Austrian", "Australia", False), ("Iraqi", "Iran", False),
    ("Chinese", "Chile", False)])
def test_own_place(nationality: str, place: str, own: bool) -> None:
    assert is_own_place(nationality, place) is own


def test_nationality_and_its_country_are_left_out_of_the_pairs(tmp_path: Path) -> None:
    db = tmp_path / "pairs.duckdb"
    entities = [("cn", "China", "GPE"), ("zh", "Chinese", "NORP"), ("ru", "Russia", "GPE"),
                ("rus", "Russian", "NORP"), ("xi", "Xi Jinping", "PERSON")]
    with write_transaction(db) as con:
        for entity_id, name, label in entities:
            con.execute("INSERT INTO entities (entity_id, name, label, n_articles, aliases) VALUES (?, ?, ?, 2, [])",
                        [entity_id, name, label])
        for doc in ("d1", "d2"):
            con.execute("INSERT INTO articles (doc_id, batch_id, title, published_date, body, n_words) "
                        "VALUES (?, 'b', ?, ?, 'Words.', 1)", [doc, f"Story {doc}", date(2026, 1, 2)])
            con.execute("INSERT INTO copies VALUES (?, ?, true, 1.0)", [doc, doc])
            for entity_id, name, label in entities:
                con.execute("INSERT INTO article_entities (doc_id, batch_id, entity_id, name, n_mentions, in_title, "
                            "first_char, label) VALUES (?, 'b', ?, ?, 1, false, 0, ?)", [doc, entity_id, name, label])
    con = duckdb.connect(str(db), read_only=True)
    try:
        data = load(con)
        view = one(con.execute("SELECT count(*) FROM entity_cooccurrence").fetchone())[0]
    finally:
        con.close()
    pairs = {frozenset((e.entity_a, e.entity_b)): e.n_articles for e in data.edges}
    assert view == 10 and len(pairs) == 8 and data.n_own_country_pairs == 2
    assert frozenset(("cn", "zh")) not in pairs and frozenset(("ru", "rus")) not in pairs
    assert pairs[frozenset(("rus", "cn"))] == 2 and pairs[frozenset(("zh", "xi"))] == 2
    assert all(e.latest_title == "Story d2" for e in data.edges)
