"""Ingest: every format, every bad input accounted for with a reason, nothing raised."""

import gzip
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from badinput import ARTICLE, jsonl_lines, warc_bytes, write_bad_batch
from helpers import as_nobody

from newsdesk.config import IngestConfig
from newsdesk.ingest import fileread
from newsdesk.ingest.batch import make_doc_id, read_batch
from newsdesk.ingest.decode import DecodeError, decode_bytes
from newsdesk.records import QuarantineItem, RawDocument


def _read(folder: Path, config: IngestConfig = IngestConfig()) -> tuple[list[RawDocument], list[QuarantineItem]]:
    items = list(read_batch(folder, "b1", config))
    return ([i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, QuarantineItem)])


def test_bad_batch_every_file_accounted_for(tmp_path: Path) -> None:
    expected = write_bad_batch(tmp_path / "batch")
    docs, bad = _read(tmp_path / "batch")
    reasons = {q.source_path: q.reason for q in bad}
    for name, reason in expected.items():
        if reason is None:
            assert name in {d.source_path for d in docs}, name
            assert name not in reasons, (name, reasons.get(name))
        else:
            assert reasons.get(name) == reason, name
    assert all(q.detail and q.detail[0].isalpha() for q in bad)  # a sentence for a person, not an empty code


def test_truncated_warc_keeps_complete_records(tmp_path: Path) -> None:
    whole = warc_bytes(4)
    (tmp_path / "cut.warc.gz").write_bytes(whole[: len(whole) - 150])
    docs, bad = _read(tmp_path)
    assert len(docs) == 3 and [q.reason for q in bad] == ["truncated_warc"]
    assert all(d.content_type == "html" and (d.url or "").startswith("https://portalder.example/")
               for d in docs)


def test_uncompressed_warc_cut_inside_a_record(tmp_path: Path) -> None:
    whole = warc_bytes(2, gz=False)
    (tmp_path / "cut.warc").write_bytes(whole[: len(whole) - 80])
    docs, bad = _read(tmp_path)
    assert len(docs) == 1 and [q.reason for q in bad] == ["truncated_warc"]


def test_invalid_json_lines_only_those_quarantined(tmp_path: Path) -> None:
    lines = jsonl_lines(5)
    lines.insert(2, '{"id": "broken", "text": "cut off')
    lines.insert(4, "[1, 2, 3]")
    lines.append(json.dumps({"id": "no-body", "title": "nothing"}))
    lines.append(lines[0])  # same id twice in one file
    (tmp_path / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, bad = _read(tmp_path)
    assert sorted(d.external_id for d in docs) == [f"rec-{i}" for i in range(5)]
    assert sorted(q.reason for q in bad) == ["duplicate_id", "invalid_json", "invalid_record", "no_content"]
    assert next(q for q in bad if q.reason == "invalid_json").detail.startswith("line 3 ")


def test_json_object_and_array(tmp_path: Path) -> None:
    records = [json.loads(line) for line in jsonl_lines(3)]
    (tmp_path / "one.json").write_text(json.dumps({**records[0], "id": "single"}), encoding="utf-8")
    (tmp_path / "many.json.gz").write_bytes(gzip.compress(json.dumps(records).encode()))
    docs, bad = _read(tmp_path)
    assert not bad and len(docs) == 4
    assert {d.format for d in docs} == {"json"}
    assert sorted(d.external_id for d in docs) == ["rec-0", "rec-1", "rec-2", "single"]


def test_file_over_limit_quarantined_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    (tmp_path / "small.txt").write_text(ARTICLE, encoding="utf-8")
    docs, bad = _read(tmp_path, IngestConfig(max_file_bytes=1024 * 1024))
    assert [d.source_path for d in docs] == ["small.txt"]
    assert [(q.reason, q.n_bytes) for q in bad] == [("file_too_large", 200 * 1024 * 1024)]


def test_gzip_bomb_refused(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (8 * 1024 * 1024)))
    _, bad = _read(tmp_path, IngestConfig(max_file_bytes=1024 * 1024))
    assert [q.reason for q in bad] == ["file_too_large"]


def test_symlink_outside_batch_refused(tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text(ARTICLE, encoding="utf-8")
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "link.txt").symlink_to(secret)
    (batch / "inside.txt").write_text(ARTICLE.replace("Monday", "Sunday"), encoding="utf-8")
    (batch / "alias.txt").symlink_to(batch / "inside.txt")
    docs, bad = _read(batch)
    # A link inside the batch is read (once: the second name is a byte-identical duplicate).
    assert sorted((q.source_path, q.reason) for q in bad) == [("inside.txt", "duplicate_record"),
                                                              ("link.txt", "symlink_outside_batch")]
    assert [d.source_path for d in docs] == ["alias.txt"]


