"""Issue 13, ingest level: every hostile input becomes rows with a true reason, nothing blocks, nothing raises.

The same batch runs through the real pipeline in test_hostile_pipeline.py; here the reader alone, fast."""

import gzip
import os
import stat
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    INVISIBLE,
    MIXED_WARC_PROTOCOL_RECORDS,
    NOT_UTF8_DISPLAY,
    NOT_UTF8_NAME,
    Warc,
    html_page,
    make_fifo,
    make_socket,
    story,
    text_file,
    write_hostile_batch,
)

from newsdesk.config import IngestConfig
from newsdesk.ingest import fileread
from newsdesk.ingest.batch import IngestNote, make_doc_id, read_batch
from newsdesk.ingest.bounded import Inflater, TooLarge
from newsdesk.ingest.decode import decode_bytes
from newsdesk.ingest.fileread import BoundedReader, FileBytes, FileRefused, read_file
from newsdesk.ingest.formats import GzipError, gunzip_bounded
from newsdesk.ingest.inventory import expected_rows, input_paths
from newsdesk.ingest.warc import WARC_INFLATE_RATIO
from newsdesk.records import QuarantineItem, RawDocument

Item = RawDocument | QuarantineItem | IngestNote
# the batch folder, the rows expected per file, what the reader gave
Hostile = tuple[Path, dict[str, list[str | None]], list[Item]]


def _items(folder: Path, **kwargs: Any) -> list[Item]:
    return list(read_batch(folder, "b1", IngestConfig(), **kwargs))


