"""Issue 16 item 7: the corpus report (one static HTML file with five pictures) built from a real pipeline run on the
sample batch, from an empty database, a database without tables, and tiny ones; then opened in headless Chromium."""

import base64
import re
import struct
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH, Pipeline
from helpers import one, snapshot_path, write_transaction
from report_sql import check_tables

from newsdesk.report import REPORT_NAME, build_report
from newsdesk.report.queries import load

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

HEADINGS = ["People over time", "Organisations over time", "Places over time", "Who appears with whom",
            "Copy clusters", "Story threads day by day", "Who copies whom", "Batches",
            "Words removed by kind", "Quarantine reasons"]
THREADS, COPIES = "Story threads day by day", "Who copies whom"  # issue 24 item 4
ARTIFACTS = REPO / "artifacts" / "report"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pipeline = Pipeline(tmp_path_factory.mktemp("sample"))
    pipeline.add_batch("sample-batch", SAMPLE_BATCH)
    assert pipeline.run_batch("sample-batch").success
    return snapshot_path(pipeline.db_path)


@pytest.fixture(scope="module")
def sample_report(sample_snapshot: Path) -> Path:
    con = duckdb.connect(str(sample_snapshot), read_only=True)
    try:
        return build_report(con, sample_snapshot.parent)
    finally:
        con.close()


def _report(db: Path, out_dir: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return build_report(con, out_dir).read_text(encoding="utf-8")
    finally:
        con.close()


def _find(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, path
    return found


def _text(element: ET.Element, path: str) -> str:
    text = _find(element, path).text
    assert text is not None, path
    return text


def _sections(html: str) -> dict[str, ET.Element]:
    root = ET.fromstring(html)  # strict XML parse: the page is well-formed markup
    return {_text(s, "h2"): s for s in root.iter("section")}


def _png_size(payload: bytes) -> tuple[int, int]:
    assert payload[:8] == b"\x89PNG\r\n\x1a\n" and payload[12:16] == b"IHDR"
    return struct.unpack(">II", payload[16:24])


def _facts(html: str) -> dict[str | None, str | None]:
    return {dd.get("data-fact"): dd.text for dd in ET.fromstring(html).iter("dd")}


def test_report_written_next_to_snapshot_with_one_picture_per_section(sample_report: Path,
                                                                       sample_snapshot: Path) -> None:
    assert sample_report == sample_snapshot.parent / REPORT_NAME
    html = sample_report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    root = ET.fromstring(html)
    assert root.tag == "html" and _text(root, "head/title")
    sections = _sections(html)
    assert list(sections) == HEADINGS
    for heading, section in sections.items():
        images = list(section.iter("img"))
        assert len(images) == 1, heading
        src = images[0].get("src", "")
        assert src.startswith("data:image/png;base64,"), heading
        payload = base64.b64decode(src.split(",", 1)[1], validate=True)
        width, height = _png_size(payload)
        assert width >= 1200 and height >= 200 and len(payload) > 20_000, (heading, width, height, len(payload))
        assert images[0].get("alt")
        assert "SELECT" in "".join(_find(section, "figure/figcaption").itertext()), heading
        assert _text(section, "details/pre").strip(), heading


def test_report_loads_nothing_from_the_network(sample_report: Path) -> None:
    html = sample_report.read_text(encoding="utf-8")
    root = ET.fromstring(html)
    for element in root.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute)
            assert value is None or value.startswith(("data:", "#")), (element.tag, value[:80])
    assert not re.search(r"url\(|@import|<script", html)
    csp = [m.get("content") for m in root.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0] or "")


def test_header_numbers_match_sql(sample_report: Path, sample_snapshot: Path) -> None:
    con = duckdb.connect(str(sample_snapshot), read_only=True)
    try:
        batches, articles, stories, quarantined, first, last, undated = one(con.execute("""
            SELECT (SELECT count(*) FROM batches), (SELECT count(*) FROM articles),
                   (SELECT count(DISTINCT copy_cluster_id) FROM copies), (SELECT count(*) FROM quarantine),
                   (SELECT min(published_date) FROM articles), (SELECT max(published_date) FROM articles),
                   (SELECT count(*) FROM articles WHERE published_date IS NULL)""").fetchone())
    finally:
        con.close()
    assert articles > 5 and quarantined > 0  # the sample batch has both; otherwise this test proves little
    facts = _facts(sample_report.read_text(encoding="utf-8"))
    assert facts == {"batches": str(batches), "articles": str(articles), "stories (canonical articles)": str(stories),
                     "published": f"{first} to {last}", "undated articles": str(undated),
                     "quarantined inputs": str(quarantined)}


