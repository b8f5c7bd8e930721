"""Issue 13: the independent inventory the accounting check counts inputs from (newsdesk.ingest.inventory)."""

import gzip
import json
import os
import shutil
import stat
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from helpers import as_nobody
from hostile import NOT_UTF8_DISPLAY, NOT_UTF8_NAME, Warc, html_page, make_fifo, make_socket, story, text_file

from newsdesk.config import IngestConfig
from newsdesk.ingest.batch import IngestNote, read_batch
from newsdesk.ingest.inventory import expected_rows, input_paths, inventory, kind_counts
from newsdesk.ingest.names import MARKER_FILES


def _layout(batch: Path, outside: Path) -> None:
    outside.mkdir()
    (outside / "o.txt").write_text("outside", encoding="utf-8")
    batch.mkdir()
    (batch / "_SUCCESS").write_bytes(b"")
    (batch / "a.txt").write_text("a", encoding="utf-8")
    (batch / ".DS_Store").write_bytes(b"\x00")
    (batch / ".git").mkdir()
    (batch / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (batch / "sub").mkdir()
    (batch / "sub" / "_MANIFEST").write_text("a.txt", encoding="utf-8")
    (batch / "sub" / "b.txt").write_text("b", encoding="utf-8")
    (batch / "sub" / "parent").symlink_to("..", target_is_directory=True)
    (batch / "linked").symlink_to("sub", target_is_directory=True)
    (batch / "out_dir").symlink_to(outside, target_is_directory=True)
    (batch / "out_file.txt").symlink_to(outside / "o.txt")
    (batch / "in_file.txt").symlink_to("a.txt")
    (batch / "gone.txt").symlink_to("nowhere.txt")
    (batch / "self.txt").symlink_to("self.txt")
    make_fifo(batch / "pipe.txt")
    (batch / NOT_UTF8_NAME).write_text("x", encoding="utf-8")


def test_every_kind_of_entry(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    _layout(batch, tmp_path / "outside")
    sock = make_socket(batch / "sock")
    try:
        kinds = {e.path: e.kind for e in inventory(batch)}
    finally:
        sock.close()
    assert kinds == {
        "_SUCCESS": "marker", "a.txt": "file", ".DS_Store": "hidden_file", ".git": "hidden_dir", "sub": "dir",
        "sub/_MANIFEST": "marker_in_subfolder", "sub/b.txt": "file", "sub/parent": "symlink_loop",
        "linked": "symlink_to_dir_inside", "linked/_MANIFEST": "marker_in_subfolder", "linked/b.txt": "file",
        "linked/parent": "symlink_loop", "out_dir": "symlink_to_dir_outside", "out_file.txt": "symlink_to_file_outside",
        "in_file.txt": "symlink_to_file_inside", "gone.txt": "broken_symlink", "self.txt": "symlink_loop",
        "pipe.txt": "fifo", "sock": "socket", NOT_UTF8_DISPLAY: "file"}
    inputs = input_paths(batch)
    assert inputs == set(kinds) - {"_SUCCESS", "sub", "linked"}
    assert kind_counts(inventory(batch))["symlink_loop"] == 3


def test_reader_and_inventory_agree(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    _layout(batch, tmp_path / "outside")
    rows = {i.source_path for i in read_batch(batch, "b", IngestConfig()) if not isinstance(i, IngestNote)}
    assert rows == input_paths(batch)


def _old_reader_listing(batch: Path) -> set[str]:
    """The reader's listing before issue 13 (os.walk, links to folders not followed, hidden names and markers
    skipped everywhere): the accounting check used the same one, so what it skipped was never missed."""
    found = set()
    for root, dirs, files in os.walk(batch, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found |= {(Path(root) / f).relative_to(batch).as_posix() for f in files
                  if not f.startswith(".") and f not in MARKER_FILES}
    return found


def test_inventory_catches_what_the_old_listing_skipped(tmp_path: Path) -> None:
    """Item 3: a check counting from the inventory misses what the old reader skipped silently."""
    batch = tmp_path / "batch"
    _layout(batch, tmp_path / "outside")
    os.unlink(batch / NOT_UTF8_NAME)  # the old listing crashed later on it rather than skipping it
    skipped = input_paths(batch) - _old_reader_listing(batch)
    assert skipped == {".DS_Store", ".git", "sub/_MANIFEST", "linked/_MANIFEST", "linked/b.txt", "linked/parent",
                       "out_dir", "sub/parent"}


def test_expected_rows_counts_records_inside_files(tmp_path: Path) -> None:
    """Item 2 and 5 at record level: a WARC's page records (not its protocol records) and a JSONL's lines,
    UTF-16 included, are counted by the inventory's own parsers, so dropping records inside a file shows."""
    w = Warc()
    w.warcinfo()
    w.request("https://kesterby.example/1")
    w.response("https://kesterby.example/1", html_page(70).encode(), "text/html")
    w.response("https://kesterby.example/2", text_file(71).encode(), "text/plain")
    w.response("https://kesterby.example/3", b"{}", None)
    w.metadata("https://kesterby.example/1")
    (tmp_path / "crawl.warc.gz").write_bytes(w.bytes())
    whole = w.bytes()
    (tmp_path / "cut.warc.gz").write_bytes(whole[:len(whole) - 60])  # inside the last (metadata) record
    lines = "\n".join(json.dumps({"id": i, "text": story(72 + i)[1]}) for i in range(3)) + "\n\n"
    (tmp_path / "wide.jsonl").write_bytes(lines.encode("utf-16"))
    (tmp_path / "plain.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "one.txt").write_text("x", encoding="utf-8")
    expected = expected_rows(tmp_path, IngestConfig().max_file_bytes)
    assert expected == {"crawl.warc.gz": 3, "cut.warc.gz": 3, "wide.jsonl": 3, "plain.jsonl.gz": 3, "one.txt": 1}
    rows = Counter(i.source_path for i in read_batch(tmp_path, "b", IngestConfig()) if not isinstance(i, IngestNote))
    assert all(rows[path] >= n for path, n in expected.items()), rows


def test_unreadable_folder_is_an_input() -> None:
    """A folder the pipeline may not list is one input, for the inventory and for the reader alike."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a child as nobody")
    base = Path(tempfile.mkdtemp(prefix="newsdesk-inventory-"))
    try:
        base.chmod(0o755)
        (base / "locked").mkdir(mode=0o755)
        (base / "locked" / "x.txt").write_text(text_file(75), encoding="utf-8")
        (base / "locked").chmod(0)
        (base / "open.txt").write_text(text_file(76), encoding="utf-8")
        kinds, rows = as_nobody(lambda: [
            {e.path: e.kind for e in inventory(base)},
            {i.source_path: getattr(i, "reason", None) for i in read_batch(base, "b", IngestConfig())}])
        assert kinds == {"locked": "unreadable_dir", "open.txt": "file"}
        assert rows == {"locked": "unreadable", "open.txt": None}
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_device_and_special_files() -> None:
    if os.geteuid() != 0:
        pytest.skip("mknod needs root")
    base = Path(tempfile.mkdtemp(prefix="newsdesk-inventory-"))
    try:
        os.mknod(base / "null", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        assert [(e.path, e.kind, e.is_input) for e in inventory(base)] == [("null", "char_device", True)]
    finally:
        shutil.rmtree(base)