def _rows(items: list[Item]) -> dict[str, list[str | None]]:
    rows: dict[str, list[str | None]] = defaultdict(list)
    for item in items:
        if not isinstance(item, IngestNote):
            rows[item.source_path].append(None if isinstance(item, RawDocument) else item.reason)
    return {k: sorted(v, key=lambda r: (r is not None, r or "")) for k, v in rows.items()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    expected = write_hostile_batch(root / "landing" / "b1", root / "outside")
    return root / "landing" / "b1", expected, _items(root / "landing" / "b1")


def test_every_hostile_input_gets_its_rows(hostile: Hostile) -> None:
    folder, expected, items = hostile
    assert _rows(items) == expected
    bad = [i for i in items if isinstance(i, QuarantineItem)]
    assert all(q.detail and q.detail[0].isalpha() for q in bad)
    for q in bad:  # names and details reach the database as valid UTF-8
        (q.source_path + q.detail + (q.external_id or "")).encode("utf-8")


def test_independent_inventory_agrees_with_the_reader(hostile: Hostile) -> None:
    """The accounting check's own listing finds exactly the inputs the reader gave rows, and at least as many
    rows per multi-record file as it counts records."""
    folder, _, items = hostile
    rows = Counter(i.source_path for i in items if not isinstance(i, IngestNote))
    assert input_paths(folder) == set(rows)
    short = {p: (n, rows[p]) for p, n in expected_rows(folder, IngestConfig().max_file_bytes).items() if rows[p] < n}
    assert not short


def test_warc_records_that_are_not_html(hostile: Hostile) -> None:
    """Item 2: text/plain, JSON and untyped records become documents; error pages and images are quarantined
    with the status or type; protocol records are counted as notes, not inputs."""
    _, _, items = hostile
    docs = {d.url: d for d in items if isinstance(d, RawDocument) and d.source_path == "crawl.warc.gz"}
    assert {u: d.content_type for u, d in docs.items()} == {
        "https://kesterby.example/plain": "text", "https://kesterby.example/api/21": "text",
        "https://kesterby.example/untyped": "html", "https://kesterby.example/notes/23": "text"}
    assert docs["https://kesterby.example/api/21"].title == story(21)[0]
    assert docs["https://kesterby.example/api/21"].content == story(21)[1]
    details = {q.reason + ":" + q.detail for q in items if isinstance(q, QuarantineItem)
               and q.source_path == "crawl.warc.gz"}
    assert any("404 Not Found" in d and d.startswith("http_status") for d in details)
    assert any("301 Moved Permanently" in d for d in details)
    assert any("image/png" in d and d.startswith("unsupported_content_type") for d in details)
    notes = [n for n in items if isinstance(n, IngestNote) and n.source_path == "crawl.warc.gz"]
    assert [n.kind for n in notes] == ["warc_protocol_records"] * MIXED_WARC_PROTOCOL_RECORDS


def test_wide_jsonl_and_stray_controls(hostile: Hostile) -> None:
    """Item 5: UTF-16/32 JSONL give one document per record with the exact text; a NUL and two control bytes in
    a good article are replaced, not a reason to refuse it."""
    _, _, items = hostile
    docs = [d for d in items if isinstance(d, RawDocument)]
    wide = {d.external_id: d.content for d in docs if d.source_path == "wide16.jsonl"}
    assert wide == {f"w{i}": story(40 + i)[1] for i in range(3)}
    assert sorted(d.external_id for d in docs if d.source_path == "wide32.jsonl") == ["x0", "x1"]
    assert sorted(d.encoding or "" for d in docs if d.source_path.startswith("nobom16")) == ["utf-16-le"]
    damaged = next(d for d in docs if d.source_path == "stray_nul.txt")
    title, body = story(6)
    assert damaged.content == f"{title}\n\n{body[:200]} {body[200:400]}  {body[400:]}\n"  # each control -> a space


def test_txt_holding_a_web_page_is_html(hostile: Hostile, tmp_path: Path) -> None:
    """Item 8: sniffed by its start (WHATWG); a text that only quotes markup later stays text."""
    _, _, items = hostile
    assert next(d for d in items if isinstance(d, RawDocument) and d.source_path == "page.txt").content_type == "html"
    (tmp_path / "quote.txt").write_text("How to write a paragraph\n\nUse the <p> tag, then close it with </p>.\n\n"
                                        + story(60)[1], encoding="utf-8")
    assert [d.content_type for d in _items(tmp_path) if isinstance(d, RawDocument)] == ["text"]


def test_json_values_of_the_wrong_type(hostile: Hostile) -> None:
    """Item 10: no Python reprs; lists joined, numbers as text, objects/booleans refused with a note naming the
    field; epoch seconds and milliseconds become dates; invisible marks are gone."""
    _, _, items = hostile
    docs = {d.external_id: d for d in items if isinstance(d, RawDocument) and d.source_path == "typed.jsonl"}
    first, second = docs["line:1"], docs["42"]  # the object id was refused: the line key stands in
    assert (first.title, first.source, first.url, first.published) == ("Harbour, dredging", None, None,
                                                                       "2023-11-14T22:13:20Z")
    assert (second.title, second.published) == ("7", "2023-07-22T04:26:40Z")
    assert second.content == story(31)[1]  # a list of paragraphs joined with blank lines
    assert first.content.startswith("Sofia Rossi and other members of the opposition")
    assert not any(c in first.content for c in INVISIBLE)
    notes = sorted(n.detail for n in items if isinstance(n, IngestNote) and n.kind == "refused_fields")
    assert [n.split(":")[0] for n in notes] == ["line 1"] * 3 + ["line 3"] * 2
    assert any("'source' is a JSON boolean" in n for n in notes) and any("'id' is a JSON object" in n for n in notes)
    refused = next(q for q in items if isinstance(q, QuarantineItem) and q.source_path == "typed.jsonl")
    assert refused.reason == "invalid_field" and "'text' is a JSON object" in refused.detail
    for doc in docs.values():
        for value in (doc.title, doc.source, doc.url, doc.external_id, doc.published):
            assert value is None or not value.startswith(("[", "{", "True", "False", "None"))


@pytest.mark.parametrize("value,expected", [
    (1700000000, "2023-11-14T22:13:20Z"), (1700000000123, "2023-11-14T22:13:20Z"), ("1700000000", "2023-11-14T22:13:20Z"),
    (1700000000.5, "2023-11-14T22:13:20Z"), ("2023-11-14", "2023-11-14"), (2024, None), (10**20, None),
    (float("nan"), None), (False, None), ([2023, 11, 14], None),
])
def test_published_values(tmp_path: Path, value: object, expected: str | None) -> None:
    import json

    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "d", "published": value, "text": story(61)[1]}) + "\n")
    items = _items(tmp_path)
    (doc,) = [d for d in items if isinstance(d, RawDocument)]
    assert doc.published == expected
    notes = [n for n in items if isinstance(n, IngestNote)]
    assert len(notes) == (0 if expected or value is None else 1)


