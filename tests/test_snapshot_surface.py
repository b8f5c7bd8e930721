"""Issue 26 item 10: the analysts' snapshot shows only the documented tables and views (the README's data
dictionary less the internals it marks internal) plus the full-text index that search needs; the live database
keeps its internals, and full-text search works on the snapshot."""

from pathlib import Path

import duckdb
from helpers import store_for, write_transaction

from newsdesk.store.dictionary import fresh_dictionary
from newsdesk.store.snapshot import INTERNAL_TABLES, SEARCH_SCHEMA

FTS_TABLES = {"dict", "docs", "fields", "stats", "stopwords", "terms"}  # what PRAGMA create_fts_index makes


def _listing(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(con.execute("""SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal
                              UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"""
                           ).fetchall())


def test_snapshot_lists_the_documented_relations_and_search_works(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with write_transaction(db) as con:
        con.execute("INSERT INTO articles (doc_id, batch_id, title, body, n_words) VALUES "
                    "('d1', 'b', 'Harbour bridge repairs approved', 'The council approved the bridge repairs.', 6),"
                    "('d2', 'b', 'Fish market moves', 'The fish market moves to the north quay.', 8)")
    store = store_for(db)
    assert store.build_search_index() == 2
    store.publish()
    dictionary = fresh_dictionary()
    internal = {name for name, r in dictionary.items() if "(internal" in r.description}
    assert internal == set(INTERNAL_TABLES)  # the code drops exactly what the dictionary calls internal
    documented = {("main", name) for name in dictionary} - {("main", name) for name in internal}
    snap = duckdb.connect(str(store.snapshot_path()), read_only=True)
    try:
        assert _listing(snap) == documented | {(SEARCH_SCHEMA, t) for t in FTS_TABLES}
        assert {r[0] for r in snap.execute("SHOW TABLES").fetchall()} == {name for _, name in documented}
        hits = snap.execute("""SELECT doc_id FROM (SELECT doc_id, fts_main_articles.match_bm25(doc_id, 'bridge')
                               AS score FROM articles) WHERE score IS NOT NULL""").fetchall()
        assert hits == [("d1",)]
    finally:
        snap.close()
    live = duckdb.connect(str(db), read_only=True)
    try:
        kept = _listing(live)
    finally:
        live.close()
    assert {("main", t) for t in INTERNAL_TABLES} <= kept and ("pending", "articles") in kept
