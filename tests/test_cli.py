"""Issue 16: the `newsdesk` command line on a database the real pipeline built from the sample batch.

Every command runs as a subprocess (`python -m newsdesk.cli`), the way an analyst meets it; expected values come
from DuckDB reading the same snapshot directly."""

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH, Pipeline
from helpers import store_for

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

WIDTH = 60  # the default cell width


def newsdesk(*args: str, db: Path | None = None, env: dict[str, str] | None = None,
             stdout: int | IO[Any] | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, with this checkout's code and no NEWSDESK_* of the developer's."""
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    clean_env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), clean_env.get("PYTHONPATH", "")])
    clean_env.update(env or {})
    prefix = ["--db", str(db)] if db is not None else []
    return subprocess.run([sys.executable, "-m", "newsdesk.cli", *prefix, *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=clean_env, timeout=120)


def one_line_error(result: subprocess.CompletedProcess, code: int = 2) -> str:
    """The single stderr line of a failed command (asserting it is one line, without a traceback)."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipeline = Pipeline(tmp_path_factory.mktemp("cli"))
    pipeline.add_batch("sample-batch", SAMPLE_BATCH)
    assert pipeline.run_batch("sample-batch").success  # publishes the snapshot too
    return pipeline


def snapshot_rows(pipeline: Pipeline, sql: str) -> list[tuple]:
    con = duckdb.connect(str(store_for(pipeline.db_path).snapshot_path()), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def data_lines(stdout: str) -> list[str]:
    """The table's row lines: after the header and its rule, before the notes."""
    lines = stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("--"))
    rows = lines[rule + 1:]
    end = next(i for i, line in enumerate(rows) if line.startswith(("(", "showing ")))
    return rows[:end]


# -- query: the table ----------------------------------------------------------------------------------------------
def test_query_prints_null_right_aligns_numbers_and_marks_cut_cells(sample: Pipeline) -> None:
    sql = "SELECT source_name, body, n_words FROM articles ORDER BY doc_id"
    expected = snapshot_rows(sample, sql)
    result = newsdesk("query", sql, db=sample.db_path)
    assert result.returncode == 0, result.stderr
    header, *_ = result.stdout.splitlines()
    rows = data_lines(result.stdout)
    assert len(rows) == len(expected)
    for line, (source, body, n_words) in zip(rows, expected):
        assert line.startswith("NULL " if source is None else source)
        assert line.endswith(f" {n_words}") and len(line) == len(header)  # right-aligned under "n_words"
        if len(body) > WIDTH:
            assert body.replace("\n", "\\n")[: WIDTH - 1] + "…" in line
    n_long = sum(len(body) > WIDTH for _, body, _ in expected)
    assert n_long and f"{n_long} cells longer than {WIDTH} characters cut (ending in …); --wide shows them whole" \
        in result.stdout
    assert f"({len(expected)} rows)" in result.stdout


def test_query_wide_shows_cells_whole(sample: Pipeline) -> None:
    sql = "SELECT doc_id, body FROM articles ORDER BY n_words DESC LIMIT 2"
    expected = snapshot_rows(sample, sql)
    result = newsdesk("query", sql, "--wide", db=sample.db_path)
    assert result.returncode == 0, result.stderr
    for doc_id, body in expected:
        escaped = body.replace("\n", "\\n")
        assert f"{doc_id}  {escaped}" in result.stdout
    assert "characters cut" not in result.stdout


def test_query_says_when_it_truncates_and_all_shows_everything(sample: Pipeline) -> None:
    sql = "SELECT doc_id, start_char, text FROM entity_mentions ORDER BY doc_id, start_char"
    expected = snapshot_rows(sample, sql)
    assert len(expected) > 5
    limited = newsdesk("query", sql, "--limit", "5", db=sample.db_path)
    assert limited.returncode == 0, limited.stderr
    assert len(data_lines(limited.stdout)) == 5
    assert limited.stdout.splitlines()[-1] == (
        f"showing 5 of {len(expected):,} rows; use --limit N, --all, or --csv FILE / --parquet FILE to export "
        "everything")
    everything = newsdesk("query", sql, "--all", db=sample.db_path)
    assert [line.split()[0] for line in data_lines(everything.stdout)] == [r[0] for r in expected]
    assert everything.stdout.splitlines()[-1] == f"({len(expected)} rows)"


def test_bad_sql_gives_duckdbs_whole_message(sample: Pipeline) -> None:
    con = duckdb.connect()
    with pytest.raises(duckdb.Error) as raised:
        con.execute("SELEC title FROM articles")
    result = newsdesk("query", "SELEC title FROM articles", db=sample.db_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    # Hints and caret too (issue 26).
    assert result.stderr == f"newsdesk: SQL error: {str(raised.value).strip()}\n"


# -- query and export: whole results in files ----------------------------------------------------------------------
def test_query_exports_every_row_in_each_format(sample: Pipeline, tmp_path: Path) -> None:
    sql = "SELECT doc_id, title, source_name, published_date, n_words FROM articles ORDER BY doc_id"
    expected = snapshot_rows(sample, sql)
    for option, name in (("--csv", "a.csv"), ("--parquet", "a.parquet"), ("--json", "a.json")):
        result = newsdesk("query", sql, option, str(tmp_path / name), "--limit", "1", db=sample.db_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"wrote {len(expected)} rows to {tmp_path / name}"
    con = duckdb.connect()
    assert con.execute(f"SELECT * FROM read_csv('{tmp_path / 'a.csv'}') ORDER BY doc_id").fetchall() == expected
    assert con.execute(f"SELECT * FROM '{tmp_path / 'a.parquet'}' ORDER BY doc_id").fetchall() == expected
    objects = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [(o["doc_id"], o["title"], o["source_name"]) for o in objects] == [r[:3] for r in expected]


def test_export_to_standard_output_appends_after_earlier_output(sample: Pipeline, tmp_path: Path) -> None:
    """`(echo header; newsdesk ... --csv -) >> file`: DuckDB must not truncate or overwrite what is there."""
    expected = snapshot_rows(sample, "SELECT doc_id FROM articles ORDER BY doc_id")
    target = tmp_path / "out.csv"
    target.write_text("earlier line\n", encoding="utf-8")
    with target.open("a", encoding="utf-8") as handle:
        result = newsdesk("query", "SELECT doc_id FROM articles ORDER BY doc_id", "--csv", "-", db=sample.db_path,
                          stdout=handle)
    assert result.returncode == 0, result.stderr
    # Text columns are quoted in CSV (formula neutralising, test_csv_safety.py).
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines == ["earlier line", '"doc_id"'] + [f'"{r[0]}"' for r in expected]
    piped = newsdesk("query", "SELECT doc_id FROM articles ORDER BY doc_id", "--json", "-", db=sample.db_path)
    assert [json.loads(line)["doc_id"] for line in piped.stdout.splitlines()] == [r[0] for r in expected]


def test_no_progress_bar_when_standard_output_is_not_a_terminal(sample: Pipeline) -> None:
    """DuckDB draws its progress bar (queries over 2 s) on standard output, where `--csv -` writes the data."""
    result = newsdesk("query", "SELECT current_setting('enable_progress_bar') AS bar", "--csv", "-",
                      db=sample.db_path)
    assert result.stdout.splitlines() == ["bar", "false"]


def test_export_command_writes_a_table_or_view(sample: Pipeline, tmp_path: Path) -> None:
    expected = snapshot_rows(sample, "SELECT * FROM canonical_articles ORDER BY doc_id")
    result = newsdesk("export", "canonical_articles", str(tmp_path / "stories.parquet"), db=sample.db_path)
    assert result.returncode == 0, result.stderr
    got = duckdb.connect().execute(f"SELECT * FROM '{tmp_path / 'stories.parquet'}' ORDER BY doc_id").fetchall()
    assert got == expected
    line = one_line_error(newsdesk("export", "no_such_table", str(tmp_path / "x.csv"), db=sample.db_path))
    assert line.startswith("newsdesk: no table or view named 'no_such_table'; there are: ")
    assert "canonical_articles" in line
    line = one_line_error(newsdesk("export", "articles", str(tmp_path / "x.xlsx"), db=sample.db_path))
    assert line == (f"newsdesk: cannot tell the format of {tmp_path / 'x.xlsx'} from its name: end it in .csv, "
                    ".parquet, .json or .jsonl, or pass --format")


# -- summary and report --------------------------------------------------------------------------------------------
def test_summary_copy_clusters_name_outlets_and_title(sample: Pipeline) -> None:
    """Each cluster: its title, the story's outlet (view story_outlets) and the outlets of its copies."""
    clusters = snapshot_rows(sample, """
        SELECT c.copy_cluster_id, count(*),
               coalesce(max(a.title) FILTER (WHERE c.is_canonical), min(a.title)),
               coalesce(any_value(o.outlet), '(unknown outlet)'),
               list(coalesce(a.source_name, '(unknown outlet)') ORDER BY a.published_date, a.doc_id)
                   FILTER (WHERE NOT c.is_canonical), list(a.doc_id)
        FROM copies c JOIN articles a USING (doc_id) JOIN story_outlets o USING (copy_cluster_id)
        GROUP BY 1 HAVING count(*) > 1""")
    assert clusters, "the sample batch has a copy cluster"
    result = newsdesk("summary", "--wide", db=sample.db_path)
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("-- copy clusters")[1].split("\n-- ")[0]
    for cluster_id, n, title, outlet, copied_by, doc_ids in clusters:
        line = next(line for line in section.splitlines() if line.startswith(cluster_id))
        assert line.split()[1] == str(n) and f"  {title}  " in line
        assert re.search(rf"\s{{2,}}{re.escape(outlet)}\s{{2,}}{re.escape('; '.join(copied_by))}$", line), line
        assert not any(doc_id in line.replace(cluster_id, "") for doc_id in doc_ids)


def test_report_is_written_next_to_the_snapshot(sample: Pipeline) -> None:
    report = store_for(sample.db_path).report_dir() / "newsdesk.report.html"
    report.unlink(missing_ok=True)  # the pipeline's publish writes one too: this one must be the CLI's
    result = newsdesk("report", db=sample.db_path)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == report and report.is_file()
    assert "<html" in report.read_text(encoding="utf-8")[:500].lower()


# -- a snapshot in a folder nobody may write to --------------------------------------------------------------------
def _can_create_in(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink()
    return True


@contextmanager
def read_only_copy(snapshot: Path, into: Path) -> Iterator[Path]:
    """A copy of the snapshot in a folder this process cannot write to (modes; root needs the immutable flag)."""
    folder = into / "share"
    folder.mkdir()
    shutil.copyfile(snapshot, folder / snapshot.name)
    (folder / snapshot.name).chmod(0o444)
    folder.chmod(0o555)
    flagged = False
    if _can_create_in(folder):  # root ignores modes
        flagged = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    try:
        if _can_create_in(folder):
            pytest.skip("cannot make a folder read-only here (root without chattr)")
        yield folder
    finally:
        if flagged:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_reading_works_from_a_read_only_folder(sample: Pipeline, tmp_path: Path) -> None:
    snapshot = store_for(sample.db_path).snapshot_path()
    n_articles = snapshot_rows(sample, "SELECT count(*) FROM articles")[0][0]
    with read_only_copy(snapshot, tmp_path) as folder:
        db = folder / sample.db_path.name  # only its snapshot is there, as on a read-only share
        result = newsdesk("query", "SELECT count(*) AS n FROM articles", db=db)
        assert result.returncode == 0, result.stderr
        assert data_lines(result.stdout) == [str(n_articles)]
        assert newsdesk("summary", db=db).returncode == 0
        exported = newsdesk("export", "articles", str(tmp_path / "articles.csv"), db=db)
        assert exported.returncode == 0, exported.stderr
        line = one_line_error(newsdesk("report", db=db))
        assert line.startswith(f"newsdesk: cannot write the report in {folder}: ")
        assert line.endswith("; choose a writable folder with --out DIR")
        assert sorted(p.name for p in folder.iterdir()) == [snapshot.name]  # no spill folder, WAL or report