def test_files_that_yield_no_records(hostile: Hostile) -> None:
    """Item 14: a zero-byte WARC, an empty array, an empty object, a WARC of protocol records only: each has a
    row naming the file, with a detail that says what was (not) found."""
    _, _, items = hostile
    details = {q.source_path: q.detail for q in items if isinstance(q, QuarantineItem)}
    assert details["zero.warc"] == "the file is empty or holds only whitespace"
    assert "empty JSON array" in details["empty_array.json"]
    assert "only 2 warcinfo/request/metadata records" in details["info_only.warc.gz"]
    assert details["invisible_only.txt"] == "the file holds no visible text"


def test_symlinks_hidden_entries_and_markers(hostile: Hostile) -> None:
    """Items 3 and 13: a folder link inside the batch is followed (its copy is a duplicate of the real file),
    one outside is refused, loops are rows, hidden entries and sub-folder markers are rows."""
    _, _, items = hostile
    reasons = {q.source_path: q.reason for q in items if isinstance(q, QuarantineItem)}
    assert reasons["mirror/story.txt"] == "duplicate_record"
    assert "section/story.txt" not in reasons
    assert (reasons["elsewhere"], reasons["loop.txt"], reasons["section/up"]) == (
        "symlink_outside_batch", "symlink_loop", "symlink_loop")
    assert (reasons[".cache"], reasons[".hidden_story.txt"], reasons["section/_SUCCESS"]) == (
        "hidden_folder", "hidden_file", "marker_file")
    assert "_SUCCESS" not in reasons  # the batch's own marker is not an input


def test_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Item 13: the name reaches the rows as valid UTF-8 with visible escapes; doc_id is deterministic and hashes
    the real bytes, so a file literally named like the escape is a different document."""
    (tmp_path / NOT_UTF8_NAME).write_text(text_file(62), encoding="utf-8")
    (tmp_path / NOT_UTF8_DISPLAY).write_text(text_file(63), encoding="utf-8")
    first, second = _items(tmp_path), _items(tmp_path)
    docs = [d for d in first if isinstance(d, RawDocument)]
    assert [d.source_path for d in docs] == [NOT_UTF8_DISPLAY, NOT_UTF8_DISPLAY]
    assert len({d.doc_id for d in docs}) == 2
    assert [d.doc_id for d in docs] == [d.doc_id for d in second if isinstance(d, RawDocument)]
    assert make_doc_id("b1", NOT_UTF8_DISPLAY, "") in {d.doc_id for d in docs}
    assert input_paths(tmp_path) == {NOT_UTF8_DISPLAY}


def _read_within(folder: Path, seconds: float, **kwargs: Any) -> list[Item]:
    """read_batch on a thread: a hang fails the test instead of stalling the suite."""
    out: list[Item] = []
    worker = threading.Thread(target=lambda: out.extend(_items(folder, **kwargs)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"reading {folder} did not finish within {seconds} s"
    return out


def test_fifo_socket_and_device_never_block(tmp_path: Path) -> None:
    """Item 11: a FIFO named pipe.txt (which blocked open() forever), a socket, a device and a link to a FIFO
    inside the batch are rows `not_a_regular_file`; the good file next to them is read."""
    make_fifo(tmp_path / "pipe.txt")
    make_fifo(tmp_path / "real_pipe")
    (tmp_path / "via_link.txt").symlink_to(tmp_path / "real_pipe")
    sock = make_socket(tmp_path / "sock.jsonl")
    if os.geteuid() == 0:
        os.mknod(tmp_path / "null.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    (tmp_path / "good.txt").write_text(text_file(64), encoding="utf-8")
    try:
        items = _read_within(tmp_path, 30)
    finally:
        sock.close()
    rows = {i.source_path: (i.reason, i.detail) for i in items if isinstance(i, QuarantineItem)}
    assert rows["pipe.txt"][0] == rows["via_link.txt"][0] == rows["sock.jsonl"][0] == "not_a_regular_file"
    assert "FIFO" in rows["pipe.txt"][1] and "socket" in rows["sock.jsonl"][1]
    if os.geteuid() == 0:
        assert rows["null.txt"] == ("not_a_regular_file", "a character device is not a file with an article; not opened")
    assert [d.source_path for d in items if isinstance(d, RawDocument)] == ["good.txt"]


def test_a_read_that_hangs_is_abandoned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 11: a read that never returns (a hung network mount, simulated by a read() that waits) costs the
    batch `read_timeout` seconds and one `read_timeout` row; the next file is read by a fresh worker."""
    (tmp_path / "a_stuck.txt").write_text(text_file(65), encoding="utf-8")
    (tmp_path / "b_fine.txt").write_text(text_file(66), encoding="utf-8")
    release = threading.Event()
    real_read = os.read

    def read_hanging_on_one_file(fd: int, n: int) -> bytes:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("a_stuck.txt"):
            release.wait(60)
        return real_read(fd, n)

    monkeypatch.setattr(fileread.os, "read", read_hanging_on_one_file)
    try:
        started = time.monotonic()
        items = _read_within(tmp_path, 20, read_timeout=1.0)
        elapsed = time.monotonic() - started
    finally:
        release.set()
    rows = {i.source_path: i.reason if isinstance(i, QuarantineItem) else None for i in items}
    assert rows == {"a_stuck.txt": "read_timeout", "b_fine.txt": None}
    assert elapsed < 10


