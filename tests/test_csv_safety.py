"""Issue 23, item 3 (and issue 26, item 3): CSV exports never carry a live spreadsheet formula, and
`newsdesk query` passes DuckDB's whole error message through.

The titles and outlets below went through the real pipeline into a real snapshot; `newsdesk export`
and `newsdesk query --csv` run as subprocesses, the way an analyst meets them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from conftest import Pipeline
from hostile import CSV_FORMULAS
from test_cli import newsdesk

pytestmark = pytest.mark.slow  # one real pipeline run

PAYLOADS = CSV_FORMULAS  # title -> outlet of each article
TAB, CR = "\t", "\r"


def neutral(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", TAB, CR) else value


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipeline = Pipeline(tmp_path_factory.mktemp("csv"))
    batch = pipeline.add_batch("formulas")
    lines = []
    for n, (title, outlet) in enumerate(PAYLOADS.items()):
        body = (f"Report {n}: the council of the town number {n} met on Tuesday to discuss the "
                "harbour, the budget for the coming year and the repair of the old bridge. "
                "Members spoke for an hour. " * 3)
        lines.append(json.dumps({"id": f"f{n}", "title": title, "source": outlet, "text": body,
                                 "published": "2026-01-0" + str(n + 1)}))
    (batch / "formulas.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert pipeline.run_batch("formulas").success
    return pipeline


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def stored_titles(pipeline: Pipeline) -> dict[str, str]:
    return dict(pipeline.query("SELECT title, source_name FROM articles"))


def test_the_payloads_are_stored_raw(hostile_db: Pipeline) -> None:
    """The database keeps what the pages said; only CSV output is neutralised."""
    assert stored_titles(hostile_db) == PAYLOADS


def test_export_csv_neutralises_formulas_and_quotes_text(hostile_db: Pipeline,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "articles.csv"
    done = newsdesk("export", "articles", str(target), db=hostile_db.db_path)
    assert done.returncode == 0, done.stderr
    text = target.read_text(encoding="utf-8")
    rows = csv_rows(text)
    header = rows[0]
    got = {r[header.index("title")]: r[header.index("source_name")] for r in rows[1:]}
    assert got == {neutral(t): neutral(o) for t, o in PAYLOADS.items()}
    # Every text cell is quoted (OWASP): no line holds a bare formula lead after a delimiter or at
    # its start.
    for line in text.splitlines()[1:]:
        assert line[:1] not in ("=", "+", "-", "@")
        assert not any(f",{lead}" in line for lead in ("=", "+", "-", "@")), line
    assert "'=HYPERLINK" in text and '"\'=HYPERLINK(""http://x"",""y"")"' in text
    # Numbers stay numbers: n_words is written bare.
    n_words = [r[header.index("n_words")] for r in rows[1:]]
    assert all(w.isdigit() for w in n_words), n_words


def test_raw_csv_writes_values_as_they_are(hostile_db: Pipeline, tmp_path: Path) -> None:
    target = tmp_path / "raw.csv"
    done = newsdesk("export", "articles", str(target), "--raw-csv", db=hostile_db.db_path)
    assert done.returncode == 0, done.stderr
    rows = csv_rows(target.read_text(encoding="utf-8"))
    header = rows[0]
    assert {r[header.index("title")]: r[header.index("source_name")] for r in rows[1:]} == PAYLOADS


def test_parquet_and_json_stay_raw(hostile_db: Pipeline, tmp_path: Path) -> None:
    sql = "SELECT title, source_name FROM articles ORDER BY title"
    for option, name in (("--parquet", "a.parquet"), ("--json", "a.json")):
        done = newsdesk("query", sql, option, str(tmp_path / name), db=hostile_db.db_path)
        assert done.returncode == 0, done.stderr
    parquet = duckdb.connect().execute(f"SELECT * FROM '{tmp_path / 'a.parquet'}'").fetchall()
    assert dict(parquet) == PAYLOADS
    objects = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert {o["title"]: o["source_name"] for o in objects} == PAYLOADS


QUERY = ("SELECT title, source_name, -2 AS minus_two, -2.5 AS minus_half, '-2+3' AS text_minus, "
         "chr(9) || 'tabbed' AS tabbed, chr(13) || 'carriage' AS carriage, 'plain' AS plain, "
         "NULL AS nothing FROM articles ORDER BY title")


def check_query_csv(text: str) -> None:
    rows = csv_rows(text)
    assert rows[0] == ["title", "source_name", "minus_two", "minus_half", "text_minus", "tabbed",
                       "carriage", "plain", "nothing"]
    # DuckDB's CSV writer writes a carriage return inside a quoted cell as a line feed; the quote
    # stays first.
    same = ["-2", "-2.5", "'-2+3", "'\ttabbed", "'\ncarriage", "plain", ""]
    expected = [[neutral(t), neutral(PAYLOADS[t]), *same] for t in sorted(PAYLOADS)]
    assert rows[1:] == expected
    # The numbers are bare; the text that looks like one is quoted and neutralised.
    assert ',-2,-2.5,"\'-2+3",' in text


def test_query_csv_to_a_file_and_to_standard_output(hostile_db: Pipeline, tmp_path: Path) -> None:
    target = tmp_path / "q.csv"
    done = newsdesk("query", QUERY, "--csv", str(target), db=hostile_db.db_path)
    assert done.returncode == 0, done.stderr
    check_query_csv(target.read_text(encoding="utf-8"))
    piped = newsdesk("query", QUERY, "--csv", "-", db=hostile_db.db_path)
    assert piped.returncode == 0, piped.stderr
    check_query_csv(piped.stdout)
    raw = newsdesk("query", QUERY, "--csv", "-", "--raw-csv", db=hostile_db.db_path)
    assert csv_rows(raw.stdout)[1][4:7] == ["-2+3", "\ttabbed", "\ncarriage"]


def test_query_csv_of_show_tables_and_repeated_column_names(hostile_db: Pipeline) -> None:
    shown = newsdesk("query", "SHOW TABLES", "--csv", "-", db=hostile_db.db_path)
    assert shown.returncode == 0, shown.stderr
    assert ["articles"] in csv_rows(shown.stdout)
    twice = newsdesk("query", "SELECT '=1' AS x, '@2' AS x", "--csv", "-", db=hostile_db.db_path)
    assert twice.returncode == 0, twice.stderr
    raw = newsdesk("query", "SELECT '=1' AS x, '@2' AS x", "--csv", "-", "--raw-csv",
                   db=hostile_db.db_path)
    # DuckDB's COPY names a repeated column x_1 either way.
    assert csv_rows(twice.stdout) == [["x", "x_1"], ["'=1", "'@2"]]
    assert csv_rows(raw.stdout) == [["x", "x_1"], ["=1", "@2"]]


# -- issue 26, item 3: DuckDB's whole message -----------------------------------------------------
def duckdb_message(pipeline: Pipeline, sql: str) -> str:
    from helpers import snapshot_path

    con = duckdb.connect(str(snapshot_path(pipeline.db_path)), read_only=True)
    try:
        with pytest.raises(duckdb.Error) as raised:
            con.execute(sql)
    finally:
        con.close()
    return str(raised.value).strip()


@pytest.mark.parametrize(("sql", "hints"), [
    ("SELECT title FROM article",
     ['Did you mean "articles"', "LINE 1: SELECT title FROM article", "^"]),
    ("SELECT titel FROM articles",
     ["Candidate bindings", '"title"', "LINE 1: SELECT titel FROM articles", "^"]),
])
def test_query_error_keeps_duckdbs_hints_and_caret(hostile_db: Pipeline, sql: str,
                                                    hints: list[str]) -> None:
    done = newsdesk("query", sql, db=hostile_db.db_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    message = duckdb_message(hostile_db, sql)
    assert done.stderr == f"newsdesk: SQL error: {message}\n"
    for hint in hints:
        assert hint in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) > 1  # the hint and caret lines are all there
