"""The `newsdesk` command: its arguments, help texts and the one place errors become one line and an
exit code."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from newsdesk.cli.database import CliError, first_line, location
from newsdesk.config import environment_help, load_settings
from newsdesk.errors import FAILURES, UserError, is_out_of_memory, out_of_memory_line

if TYPE_CHECKING:
    from newsdesk.store.store import Store

USER_ERROR = 2

# Raw help text (RawDescriptionHelpFormatter): its line breaks are the ones printed.
DESCRIPTION = (
    "Look at what the pipeline produced, without Dagster. Every command but `clean` reads the "
    "published snapshot\n"
    "(newsdesk.snapshot.duckdb next to the database; the database itself until a snapshot exists), "
    "read-only: it\n"
    "never blocks a pipeline run and is never blocked by one."
)

EXAMPLES = """\
examples:
  newsdesk summary
  newsdesk query "SELECT outlet, n_articles FROM outlets ORDER BY n_articles DESC"
  newsdesk query "SELECT * FROM articles" --parquet articles.parquet
  newsdesk export canonical_articles stories.csv
  newsdesk report
  newsdesk thread sudan truce
  newsdesk clean samples/sample-batch/07-wire.jsonl
"""

QUERY_HELP = (
    "Run SQL on the snapshot and print the result as a table: NULL is printed as NULL, numbers are "
    "right-aligned,\n"
    "line breaks in a cell show as \\n. The table shows the first 1,000 rows and says how many "
    "there are; cells longer\n"
    "than 60 characters end in … and a note says how many were cut (--wide shows them whole). "
    "--csv, --parquet and\n"
    "--json write every row to a file instead, streamed by DuckDB's COPY (any size).\n"
    "In CSV, a text cell that starts with = + - @, a tab or a carriage return (a\n"
    "formula to a spreadsheet) gets a leading ' and text columns are quoted (OWASP's\n"
    "advice against CSV injection); --raw-csv writes the values as they are."
)

RAW_CSV_HELP = (
    "write CSV text cells as they are, without the ' put before cells starting "
    "with = + - @, a tab or a carriage return (which a spreadsheet would run as "
    "formulas); Parquet and JSON are always raw"
)

QUERY_EXAMPLES = (
    "examples:\n"
    '  newsdesk query "SELECT title, source_name, published_date FROM canonical_articles '
    'ORDER BY published_date"\n'
    """\
  newsdesk query "SELECT * FROM quarantine" --wide
  newsdesk query "SELECT * FROM articles" --all
  newsdesk query "SELECT * FROM article_entities" --parquet article_entities.parquet
  newsdesk query "SELECT name, label, n_articles FROM entities" --csv - | head
  newsdesk query "SHOW TABLES"