def test_report_numbers_are_the_views_numbers(sample_snapshot: Path) -> None:
    con = duckdb.connect(str(sample_snapshot), read_only=True)
    try:
        data = load(con)
        top = {e.entity_id: e for e in data.network_entities}
        pairs = {(a, b): n for a, b, n in con.execute(
            "SELECT entity_a, entity_b, n_articles FROM entity_cooccurrence").fetchall() if a in top and b in top}
        by_month = con.execute("SELECT entity_id, sum(n_articles) FROM entity_mentions_by_month GROUP BY 1").fetchall()
        labels = {r[0] for r in con.execute("SELECT DISTINCT label FROM entities").fetchall()}
        removed = dict(con.execute("SELECT kind, n_words FROM boilerplate_by_kind").fetchall())
        kept = one(con.execute("SELECT sum(n_words) FROM articles").fetchone())[0]
        clusters = one(con.execute(
            "SELECT count(DISTINCT copy_cluster_id), count(*) FROM copies").fetchone())
        quarantine = con.execute("SELECT stage, reason, count(*) FROM quarantine GROUP BY ALL").fetchall()
    finally:
        con.close()
    assert data.edges and {(e.entity_a, e.entity_b): e.n_articles for e in data.edges} == pairs
    totals = dict(by_month)
    for panel in data.panels:
        for entity in panel.entities:  # a story has one month, so per-month counts add up to the total
            assert totals[entity.entity_id] == entity.n_articles
        assert sum(n for e, _, n in panel.monthly if e == panel.entities[0].entity_id) == \
            panel.entities[0].n_articles
    assert {p.kind: {e.label for e in p.entities} for p in data.panels} == \
        {"people": {"PERSON"}, "organisations": {"ORG"}, "places": {"GPE", "LOC", "FAC"} & labels}
    assert {r.kind: r.n_words for r in data.removed} == removed
    for r in data.removed:
        assert r.share == pytest.approx(r.n_words / (kept + sum(removed.values())))
    assert sum(n for _, n in data.cluster_sizes) == clusters[0]
    assert sum(size * n for size, n in data.cluster_sizes) == clusters[1]
    assert max(c.size for c in data.biggest_clusters) == max(size for size, _ in data.cluster_sizes) > 1
    assert sorted((q.stage, q.reason, q.n) for q in data.quarantine) == sorted(quarantine)


def _tables(html: str) -> dict[str, list[list[str]]]:
    return {heading: [["".join(td.itertext()) for td in tr.iter("td")] for tr in section.iter("tr")
                      if list(tr.iter("td"))]
            for heading, section in _sections(html).items() if section.find("table") is not None}


def test_every_picture_has_a_table_of_its_top_rows_equal_to_the_sql(sample_report: Path,
                                                                     sample_snapshot: Path) -> None:
    html = sample_report.read_text(encoding="utf-8")
    tables = _tables(html)
    assert set(tables) == set(HEADINGS) and all(tables.values()), tables
    con = duckdb.connect(str(sample_snapshot), read_only=True)
    try:
        assert check_tables(con, tables) >= 20
    finally:
        con.close()
    assert "The Portside Gazette" in "".join(tables["Copy clusters"][0])  # the bridge story's outlet (item 6)
    # The bridge thread (a story and its two copies) is the largest; its outlet is the story's.
    assert tables[THREADS][0][1:3] == ["3", "2"]
    assert tables[THREADS][0][5] == "The Portside Gazette"
    assert {r[0] for r in tables[COPIES]} == {"The Portside Gazette"}


def test_pictures_are_the_same_for_the_same_data(sample_snapshot: Path, tmp_path: Path) -> None:
    first = _report(sample_snapshot, tmp_path / "a")
    second = _report(sample_snapshot, tmp_path / "b")
    images = re.findall(r'src="(data:image/png;base64,[^"]+)"', first)
    assert len(images) == len(HEADINGS)
    assert images == re.findall(r'src="(data:image/png;base64,[^"]+)"', second)


def _empty_db(path: Path) -> Path:
    with write_transaction(path):
        pass
    return path


def test_empty_database_says_no_articles(tmp_path: Path) -> None:
    html = _report(_empty_db(tmp_path / "empty.duckdb"), tmp_path)
    sections = _sections(html)
    assert list(sections) == HEADINGS
    assert not list(ET.fromstring(html).iter("img"))
    assert "No articles yet" in html and "No batch ingested yet" in html
    assert _facts(html)["articles"] == "0"
    for heading, section in sections.items():
        assert _text(section, "p[@class='empty']"), heading


def test_database_without_tables_says_so(tmp_path: Path) -> None:
    db = tmp_path / "blank.duckdb"
    duckdb.connect(str(db)).close()
    html = _report(db, tmp_path)
    assert list(_sections(html)) == HEADINGS
    assert "no newsdesk tables yet" in html


