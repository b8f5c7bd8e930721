"""Issue 16, items 2 and 3: every CLI error is one line saying what to do (exit code 2, no traceback), and the help
texts say what each command does, its options and an example. No pipeline run is needed here."""

import contextlib
import io
from pathlib import Path

import duckdb
import pytest
from helpers import store_for
from test_cli import newsdesk, one_line_error

from newsdesk.cli.app import build_parser, main
from newsdesk.config import ENVIRONMENT, SettingsError, load_settings

RUN_FIRST = "run `make demo` or `python -m pipelines run <batch>` first, or set NEWSDESK_DB"


def test_no_database(tmp_path: Path) -> None:
    db = tmp_path / "nothing" / "news.duckdb"
    for args in (["query", "SELECT 1"], ["summary"], ["report"], ["export", "articles", str(tmp_path / "a.csv")]):
        line = one_line_error(newsdesk(*args, db=db))
        assert line == f"newsdesk: no database at {db}: {RUN_FIRST}", args
    assert not db.parent.exists()  # reading never creates anything


def test_database_without_tables_and_before_any_batch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    line = one_line_error(newsdesk("query", "SELECT * FROM articles", db=empty))
    assert line == f"newsdesk: the database {empty} has no tables yet: {RUN_FIRST}"
    schema_only = tmp_path / "fresh.duckdb"
    store_for(schema_only).ensure_schema()  # what a pipeline start leaves before its first batch
    result = newsdesk("summary", db=schema_only)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().splitlines()[-1] == f"no batch processed yet: {RUN_FIRST}"


def _make_database(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE articles AS SELECT i AS n, repeat('word ', 50) || i AS body FROM range(20000) t(i)")
    con.close()


def _duckdb_failure(path: Path, sql: str) -> str:
    """DuckDB's own first line for opening `path` and running `sql` (whichever step fails)."""
    with pytest.raises(duckdb.Error) as raised:
        con = duckdb.connect(str(path), read_only=True)
        try:
            con.execute(sql).fetchall()
        finally:
            con.close()
    return str(raised.value).splitlines()[0]


@pytest.mark.parametrize("damage", ["cut in half", "not a database"])
def test_damaged_snapshot(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "news.duckdb"
    snapshot = store_for(db).snapshot_path()
    if damage == "cut in half":
        _make_database(snapshot)
        data = snapshot.read_bytes()
        snapshot.write_bytes(data[: len(data) // 2])
    else:
        snapshot.write_text("this is a text file, not a database\n", encoding="utf-8")
    sql = "SELECT sum(length(body)) FROM articles"
    expected = _duckdb_failure(snapshot, sql)
    line = one_line_error(newsdesk("query", sql, db=db))
    assert line == (f"newsdesk: the database file {snapshot} is damaged or not a DuckDB database ({expected}): "
                    "publish it again with `python -m pipelines corpus`")


def test_database_path_is_a_folder(tmp_path: Path) -> None:
    line = one_line_error(newsdesk("summary", db=tmp_path))
    assert line == (f"newsdesk: {tmp_path} is a folder, not a DuckDB file: set NEWSDESK_DB (or --db) to the "
                    "database file")


def test_bad_setting(tmp_path: Path) -> None:
    env = {"NEWSDESK_DUCKDB_MEMORY": "lots"}
    with pytest.raises(SettingsError) as raised:
        load_settings(env)
    for args in (["query", "SELECT 1"], ["clean", str(tmp_path / "a.txt")]):
        assert one_line_error(newsdesk(*args, env=env)) == f"newsdesk: {raised.value}"


def test_wrong_arguments_are_one_line() -> None:
    assert one_line_error(newsdesk("query")) == \
        "newsdesk query: the following arguments are required: SQL (see `newsdesk query --help`)"
    assert one_line_error(newsdesk("query", "SELECT 1", "--limit", "many")) == \
        "newsdesk query: argument --limit: 'many' is not a whole number (see `newsdesk query --help`)"


def _help(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        main([*args, "--help"])
    assert exited.value.code == 0
    return out.getvalue()


def test_top_level_help_lists_commands_and_settings() -> None:
    result = newsdesk("--help")
    assert result.returncode == 0
    for var in ENVIRONMENT:
        assert var.name in result.stdout
    for command in ("summary", "query", "export", "report", "shell", "clean"):
        assert f"\n    {command} " in result.stdout


def test_every_command_help_says_what_how_and_an_example() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert isinstance(commands, dict)
    for name, sub in commands.items():
        text = _help(name)
        assert sub.description and len(sub.description) > 60, name
        assert f"examples:\n  newsdesk {name}" in text, name
        for action in sub._actions:
            for option in action.option_strings:
                assert option in text, (name, option)