def test_bounded_reader_survives_an_error_in_a_read() -> None:
    def explode(path: str, max_bytes: int) -> FileBytes:
        raise MemoryError("simulated")

    got = BoundedReader(5, read=explode)("x", 10)
    assert isinstance(got, FileRefused) and got.reason == "unreadable" and "MemoryError" in got.detail


def test_read_file_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    make_fifo(tmp_path / "p")
    started = time.monotonic()
    got = read_file(str(tmp_path / "p"), 1 << 20)
    assert isinstance(got, FileRefused) and got.reason == "not_a_regular_file"
    assert time.monotonic() - started < 5


def test_decoding_keeps_an_article_with_a_few_nul_bytes() -> None:
    text = story(67)[1]
    damaged = (text[:100] + "\x00" + text[100:300] + "\x00\x00" + text[300:]).encode()
    assert decode_bytes(damaged).text == text[:100] + " " + text[100:300] + "  " + text[300:]
    for bom_less in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        decoded = decode_bytes(text.encode(bom_less))
        assert (decoded.text, decoded.encoding) == (text, bom_less)


def test_jsonl_mojibake_is_still_repaired(tmp_path: Path) -> None:
    """The fast UTF-8 path for JSONL lines must not skip the mojibake repair the full decoder does."""
    import json

    line = json.dumps({"id": "m", "text": "It’s “quoted” in Zürich. " + story(68)[1]}, ensure_ascii=False)
    (tmp_path / "m.jsonl").write_bytes(line.encode("utf-8").decode("latin-1").encode("utf-8") + b"\n")
    (doc,) = [d for d in _items(tmp_path) if isinstance(d, RawDocument)]
    assert doc.content.startswith("It’s “quoted” in Zürich.")


