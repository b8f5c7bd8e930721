"""`newsdesk`: look at the data without Dagster.

    newsdesk summary                 tables and row counts, and a few canonical articles
    newsdesk query "SELECT ..."      run SQL on the read-only snapshot (never blocks or is blocked by a run)
    newsdesk shell                   the DuckDB shell on the snapshot, with full-text search loaded
    newsdesk clean FILE              show what the cleaner keeps and removes for one file
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from newsdesk.config import load_settings
from newsdesk.store.store import Store

TABLES = ("documents", "quarantine", "articles", "boilerplate_segments", "copies", "story_links", "entity_mentions",
          "entities", "article_entities")


def print_table(con, sql: str, params: list[object] | None = None, limit: int = 50) -> None:  # type: ignore[no-untyped-def]
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchmany(limit)
    widths = [min(60, max([len(c)] + [len(str(r[i])) for r in rows])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print("  ".join(str(v).replace("\n", " ")[:w].ljust(w) for v, w in zip(row, widths)))


def print_summary(store: Store) -> None:
    with store.analyst() as con:
        print(f"\n== {store.reader_location()}")
        for table in TABLES:
            print(f"{table:22s} {con.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:>8}")
        print("\n-- quarantine")
        print_table(con, "SELECT batch_id, source_path, stage, reason, detail FROM quarantine ORDER BY 1, 2")
        print("\n-- copy clusters with more than one article")
        print_table(con, """SELECT copy_cluster_id, count(*) AS n, string_agg(coalesce(a.source_name, a.doc_id), '; ')
                            AS outlets FROM copies JOIN articles a USING (doc_id) GROUP BY 1 HAVING n > 1""")
        print("\n-- story links")
        print_table(con, "SELECT doc_id_a, doc_id_b, shared_words, n_passages, passages[1] FROM story_links")
        print("\n-- canonical articles")
        print_table(con, """SELECT title, source_name, published_date, n_words, n_copies FROM canonical_articles
                            ORDER BY published_date NULLS LAST, title""")
        print("\n-- top entities")
        print_table(con, "SELECT name, label, n_articles FROM entities ORDER BY n_articles DESC, name LIMIT 10")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsdesk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="DuckDB file (default: $NEWSDESK_DB or data/newsdesk.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("summary")
    query = sub.add_parser("query")
    query.add_argument("sql")
    sub.add_parser("shell")
    clean = sub.add_parser("clean")
    clean.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    store = Store.from_settings(load_settings(db_path=args.db))

    if args.command == "summary":
        print_summary(store)
    elif args.command == "query":
        with store.analyst() as con:
            print_table(con, args.sql, limit=1000)
    elif args.command == "shell":
        return _exec_shell(Path(store.reader_location()))
    elif args.command == "clean":
        _show_clean(args.file)
    return 0


def _exec_shell(path: Path) -> int:
    from newsdesk.store.fts import extension_file

    binary = shutil.which("duckdb", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if binary is None:
        print("the duckdb shell is not installed (pip package duckdb-cli)", file=sys.stderr)
        return 1
    ext = str(extension_file()).replace("'", "''")
    os.execv(binary, [binary, "-readonly", "-cmd", f"INSTALL '{ext}'; LOAD fts;", str(path)])
    return 0  # not reached


def _show_clean(path: Path) -> None:
    from newsdesk.clean.html import extract_html
    from newsdesk.clean.text import clean_text
    from newsdesk.ingest.decode import decode_bytes

    text = decode_bytes(path.read_bytes()).text
    result = extract_html(text) if path.suffix.lower() in (".html", ".htm") else clean_text(text)
    print(f"title: {result.title}\npublished: {result.published_date}\nauthor: {result.author}\n"
          f"syndicated_from: {result.syndicated_from}\n")
    print(result.body)
    print("\n-- removed")
    for segment in result.segments:
        print(f"[{segment.kind}] ({segment.reason}) {segment.text[:100]}")


if __name__ == "__main__":
    sys.exit(main())