def _insert_article(con: duckdb.DuckDBPyConnection, doc_id: str, title: str, published: date | None) -> None:
    con.execute("INSERT INTO articles (doc_id, batch_id, title, published_date, body, n_words) "
                "VALUES (?, 'tiny', ?, ?, 'A short body of words.', 5)", [doc_id, title, published])


def test_tiny_database_one_article_no_copies_no_entities(tmp_path: Path) -> None:
    db = tmp_path / "tiny.duckdb"
    with write_transaction(db) as con:
        con.execute("INSERT INTO batches (batch_id, n_documents, first_ingested_at) VALUES ('tiny', 1, now())")
        _insert_article(con, "d1", "Harbour council meets", date(2026, 1, 5))
    html = _report(db, tmp_path)
    assert list(_sections(html)) == HEADINGS
    facts = _facts(html)
    assert (facts["articles"], facts["stories (canonical articles)"], facts["published"]) == \
        ("1", "0", "2026-01-05 to 2026-01-05")
    assert [h for h, s in _sections(html).items() if list(s.iter("img"))] == ["Batches"]
    assert "No articles yet" not in html
    empty = {h: _text(s, "p[@class='empty']") for h, s in _sections(html).items()
             if h in (THREADS, COPIES)}
    assert empty == {
        THREADS: "No story thread has more than one article yet: every story stands alone so far.",
        COPIES: "No syndicated copies yet: no outlet carried another outlet's story."}