def test_broken_symlink_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    _, bad = _read(tmp_path)
    assert [q.reason for q in bad] == ["unreadable"]


def _reasons_as_nobody(folder: Path) -> list[str]:
    """Quarantine reasons of reading `folder` in a forked child that gave up root (which reads any mode)."""
    _read(folder.parent / "warm")  # import lazily-loaded modules while the files under /root are still readable
    reasons = as_nobody(lambda: [q.reason for q in _read(folder)[1]])
    assert isinstance(reasons, list)
    return reasons


def test_unreadable_file(tmp_path: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="newsdesk-unreadable-"))  # under /tmp: a non-root child can reach it
    try:
        base.chmod(0o755)
        (base / "warm").mkdir()
        batch = base / "batch"
        batch.mkdir(mode=0o755)
        path = batch / "locked.txt"
        path.write_text(ARTICLE, encoding="utf-8")
        path.chmod(0)
        reasons = _reasons_as_nobody(batch) if os.geteuid() == 0 else [q.reason for q in _read(batch)[1]]
        assert reasons == ["unreadable"]
    finally:
        shutil.rmtree(base)


def test_same_file_twice_in_a_batch(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    docs, bad = _read(tmp_path)
    assert [d.source_path for d in docs] == ["a.txt"]
    assert [(q.source_path, q.reason) for q in bad] == [("b.txt", "duplicate_record")]
    assert docs[0].doc_id in bad[0].detail


def test_file_growing_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(ARTICLE.encode() * 100)
    real_open = os.open

    def open_while_a_writer_appends(name: str, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = real_open(name, flags, *args, **kwargs)
        if str(name).endswith("growing.txt") and not flags & (os.O_WRONLY | os.O_RDWR):
            with open(name, "ab") as writer:  # another process appends after we looked at the size
                writer.write(b" more words")
        return fd

    monkeypatch.setattr(fileread.os, "open", open_while_a_writer_appends)
    _, bad = _read(tmp_path)
    assert [q.reason for q in bad] == ["file_changed_while_reading"]


def test_doc_ids_are_deterministic(tmp_path: Path) -> None:
    (tmp_path / "wire.jsonl").write_text("\n".join(jsonl_lines(3)) + "\n", encoding="utf-8")
    first, _ = _read(tmp_path)
    second, _ = _read(tmp_path)
    assert [d.doc_id for d in first] == [d.doc_id for d in second]
    assert first[0].doc_id == make_doc_id("b1", "wire.jsonl", "id:rec-0")
    assert len({d.doc_id for d in first}) == 3


@pytest.mark.parametrize("data,encoding,expected", [
    ("Café in Zürich, naïve résumé.".encode("cp1252") * 5, "cp1252", "Café in Zürich"),
    ("It’s “quoted”".encode().decode("latin-1").encode("utf-8"), "utf-8", "It’s “quoted”"),  # mojibake
    ("\ufeffByte order mark".encode("utf-16"), "utf-16", "Byte order mark"),
    (b"\xef\xbb\xbfUTF-8 BOM", "utf-8-sig", "UTF-8 BOM"),
    (b"windows\r\nline\r\nends", "utf-8", "windows\nline\nends"),
])
def test_decoding(data: bytes, encoding: str, expected: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding and decoded.text.startswith(expected)


def test_decoding_refuses_binary() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(b"GIF89a\x00\x01\x02")
    assert info.value.reason == "binary_content"


def test_a_big_batch_ingested_by_the_worker_pool_writes_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage parses a batch of POOL_FROM_FILES files or more in the worker pool: the same
    stats and the same document rows as in this process (the bad batch: every kind of refusal)."""
    import duckdb
    from helpers import store_for

    from newsdesk.ingest import stage

    write_bad_batch(tmp_path / "batch")
    results = []
    for pool_from in (10**9, 1):
        monkeypatch.setattr(stage, "POOL_FROM_FILES", pool_from)
        db = tmp_path / f"news-{pool_from}.duckdb"
        store = store_for(db)
        store.ensure_schema()
        stats = stage.ingest_batch(store, tmp_path / "batch", "b1", IngestConfig())
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute(
            "SELECT d.doc_id, d.source_path, d.sha256, c.content FROM pending.documents d"
            " JOIN main.document_contents c USING (doc_id) ORDER BY d.doc_id"
        ).fetchall()
        rows += con.execute(
            "SELECT source_path, reason, detail, doc_id FROM pending.quarantine ORDER BY ALL"
        ).fetchall()
        con.close()
        results.append((stats, rows))
    (here, here_rows), (pooled, pooled_rows) = results
    assert pooled == here and here["dropped_duplicate_record"] >= 1 and here["kept"] >= 3
    assert pooled_rows == here_rows