tables and views: see README.md (Tables) or `newsdesk query "SHOW TABLES"`."""
)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that point at --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(USER_ERROR, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _count(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="the DuckDB database (default: $NEWSDESK_DB, else data/newsdesk.duckdb); its snapshot "
        "next to it is what is read",
    )
    common.add_argument(
        "--traceback",
        action="store_true",
        default=argparse.SUPPRESS,
        help="on an unexpected error, show where it happened (for a bug report)",
    )

    raw = argparse.RawDescriptionHelpFormatter
    parser = Parser(
        prog="newsdesk",
        description=DESCRIPTION,
        parents=[common],
        formatter_class=raw,
        epilog=f"{EXAMPLES}\nsettings (environment variables; --db overrides NEWSDESK_DB):\n"
        f"{environment_help()}\n\n`newsdesk COMMAND --help` says more about each command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, title="commands")

    def command(name: str, summary: str, description: str, examples: str) -> Parser:
        text = description if "\n" in description else textwrap.fill(description, 112)
        return sub.add_parser(
            name,
            help=summary,
            description=text,
            epilog=examples,
            parents=[common],
            formatter_class=raw,
        )

    summary = command(
        "summary",
        "row counts and a few rows of the main tables and views",
        "Row counts of every table, then the quarantine, copy clusters (their title and the outlet "
        "of each copy), story links, canonical articles and the top entities. Each section shows "
        "its first rows and says when there are more.",
        "examples:\n  newsdesk summary\n  newsdesk summary --limit 100 --wide",
    )
    summary.add_argument(
        "--limit", type=_count, default=10, metavar="N", help="rows per section (default 10)"
    )
    summary.add_argument(
        "--wide", action="store_true", help="show long cells whole instead of cut at 60 characters"
    )

    query = command(
        "query",
        "run SQL on the snapshot; print the result or export all of it",
        QUERY_HELP,
        QUERY_EXAMPLES,
    )
    query.add_argument(
        "sql", metavar="SQL", help="one or more SQL statements; the last one's result is shown"
    )
    rows = query.add_mutually_exclusive_group()
    rows.add_argument(
        "--limit", type=_count, default=1000, metavar="N", help="rows to print (default 1000)"
    )
    rows.add_argument("--all", action="store_true", help="print every row")
    query.add_argument(
        "--wide", action="store_true", help="show long cells whole instead of cut at 60 characters"
    )
    export = query.add_mutually_exclusive_group()
    export.add_argument(
        "--csv",
        metavar="FILE",
        help="write every row as CSV with a header (- for standard output; "
        "FILE.csv.gz is compressed)",
    )
    export.add_argument("--parquet", metavar="FILE", help="write every row as Parquet")
    query.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)
    export.add_argument(
        "--json",
        metavar="FILE",
        help="write every row as JSON: an array for FILE.json, one object "
        "per line for FILE.jsonl or - (standard output)",
    )

    exp = command(
        "export",
        "write a whole table or view to a CSV, Parquet or JSON file",
        "Write every row of one table or view to FILE, streamed by DuckDB's COPY (any size). The "
        "format comes from FILE's name: .csv (.csv.gz compressed), .parquet, .json (an array) or "
        ".jsonl (one object per line); - writes CSV to standard output. CSV text cells starting "
        "with = + - @, a tab or a carriage return get a leading ' (--raw-csv: as they are). For a "
        "selection of rows or columns use `newsdesk query SQL --csv FILE`.",
        "examples:\n  newsdesk export articles articles.parquet\n"
        "  newsdesk export canonical_articles stories.csv\n  newsdesk export entities - | head\n\n"
        'tables and views: README.md (Tables) or `newsdesk query "SHOW TABLES"`.',
    )
    exp.add_argument(
        "name", metavar="TABLE_OR_VIEW", help="e.g. articles, canonical_articles, entities, outlets"
    )
    exp.add_argument("file", metavar="FILE", help="where to write; - for standard output")
    exp.add_argument(
        "--format",
        choices=("csv", "parquet", "json", "jsonl"),
        help="the format, when FILE's name does not say it",
    )
    exp.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)

    report = command(
        "report",
        "build the HTML report (pictures of the corpus) and print its path",
        "Build the static HTML report of what analysts see: mentions over time for the top "
        "entities, who appears with whom, copy-cluster sizes, words removed by kind and quarantine "
        "reasons. Written as newsdesk.report.html next to the snapshot unless --out says where; "
        "open it in a browser (no server needed).",
        "examples:\n  newsdesk report\n  newsdesk report --out /tmp/newsdesk-report",
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder to write the report in (default: the snapshot's folder)",
    )

    thread = command(
        "thread",
        "one story thread's timeline: an article's thread, or the best match for words",
        "Print a story thread (the articles about one event, with copies and follow-ups): its "
        "label, span, outlets and entities, then every article in publication order with its role "
        "(first_report, copy, follow_up). REF is a doc_id or the record's own id, else words that "
        "the thread's titles must all contain (the thread with most matching titles is shown, "
        "the next ones listed).",
        "examples:\n  newsdesk thread 3f1c0a9e2b7d4c5e8f10\n  newsdesk thread w0002\n"
        "  newsdesk thread sudan truce",
    )
    thread.add_argument("ref", nargs="+", metavar="REF", help="doc_id, record id, or search words")
    thread.add_argument(
        "--wide", action="store_true", help="show long cells whole instead of cut at 60 characters"
    )

    command(
        "shell",
        "the DuckDB shell on the snapshot, full-text search loaded",
        "Open the DuckDB command-line shell on the snapshot, read-only, with the fts extension "
        "loaded (fts_main_articles.match_bm25 works). .help inside the shell lists its commands.",
        "examples:\n  newsdesk shell",
    )

    clean = command(
        "clean",
        "show what the cleaner keeps and removes, record by record, for input files",
        "Read each FILE as the pipeline reads a batch file (.txt, .html/.htm, .json, "
        ".jsonl/.ndjson, .warc; each may end in .gz), clean every record and show its id, title, "
        "date, author, outlet, the kept body and the removed segments by kind, then a line of "
        "counts per file (total, kept, dropped_<reason>). A record the pipeline would quarantine "
        "is shown as a quarantine line with its reason. Needs no database.",
        "examples:\n  newsdesk clean samples/sample-batch/05-wind-farm-approval.html\n"
        "  newsdesk clean samples/sample-batch/07-wire.jsonl\n  newsdesk clean crawl.warc.gz --id "
        "'urn:uuid:...'",
    )
    clean.add_argument(
        "files", type=Path, nargs="+", metavar="FILE", help="input files, shown one after another"
    )
    clean.add_argument(
        "--id", metavar="ID", help="show only the record with this id (JSON id, WARC record id)"
    )
    from newsdesk.cli import operate
    from newsdesk.cli.lake import add_lake_command  # `newsdesk lake init|maintain`

    add_lake_command(sub, common)
    operate.add_commands(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    import argcomplete

    parser = build_parser()
    argcomplete.autocomplete(
        parser
    )  # only acts when the shell asks for completions (README: Shell completion)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UserError as exc:  # CliError, SettingsError and the store's own
        if is_out_of_memory(exc):  # DuckDB's OutOfMemoryException, worded as an SQL error
            print(f"newsdesk: {out_of_memory_line(f'`newsdesk {args.command}`')}", file=sys.stderr)
            return 1
        print(f"newsdesk: {exc}", file=sys.stderr)
        return USER_ERROR
    except FAILURES as exc:  # locked, unreachable, damaged or out of memory: not the user's doing
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"newsdesk: {out_of_memory_line(str(args.command))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if getattr(args, "traceback", False):
            raise
        print(
            f"newsdesk: unexpected {type(exc).__name__}: {first_line(exc)} (run again with "
            "--traceback for a bug report)",
            file=sys.stderr,
        )
        return 1


def run(args: argparse.Namespace) -> int:
    from newsdesk.cli import operate
    from newsdesk.project import project_root
    from newsdesk.store.backends import open_store

    if args.command in operate.COMMANDS:
        return operate.run(args)
    # Default paths inside the project's checkout, never the working directory (newsdesk.project).
    db = getattr(args, "db", None)
    settings = load_settings(db_path=Path(db).absolute() if db else None, root=project_root())
    if args.command == "clean":
        from newsdesk.cli.clean import show_clean

        show_clean(args.files, settings, args.id)
        return 0
    if args.command == "lake":
        from newsdesk.cli.lake import run_lake

        return run_lake(args, settings)
    store = open_store(settings)
    if args.command == "summary":
        from newsdesk.cli.summary import print_summary

        print_summary(store, args.limit, None if args.wide else 60)
    elif args.command == "report":
        from newsdesk.cli.summary import write_report

        write_report(store, args.out)
    elif args.command == "query":
        from newsdesk.cli import query

        width = None if args.wide else 60
        if args.csv or args.parquet or args.json:
            fmt, target = _query_export(args)
            query.export_query(store, args.sql, fmt, target, raw_csv=args.raw_csv)
        else:
            query.show_query(store, args.sql, None if args.all else args.limit, width)
    elif args.command == "export":
        from newsdesk.cli import query

        query.export_relation(store, args.name, args.file, args.format, raw_csv=args.raw_csv)
    elif args.command == "thread":
        from newsdesk.cli.thread import print_thread

        print_thread(store, " ".join(args.ref), None if args.wide else 60)
    elif args.command == "shell":
        return _exec_shell(store)
    return 0


def _query_export(args: argparse.Namespace) -> tuple[str, str]:
    if args.csv:
        return "csv", args.csv
    if args.parquet:
        return "parquet", args.parquet
    target = args.json
    return ("json" if target.lower().removesuffix(".gz").endswith(".json") else "jsonl"), target


def _exec_shell(store: Store) -> int:
    from newsdesk.store.extensions import extension_file

    binary = shutil.which(
        "duckdb", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    )
    if binary is None:
        raise CliError(
            "the duckdb shell is not installed: install the project's requirements (pip package "
            "duckdb-cli), or use `newsdesk query SQL`"
        )

    def install(name: str) -> str:
        return "INSTALL '" + str(extension_file(name)).replace("'", "''") + "'; "

    if store.backend == "duckdb":
        os.execv(
            binary,
            [binary, "-readonly", "-cmd", install("fts") + "LOAD fts;", str(location(store))],
        )
    lake = store.lake  # type: ignore[attr-defined]
    attach = (
        "ATTACH '" + ("ducklake:postgres:" + lake.catalog).replace("'", "''") + f"' AS {lake.name} "
        f"(READ_ONLY); USE {lake.name};"
    )
    os.execv(binary, [binary, "-cmd", install("ducklake") + install("postgres") + attach])
    return 0  # not reached