def test_database_from_before_threading_says_so(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with write_transaction(db) as con:
        con.execute("INSERT INTO batches (batch_id, n_documents, first_ingested_at) "
                    "VALUES ('tiny', 1, now())")
        _insert_article(con, "d1", "Harbour council meets", date(2026, 1, 5))
        for view in ("thread_timeline", "outlet_syndication", "top_threads_by_week"):
            con.execute(f"DROP VIEW {view}")
        for table in ("thread_merges", "thread_articles", "threads"):
            con.execute(f"DROP TABLE {table}")
    sections = _sections(_report(db, tmp_path))
    assert list(sections) == HEADINGS
    for heading in (THREADS, COPIES):
        empty = _text(sections[heading], "p[@class='empty']")
        assert "written before story threading" in empty, heading


def test_titles_and_names_are_data_not_markup(tmp_path: Path) -> None:
    """A headline with dollar signs (TeX math to matplotlib) and angle brackets, an undated story, a copy."""
    db = tmp_path / "odd.duckdb"
    title = "Shares <b>fall</b> from $5 to $x^{$ & more"
    outlet = "<i>Herald</i> & $Co"
    with write_transaction(db) as con:
        con.execute("INSERT INTO batches (batch_id, n_documents, first_ingested_at) VALUES ('tiny', 2, now())")
        _insert_article(con, "d1", title, None)
        _insert_article(con, "d2", title, date(2026, 2, 1))
        con.execute("INSERT INTO copies (doc_id, copy_cluster_id, is_canonical, similarity) "
                    "VALUES ('d1', 'd1', true, 1.0), ('d2', 'd1', false, 0.97)")
        con.execute("INSERT INTO entities (entity_id, name, label, n_articles, aliases) "
                    "VALUES ('e1', '$Dollar <Corp>', 'ORG', 1, []), ('e2', 'Ana $ Ruiz', 'PERSON', 1, [])")
        con.execute("INSERT INTO article_entities (doc_id, batch_id, entity_id, name, n_mentions, in_title, "
                    "first_char) VALUES ('d1', 'tiny', 'e1', 'x', 2, true, 0), ('d1', 'tiny', 'e2', 'y', 1, false, 3)")
        con.execute("INSERT INTO boilerplate_segments (doc_id, batch_id, position, kind, reason, text) "
                    "VALUES ('d1', 'tiny', 0, 'promo', 'test', 'Buy $5 <now>')")
        con.execute("INSERT INTO quarantine (batch_id, source_path, stage, reason, detail) "
                    "VALUES ('tiny', 'x<y>.txt', 'ingest', 'empty_file', 'the file is empty')")
        con.execute("UPDATE articles SET source_name = ? WHERE doc_id = 'd2'", [outlet])
        con.execute("INSERT INTO threads VALUES "
                    "('t1', ?, '2026-02-01', '2026-02-01 12:00', 2, 1, 1, [])", [title])
        con.execute("INSERT INTO thread_articles VALUES "
                    "('t1', 'd1', 'tiny', 'first_report', 0, '2026-01-31 18:00', 'ingested'), "
                    "('t1', 'd2', 'tiny', 'copy', 12, '2026-02-01 12:00', 'date')")
    html = _report(db, tmp_path)
    sections = _sections(html)
    assert {h: len(list(s.iter("img"))) for h, s in sections.items()} == {
        "People over time": 1, "Organisations over time": 1, "Places over time": 0, "Who appears with whom": 1,
        "Copy clusters": 1, THREADS: 1, COPIES: 1, "Batches": 1, "Words removed by kind": 1,
        "Quarantine reasons": 1}
    assert "<b>fall" not in html and "<Corp>" not in html  # titles and names are text, never markup
    assert "<i>Herald" not in html
    text = "".join(ET.fromstring(html).itertext())
    assert title in text and "$Dollar <Corp>" in text  # the tables under the pictures show them as written
    tables = _tables(html)
    assert tables[THREADS] == [[title, "2", "1", "1", "–", "(unknown)", "t1"]]  # d1: ingestion time
    assert tables[COPIES] == [["(unknown)", outlet, "1", "1", "18.0"]]
    assert "1 article without a publication date" in text  # d1, timed by its ingestion: not drawn


def test_report_in_headless_chromium(sample_report: Path) -> None:
    """Opened as a file in Debian's Chromium at 1200 px: every picture decodes, nothing is fetched, nothing sticks
    out sideways; the full-page screenshot is kept as artifacts/report/report.png."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is missing (scripts/install_chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requested.append(r.url))
            page.goto(sample_report.as_uri(), wait_until="load")
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.clientWidth])")
            overflow = page.evaluate("document.documentElement.scrollWidth")
            headings = page.locator("h2").all_inner_texts()
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert headings == HEADINGS
    assert len(images) == len(HEADINGS)
    assert all(complete and natural >= 1200 and 900 <= shown <= 1200 for complete, natural, shown in images), images
    assert overflow <= 1200
    assert [u for u in requested if not u.startswith(("file:", "data:"))] == []
    width, height = _png_size(shot.read_bytes())
    assert width == 1200 and height > 2000


def test_many_outlets_share_an_other_bucket(tmp_path: Path) -> None:
    """A corpus with more outlets than colours and rows: the top ones are named, the rest are one
    "other outlets" bucket the caption counts, days after the 30th fold into the last column; the
    tables equal the SQL."""
    db = tmp_path / "many.duckdb"
    with write_transaction(db) as con:
        con.execute("INSERT INTO batches (batch_id, n_documents, first_ingested_at) "
                    "VALUES ('tiny', 152, now())")
        con.execute("INSERT INTO threads VALUES "
                    "('t1', 'Harbour dispute', '2026-03-01', '2026-04-01', 152, 32, 136, [])")
        for i in range(16):  # story i, from Origin i on day 2i, copied the next day by Copier 0..i
            day = date(2026, 3, 1) + timedelta(days=2 * i)
            story = f"s{i:02d}"
            _insert_article(con, story, f"Story {i}", day)
            con.execute("UPDATE articles SET source_name = ? WHERE doc_id = ?",
                        [f"Origin {i:02d}", story])
            con.execute("INSERT INTO copies VALUES (?, ?, true, 1.0)", [story, story])
            con.execute("INSERT INTO thread_articles VALUES ('t1', ?, 'tiny', ?, 0, ?, 'date')",
                        [story, "first_report" if i == 0 else "follow_up", day])
            for j in range(i + 1):
                copy = f"{story}-c{j:02d}"
                _insert_article(con, copy, f"Story {i}", day + timedelta(days=1))
                con.execute("UPDATE articles SET source_name = ? WHERE doc_id = ?",
                            [f"Copier {j:02d}", copy])
                con.execute("INSERT INTO copies VALUES (?, ?, false, 0.97)", [copy, story])
                con.execute("INSERT INTO thread_articles VALUES "
                            "('t1', ?, 'tiny', 'copy', 0, ?, 'date')",
                            [copy, day + timedelta(days=1)])
    html = _report(db, tmp_path)
    sections = _sections(html)
    assert all(len(list(sections[h].iter("img"))) == 1 for h in (THREADS, COPIES))
    threads = "".join(_find(sections[THREADS], "figure/figcaption").itertext())
    assert "25 more outlets in these threads are counted together as “other outlets”" in threads
    assert "16 articles after day 30: in the last column" in threads  # story 15's copies: day 31
    matrix = "".join(_find(sections[COPIES], "figure/figcaption").itertext())
    assert "5 more outlets whose stories were copied are counted together" in matrix
    assert "5 more outlets that copied are counted together" in matrix
    tables = _tables(html)
    assert tables[COPIES][0] == ["Origin 00", "Copier 00", "1", "1", "24.0"]  # ties by name
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert check_tables(con, {h: tables[h] for h in (THREADS, COPIES)}) == 9
    finally:
        con.close()