def test_folders_nested_deeper_than_the_recursion_limit() -> None:
    """A folder tree 1,200 levels deep (Python's recursion limit is 1,000) is read like any other; the deepest
    file is an article and the inventory agrees. Built and removed here, level by level, outside pytest's tmp
    folder: pytest's own clean-up of old tmp folders recurses and would fail on it."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="newsdesk-deep-"))
    levels = [base]
    try:
        for _ in range(1200):
            levels.append(levels[-1] / "d")
            os.mkdir(levels[-1])
        (levels[-1] / "bottom.txt").write_text(text_file(69), encoding="utf-8")
        items = _items(base)
        assert [(d.source_path.count("/"), isinstance(d, RawDocument)) for d in items] == [(1200, True)]
        assert input_paths(base) == {items[0].source_path}
    finally:
        (levels[-1] / "bottom.txt").unlink(missing_ok=True)
        for level in reversed(levels):
            if level.exists():
                os.rmdir(level)


def test_http_bodies_in_every_content_encoding(hostile: Hostile) -> None:
    """Issue 23, item 1: gzip, zlib and raw deflate bodies (also under chunked transfer) are
    decoded, through the bounded reader, into the page itself; a body stored decoded under a gzip
    header is taken as it is; br is refused with a true reason (no bounded brotli decoder), and a cut-off
    gzip body is truncated_gzip."""
    _, _, items = hostile
    mine = [i for i in items if not isinstance(i, IngestNote) and i.source_path == "encoded.warc"]
    docs = {d.url: d for d in mine if isinstance(d, RawDocument)}
    assert sorted(docs, key=str) == [f"https://kesterby.example/encoded/{n}" for n in range(70, 75)]
    for n in range(70, 75):
        page = decode_bytes(html_page(n).encode()).text
        assert docs[f"https://kesterby.example/encoded/{n}"].content == page
    refused = {q.reason: q.detail for q in mine if isinstance(q, QuarantineItem)}
    assert "compressed with 'br'" in refused["unsupported_content_encoding"]
    assert "no bounded brotli decoder" in refused["unsupported_content_encoding"]
    assert "Content-Encoding: gzip" in refused["truncated_gzip"]


def test_bounded_gunzip_reads_members_and_stops_at_the_limit() -> None:
    """Every member of a multi-member .gz is read (NUL padding between members skipped, as gzip
    does); a cut-off, a corrupt and an over-limit stream each get their reason, and the reader
    never hands out more than the limit."""
    one, two = text_file(80).encode(), text_file(81).encode()
    assert gunzip_bounded(gzip.compress(one) + b"\0" * 8 + gzip.compress(two), 1 << 20) == one + two
    with pytest.raises(GzipError) as cut:
        gunzip_bounded(gzip.compress(one)[:-20], 1 << 20)
    assert cut.value.reason == "truncated_gzip"
    with pytest.raises(GzipError) as bad:
        gunzip_bounded(gzip.compress(one) + b"not gzip at all", 1 << 20)
    assert bad.value.reason == "corrupt_gzip"
    with pytest.raises(GzipError) as big:
        gunzip_bounded(gzip.compress(b"x" * 300_000), 100_000)
    assert big.value.reason == "file_too_large"
    reader, handed = Inflater(gzip.compress(b"y" * 300_000), 100_000), 0
    with pytest.raises(TooLarge):
        while chunk := reader.read(7_000):
            handed += len(chunk)
    assert handed == 100_000


def _warc_rows(folder: Path, pad: int, limit: int | None) -> tuple[list[str | None], int]:
    """(the reasons of the rows of a 40-page .warc.gz whose pages end in `pad` spaces, read with
    max_file_bytes `limit` (None: the file's size); the accounting check's count for it)."""
    w = Warc()
    for n in range(40):
        page = html_page(100 + n) + " " * pad
        w.response(f"https://kesterby.example/many/{n}", page.encode(), "text/html")
    (folder / "many.warc.gz").write_bytes(w.bytes())
    limit = limit or len(w.bytes())
    items = [i for i in read_batch(folder, "b1", IngestConfig(max_file_bytes=limit))
             if not isinstance(i, IngestNote)]
    kinds = [None if isinstance(i, RawDocument) else i.reason for i in items]
    return kinds, expected_rows(folder, limit)["many.warc.gz"]


def test_warc_gz_inflating_past_the_file_limit_like_a_crawl_is_read_whole(tmp_path: Path) -> None:
    """A .warc.gz is read record by record: one that inflates to more than max_file_bytes at a
    crawl's ratio is read whole, and the accounting check (which counts only the records in its
    first max_file_bytes) asks for no more rows than that."""
    kinds, counted = _warc_rows(tmp_path, 0, 60_000)
    assert (tmp_path / "many.warc.gz").stat().st_size < 60_000 < 40 * len(html_page(100))
    assert kinds == [None] * 40
    assert 0 < counted < 40


def test_warc_gz_past_its_inflation_budget_keeps_the_records_inside_it(tmp_path: Path) -> None:
    """A .warc.gz inflating to more than WARC_INFLATE_RATIO times its size (a bomb's ratio): every
    record that ends inside the budget is a document, the rest one file_too_large row."""
    kinds, counted = _warc_rows(tmp_path, 200_000, None)
    assert WARC_INFLATE_RATIO * (tmp_path / "many.warc.gz").stat().st_size < 40 * 200_000
    assert kinds[-1] == "file_too_large" and set(kinds[:-1]) == {None}
    assert 1 < len(kinds) - 1 < 40
    assert counted <= len(kinds)


def test_the_worker_pool_reads_the_hostile_batch_as_this_process_does(
    hostile: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big batch's files are parsed by worker processes (newsdesk.ingest.stage.POOL_FROM_FILES):
    the same items in the same order, duplicates across jobs included (small jobs here, so that
    every file's neighbours are in other jobs)."""
    from newsdesk.ingest import batch

    folder, _, items = hostile
    monkeypatch.setattr(batch, "CHUNK_FILES", 3)
    pooled = _items(folder, workers=2, scratch=tmp_path)
    assert len(pooled) == len(items) > 20
    assert pooled == items
    assert (tmp_path / "progress").is_dir()  # the worker pool's progress marks: it did the work
