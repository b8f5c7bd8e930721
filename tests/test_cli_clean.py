"""Issue 16, item 9: `newsdesk clean FILE ...` reads every supported format as the pipeline does (one record after
another, .gz included) and shows the article text, never raw JSON. Inputs are written by the test."""

import gzip
import json
import re
from pathlib import Path

import pytest
from badinput import ARTICLE, article_html, jsonl_lines, warc_bytes
from test_cli import newsdesk, one_line_error

FIRST_SENTENCE = ARTICLE.split(". ")[0]


def _records(stdout: str, file_name: str) -> list[str]:
    """The printed blocks of one file's records (heading included)."""
    blocks = re.split(r"^(?=== )", stdout, flags=re.M)
    return [b for b in blocks if b.startswith(f"== {file_name} ·")]


def _counts(stdout: str, file_name: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith(f"{file_name}: total"))


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Path]]:
    """One `newsdesk clean` over a file of every format (one process: the cleaner's imports are paid once)."""
    folder = tmp_path_factory.mktemp("inputs")
    lines = jsonl_lines(2, "wire")
    jsonl = ("\n".join([lines[0], '{"id": "cut-off", "text": "The harbour', lines[1]]) + "\n").encode()
    text = f"Dredging to start in March\n\n{ARTICLE}\n\n{ARTICLE.replace('Monday', 'Friday')}\n".encode()
    html = article_html("Dredging begins in the channel").encode()
    whole_warc = warc_bytes(3)
    files = {
        "story.txt": text, "story.txt.gz": gzip.compress(text),
        "page.html": html, "page.html.gz": gzip.compress(html),
        "wire.jsonl": jsonl, "wire.jsonl.gz": gzip.compress(jsonl),
        "items.json": json.dumps([json.loads(line) for line in jsonl_lines(2, "item")]).encode(),
        "crawl.warc.gz": warc_bytes(2), "crawl.warc": warc_bytes(2, gz=False),
        "cut.warc.gz": whole_warc[: len(whole_warc) - 120],
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    result = newsdesk("clean", *map(str, paths.values()))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout, paths


def test_jsonl_records_show_article_text_and_their_metadata(shown: tuple[str, dict[str, Path]]) -> None:
    stdout, _ = shown
    records = [json.loads(line) for line in jsonl_lines(2, "wire")]
    blocks = _records(stdout, "wire.jsonl")
    assert len(blocks) == 3  # two articles and the cut-off line, in file order
    for block, number, record in zip((blocks[0], blocks[2]), (1, 3), records):
        assert block.startswith(f"== wire.jsonl · record {number} · id {record['id']}\n")
        assert f"title:           {record['title']}\n" in block
        assert f"published:       {record['published']}\n" in block
        assert f"outlet:          {record['source']}\n" in block
        assert f"\n{record['text'].split('. ')[0]}" in block  # the body starts with the article's text
    assert '"text"' not in stdout and '{"id"' not in stdout
    assert blocks[1].splitlines()[1].startswith("quarantined (ingest): invalid_json: line 2 is not valid JSON")
    assert _counts(stdout, "wire.jsonl") == "wire.jsonl: total 3, kept 2, dropped_invalid_json 1"


@pytest.mark.parametrize("name", ["story.txt", "page.html", "wire.jsonl"])
def test_gzipped_file_reads_as_the_plain_one(shown: tuple[str, dict[str, Path]], name: str) -> None:
    stdout, _ = shown
    plain = _records(stdout, name)
    assert plain and [b.replace(f"{name}.gz", name) for b in _records(stdout, f"{name}.gz")] == plain


def test_each_format_yields_its_records(shown: tuple[str, dict[str, Path]]) -> None:
    stdout, _ = shown
    assert _counts(stdout, "story.txt") == "story.txt: total 1, kept 1"
    assert _counts(stdout, "page.html") == "page.html: total 1, kept 1"
    assert _counts(stdout, "items.json") == "items.json: total 2, kept 2"
    for name in ("crawl.warc.gz", "crawl.warc"):
        blocks = _records(stdout, name)
        assert len(blocks) == 2 and all(" · id urn:uuid:" in b.splitlines()[0] for b in blocks)
        assert all("Dredging story" in b and FIRST_SENTENCE.split(" said ")[0] in b for b in blocks)
        assert _counts(stdout, name) == f"{name}: total 2, kept 2"
    cut = _records(stdout, "cut.warc.gz")
    assert "quarantined (ingest): truncated_warc: " in cut[-1]
    assert _counts(stdout, "cut.warc.gz").startswith("cut.warc.gz: total ")


def test_removed_segments_are_listed_by_kind(shown: tuple[str, dict[str, Path]]) -> None:
    stdout, _ = shown
    block = _records(stdout, "page.html")[0]
    removed = block.split("-- removed: ", 1)[1]
    assert re.match(r"\d+ segments?, \d+ words\n\[[a-z_]+\] \d+\n    \(", removed)
    assert "Home | News" in removed or ("Home" in removed and "News" in removed)  # the page's navigation


def test_one_record_by_id(shown: tuple[str, dict[str, Path]]) -> None:
    _, paths = shown
    result = newsdesk("clean", str(paths["wire.jsonl"]), "--id", "wire-1")
    assert result.returncode == 0, result.stderr
    headings = [b.splitlines()[0] for b in _records(result.stdout, "wire.jsonl")]
    assert headings == ["== wire.jsonl · record 3 · id wire-1"]
    line = one_line_error(newsdesk("clean", str(paths["wire.jsonl"]), "--id", "nope"))
    assert line == f"newsdesk: no record with id 'nope' in {paths['wire.jsonl']}: run without --id to see every record"


def test_missing_file_and_unknown_format_are_one_line(tmp_path: Path) -> None:
    line = one_line_error(newsdesk("clean", str(tmp_path / "gone.jsonl")))
    assert line == (f"newsdesk: no file at {tmp_path / 'gone.jsonl'}: give the path of an input file (.txt, "
                    ".html/.htm, .json, .jsonl/.ndjson, .warc (each may end in .gz))")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    line = one_line_error(newsdesk("clean", str(tmp_path / "notes.md")))
    assert line == (f"newsdesk: cannot tell the format of {tmp_path / 'notes.md'} from its name: supported are "
                    ".txt, .html/.htm, .json, .jsonl/.ndjson, .warc (each may end in .gz)")
