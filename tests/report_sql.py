"""The report's tables checked against SQL written here, independently of sql/report/: each row under a picture
names its thing (entity, pair, story, batch, kind, reason) and its number, and the views must give that number."""

from collections import defaultdict

import duckdb

PANEL_LABELS = {"People over time": ("PERSON",), "Organisations over time": ("ORG",),
                "Places over time": ("GPE", "LOC", "FAC")}


def _n(text: str) -> int:
    return int(text.replace(",", ""))


def _multi(rows: list[tuple]) -> dict[object, set[object]]:
    out: dict[object, set[object]] = defaultdict(set)
    for key, value in rows:
        out[key].add(value)
    return out


def check_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, list[list[str]]]) -> int:
    """Assert every row of every table equals the SQL; returns the rows checked (a test asserts it is not 0)."""
    checked = 0
    for heading, rows in tables.items():
        for row in rows:
            if heading in PANEL_LABELS:
                sql = _multi(con.execute(
                    "SELECT name, sum(n_articles) FROM entity_mentions_by_month WHERE label IN "
                    "(SELECT unnest(?::VARCHAR[])) GROUP BY entity_id, name", [list(PANEL_LABELS[heading])]).fetchall())
                assert _n(row[2]) in sql[row[0]], (heading, row, sql.get(row[0]))
            elif heading == "Who appears with whom":
                sql = _multi([((a, b), n) for a, b, n in con.execute(
                    "SELECT name_a, name_b, n_articles FROM entity_cooccurrence").fetchall()]
                    + [((b, a), n) for a, b, n in con.execute(
                        "SELECT name_a, name_b, n_articles FROM entity_cooccurrence").fetchall()])
                assert _n(row[2]) in sql[(row[0], row[1])], (heading, row)
            elif heading == "Copy clusters":
                found = con.execute("SELECT coalesce(outlet, '(unknown outlet)'), n_copies + 1 FROM canonical_articles "
                                    "WHERE doc_id = ?", [row[4]]).fetchall()
                assert found == [(row[1], _n(row[3]))], (heading, row, found)
            elif heading == "Story threads day by day":
                found = con.execute(
                    "SELECT coalesce(t.label, '(no title)'), t.n_articles, "
                    "(SELECT count(*) FROM thread_articles a "
                    " WHERE a.thread_id = t.thread_id AND a.role = 'copy'), "
                    "(SELECT count(DISTINCT l.outlet) FROM thread_timeline l "
                    " WHERE l.thread_id = t.thread_id AND l.outlet <> '(unknown)') "
                    "FROM threads t WHERE t.thread_id = ?", [row[6]]).fetchall()
                expected = (row[0], _n(row[1]), _n(row[2]), _n(row[3]))
                assert found == [expected], (heading, row, found)
                first = con.execute(  # its first report: outlet, and time unless only ingestion gave one
                    "SELECT tl.outlet, CASE WHEN ta.time_source <> 'ingested' "
                    "THEN strftime(tl.published_at, '%Y-%m-%d %H:%M') ELSE '–' END "
                    "FROM thread_timeline tl JOIN thread_articles ta ON ta.doc_id = tl.doc_id "
                    "WHERE tl.thread_id = ? AND tl.role = 'first_report'", [row[6]]).fetchall()
                assert first == [(row[5], row[4])], (heading, row, first)
            elif heading == "Who copies whom":
                found = con.execute(
                    "SELECT n_copies, n_stories, round(median_delay_hours, 1) "
                    "FROM outlet_syndication WHERE original_outlet = ? AND copying_outlet = ?",
                    [row[0], row[1]]).fetchall()
                delay = None if row[4] == "–" else float(row[4])
                assert found == [(_n(row[2]), _n(row[3]), delay)], (heading, row, found)
            elif heading == "Batches":
                found = con.execute("SELECT n_articles, n_quarantined_inputs + n_quarantined_articles "
                                    "FROM batch_accounting WHERE batch_id = ?", [row[0]]).fetchall()
                assert found == [(_n(row[3]), _n(row[5]))], (heading, row, found)
            elif heading == "Words removed by kind":
                found = con.execute("SELECT n_segments, n_words FROM boilerplate_by_kind WHERE kind = ?",
                                    [row[0]]).fetchall()
                assert found == [(_n(row[1]), _n(row[2]))], (heading, row, found)
            elif heading == "Quarantine reasons":
                found = con.execute("SELECT count(*) FROM quarantine WHERE stage = ? AND reason = ?",
                                    [row[0], row[1]]).fetchall()
                assert found == [(_n(row[2]),)], (heading, row, found)
            else:
                raise AssertionError(f"no SQL check for the table under {heading!r}")
            checked += 1
    return checked
