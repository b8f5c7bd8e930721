"""Issue 26 item 6: one definition of a story's outlet (view story_outlets), the same in every view, in `newsdesk
summary` and in the report: the outlet a reprint note names, then the canonical's source_name."""

import io
from datetime import date
from pathlib import Path

import duckdb
from helpers import store_for, write_transaction

from newsdesk.cli.summary import print_summary
from newsdesk.report.queries import load

# (doc_id, source_name, syndicated_from, published, cluster, canonical)
ARTICLES = [
    ("bridge", None, None, date(2026, 10, 2), "c1", True),  # the bridge story: no outlet in its own metadata
    ("bridge-copy", "Coastal Ledger", "The Portside Gazette", date(2026, 10, 3), "c1", False),
    ("bridge-copy-2", "Harbourside Weekly", None, date(2026, 10, 4), "c1", False),
    ("ferry", "Island Voice", None, date(2026, 11, 4), "c2", True),  # metadata only
    ("quay", None, None, date(2026, 10, 12), "c3", True),  # nobody says
    ("wire", "Daily Gull", "Wire Service", date(2026, 9, 1), "c4", True),  # the canonical's own reprint note
    ("wire-copy", "Gazette", "Other Wire", date(2026, 9, 2), "c4", False),
]
EXPECTED = {"c1": ("The Portside Gazette", "reprint note"), "c2": ("Island Voice", "metadata"), "c3": (None, None),
            "c4": ("Wire Service", "reprint note")}


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "outlets.duckdb"
    with write_transaction(db) as con:
        con.execute("INSERT INTO batches (batch_id, n_documents, first_ingested_at) VALUES ('b', 7, now())")
        for doc_id, source, note, published, cluster, canonical in ARTICLES:
            con.execute("INSERT INTO articles (doc_id, batch_id, title, published_date, source_name, syndicated_from,"
                        " body, n_words) VALUES (?, 'b', ?, ?, ?, ?, 'Some words here.', 3)",
                        [doc_id, f"Story {cluster}", published, source, note])
            con.execute("INSERT INTO copies VALUES (?, ?, ?, 1.0)", [doc_id, cluster, canonical])
    return db


def test_every_view_names_the_same_outlet(tmp_path: Path) -> None:
    con = duckdb.connect(str(_db(tmp_path)), read_only=True)
    try:
        rule = {c: (o, f) for c, o, f in con.execute(
            "SELECT copy_cluster_id, outlet, outlet_from FROM story_outlets").fetchall()}
        canonical = dict(con.execute("SELECT copy_cluster_id, outlet FROM canonical_articles").fetchall())
        syndication = set(con.execute("SELECT copy_cluster_id, original_outlet FROM syndication").fetchall())
        outlets = dict(con.execute("SELECT outlet, n_original FROM outlets").fetchall())
        report = {c.copy_cluster_id: (c.outlet, c.copied_by) for c in load(con).biggest_clusters}
    finally:
        con.close()
    assert rule == EXPECTED
    assert canonical == {c: o for c, (o, _) in EXPECTED.items()}
    assert syndication == {("c1", "The Portside Gazette"), ("c4", "Wire Service")}
    assert outlets["The Portside Gazette"] == 1 and outlets["(unknown)"] == 1 and outlets["Wire Service"] == 1
    assert report == {"c1": ("The Portside Gazette", "Coastal Ledger; Harbourside Weekly"),
                      "c4": ("Wire Service", "Gazette")}


def test_summary_names_the_story_outlet(tmp_path: Path) -> None:
    out = io.StringIO()
    print_summary(store_for(_db(tmp_path)), limit=20, width=None, out=out)
    text = out.getvalue()
    clusters = text.split("-- copy clusters")[1].split("\n-- ")[0]
    bridge = next(line for line in clusters.splitlines() if "Story c1" in line)
    assert "The Portside Gazette" in bridge and "Coastal Ledger; Harbourside Weekly" in bridge
    assert "(unknown outlet)" not in bridge
    stories = text.split("-- canonical articles")[1].split("\n-- ")[0]
    assert "The Portside Gazette" in next(line for line in stories.splitlines() if "Story c1" in line)
