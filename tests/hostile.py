"""Builders of the hostile inputs of issue 13, written by the tests themselves (no sentence comes from the seeds).

`write_hostile_batch` lays out one batch folder holding every ingest-level case at once, so one real pipeline run
answers many assertions; it returns, per file, the reasons its rows should carry (None for a document).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import socket
import struct
import zlib
from pathlib import Path

from badinput import article_html
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TOWNS = ["Port Alder", "Kesterby", "Morrow Bay", "Lindenfeld", "Okara Falls", "Brenmoor", "Saltash Vale",
         "Thornwick", "Caldera Springs", "Wexmoor", "Ravensholm", "Dunmere", "Halvard", "Eastmere", "Corran Point"]
PEOPLE = ["Nora Lindqvist", "Tomas Greer", "Amina Sato", "Lucas Ferrant", "Priya Madsen", "Jon Ekwueme",
          "Helga Brandt", "Mateo Quiroga", "Yusuf Demir", "Clara Oyelaran", "Ivo Petrak", "Maren Holt",
          "Rosa Vidal", "Kwame Asante", "Elin Sorensen", "Dmitri Volkov", "Aiko Tanabe", "Fergus Doyle"]
WORKS = ["the old ferry terminal", "the river embankment", "the north school roof", "the tram depot",
         "the fish market hall", "the coastal footpath", "the water treatment plant", "the swing bridge",
         "the public library annex", "the harbour crane", "the sports hall", "the bus station canopy"]
DISTRICTS = ["Millbank", "Old Quay", "Hillcrest", "Southgate", "Riverside", "Tanner's Row", "Upper Marsh"]
COMPANIES = ["Brightwater Civil", "Harlow and Finch", "Northline Engineering", "Castell Build", "Meridian Works"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = ["January", "March", "April", "June", "September", "November"]
SUBJECTS = ["The council of {town}", "{person}, who chairs the works committee,", "A spokesperson for {town}",
            "Residents of the {district} district", "The regional transport agency", "Engineers from {company}",
            "The mayor's office in {town}", "A group of shop owners led by {other}", "The opposition leader, {other},",
            "Inspectors from the county", "{person}", "The harbour board"]
VERBS = ["said on {day} that", "announced that", "warned reporters that", "confirmed in a statement that",
         "told a packed public meeting that", "argued on local radio that", "admitted that", "wrote to residents that",
         "insisted that", "revealed on {day} that"]
CLAUSES = ["repairs to {work} would cost {cost} thousand euros", "{work} would stay shut for {weeks} more weeks",
           "the contractor had found far more rot than the survey predicted", "a second survey of {work} was overdue",
           "the {year} budget left no room for further delays", "lorries would be diverted through {district} until {month}",
           "{company} had won the tender with the lowest bid", "night work near {work} would be limited to two shifts",
           "the insurer had refused to cover storm damage to {work}", "volunteers had cleared debris from {work}",
           "a public inquiry into the delays could open in {month}", "ticket prices would not rise to pay for the work"]
TAILS = [", citing the flooding of last {month}.", " after months of complaints.", ", according to minutes seen by this "
         "paper.", ".", " despite objections from {other}.", ", a decision {company} welcomed.", " on a crowded evening in "
         "{town}.", ", though no date has been fixed.", " and promised weekly updates."]
QUOTES = ["We cannot ask people to wait another winter", "Every month of delay makes the bill bigger",
          "Nobody here wanted this, but the structure is unsafe", "The money is there and the plan is sound",
          "Residents deserve straight answers about the cost", "We will not cut corners on safety"]
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2069\ufeff\u00ad"


def story(i: int) -> tuple[str, str]:
    """A distinct made-up local news story (title, three paragraphs) for any i >= 0: sentences are drawn slot by
    slot, so two stories share few five-word runs (dedup does not see them as copies)."""
    rng = random.Random(i * 7919 + 17)
    town, person, work = TOWNS[i % len(TOWNS)], rng.choice(PEOPLE), rng.choice(WORKS)

    def fill(template: str) -> str:
        return template.format(town=town, person=person, work=work, other=rng.choice(PEOPLE),
                               district=rng.choice(DISTRICTS), company=rng.choice(COMPANIES), day=rng.choice(DAYS),
                               month=rng.choice(MONTHS), year=2020 + rng.randrange(8), cost=100 + rng.randrange(900),
                               weeks=2 + rng.randrange(30))

    def sentence() -> str:
        text = " ".join(fill(rng.choice(part)) for part in (SUBJECTS, VERBS, CLAUSES)) + fill(rng.choice(TAILS))
        return text[0].upper() + text[1:]

    paragraphs = [" ".join(sentence() for _ in range(3)) for _ in range(3)]
    paragraphs[1] += f' "{rng.choice(QUOTES)}," {person.split()[0]} said.'
    return f"{town} weighs the future of {work} ({i})", "\n\n".join(paragraphs)


def text_file(i: int) -> str:
    title, body = story(i)
    return f"{title}\n\n{body}\n"


def html_page(i: int) -> str:
    title, body = story(i)
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Home | News | Sport</nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article><footer>Kesterby Courier</footer></body></html>")


def deep_html(i: int, depth: int) -> str:
    """The story's paragraphs nested `depth` <div>s deep (issue 13 item 4)."""
    title, body = story(i)
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<html><head><title>{title}</title></head><body>" + "<div>" * depth + paragraphs + "</div>" * depth
            + "</body></html>")


class Warc:
    """A WARC written record by record (gzip per record, unless `gzip` is False)."""

    def __init__(self, gzip: bool = True) -> None:
        self.buf = io.BytesIO()
        self.writer = WARCWriter(self.buf, gzip=gzip)

    def response(self, uri: str, payload: bytes, content_type: str | None, status: str = "200 OK") -> None:
        headers = [("Content-Type", content_type)] if content_type else []
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                                                http_headers=http))

    def request(self, uri: str) -> None:
        http = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "kesterby.example")], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(uri, "request", http_headers=http))

    def warcinfo(self) -> None:
        self.writer.write_record(self.writer.create_warcinfo_record("crawl.warc.gz", {"software": "newsdesk-tests"}))

    def metadata(self, uri: str) -> None:
        self.writer.write_record(self.writer.create_warc_record(
            uri, "metadata", payload=io.BytesIO(b"outlink: https://kesterby.example/about\r\n"),
            warc_content_type="application/warc-fields"))

    def resource(self, uri: str, payload: bytes, content_type: str) -> None:
        self.writer.write_record(self.writer.create_warc_record(uri, "resource", payload=io.BytesIO(payload),
                                                                warc_content_type=content_type))

    def revisit(self, uri: str) -> None:
        self.writer.write_record(self.writer.create_revisit_record(
            uri, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=uri,
            refers_to_date="2026-01-01T00:00:00Z"))

    def bytes(self) -> bytes:
        return self.buf.getvalue()


def mixed_warc() -> tuple[bytes, list[str | None]]:
    """Issue 13 item 2: a crawl WARC whose pages are not all HTML, with protocol records around them."""
    w = Warc()
    w.warcinfo()
    w.request("https://kesterby.example/plain")
    w.response("https://kesterby.example/plain", text_file(20).encode(), "text/plain; charset=utf-8")
    title, body = story(21)
    w.response("https://kesterby.example/api/21", json.dumps({"title": title, "text": body}).encode(),
               "application/json")
    w.response("https://kesterby.example/untyped", html_page(22).encode(), None)
    w.response("https://kesterby.example/missing", article_html("Page not found").encode(), "text/html",
               "404 Not Found")
    w.response("https://kesterby.example/old", b"", "text/html", "301 Moved Permanently")
    w.response("https://kesterby.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")
    w.metadata("https://kesterby.example/plain")
    w.revisit("https://kesterby.example/plain")
    w.resource("https://kesterby.example/notes/23", text_file(23).encode(), "text/plain")
    return w.bytes(), [None, None, None, "http_status", "http_status", "unsupported_content_type", "warc_revisit",
                       None]


MIXED_WARC_PROTOCOL_RECORDS = 3  # warcinfo, request, metadata


def typed_jsonl() -> bytes:
    """Issue 13 item 10: JSON values of the wrong type, a Unix-epoch date, zero-width and bidi marks."""
    title, body = story(30)
    marked = "Sofia\u200b Rossi and \u202eother members of the opposition asked for a survey. " + body
    _, body2 = story(31)
    lines = [
        {"id": {"u": 1}, "title": ["Harbour", "dredging"], "source": True, "url": ["https://a.example", "b"],
         "published": 1700000000, "text": marked},
        {"id": 42, "title": 7, "published": 1690000000000, "text": body2.split("\n\n")},
        {"id": "no-text", "published": True, "text": {"body": "an object, not text"}},
    ]
    return ("\n".join(json.dumps(line) for line in lines) + "\n").encode()


def write_hostile_batch(folder: Path, outside: Path) -> dict[str, list[str | None]]:
    """One batch with every ingest-level hostile input; `outside` is a folder next to the landing zone.
    Returns {source_path: sorted reasons of its rows} (None = a document)."""
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    expected: dict[str, list[str | None]] = {}

    def put(name: str, data: bytes, *reasons: str | None) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = list(reasons)

    (folder / "_SUCCESS").write_bytes(b"")  # the batch's own marker: not an input
    put("good.txt", text_file(1).encode(), None)
    # 2: WARC records that are not HTML
    data, reasons = mixed_warc()
    put("crawl.warc.gz", data, *reasons)
    info_only = Warc()
    info_only.warcinfo()
    info_only.request("https://kesterby.example/")
    put("info_only.warc.gz", info_only.bytes(), "no_records")
    # 3: a symlinked folder inside the batch, one outside, hidden entries, markers in a sub-folder
    put("section/story.txt", text_file(2).encode(), None)
    put("section/_SUCCESS", b"", "marker_file")
    put("section/_MANIFEST", b"story.txt\n", "marker_file")
    (folder / "mirror").symlink_to("section", target_is_directory=True)
    expected.update({"mirror/story.txt": ["duplicate_record"], "mirror/_SUCCESS": ["marker_file"],
                     "mirror/_MANIFEST": ["marker_file"]})
    (outside / "elsewhere.txt").write_bytes(text_file(3).encode())
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    expected["elsewhere"] = ["symlink_outside_batch"]
    put(".hidden_story.txt", text_file(4).encode(), "hidden_file")
    put(".cache/notes.txt", text_file(5).encode())
    expected.pop(".cache/notes.txt")
    expected[".cache"] = ["hidden_folder"]
    # 5: UTF-16/32 JSONL, a stray NUL and controls in a good article, BOM-less UTF-16 text
    records = [json.dumps({"id": f"w{i}", "title": story(40 + i)[0], "text": story(40 + i)[1]}) for i in range(3)]
    put("wide16.jsonl", ("\n".join(records) + "\n").encode("utf-16"), None, None, None)
    records32 = [json.dumps({"id": f"x{i}", "text": story(43 + i)[1]}) for i in range(2)]
    put("wide32.jsonl", ("\r\n".join(records32) + "\r\n").encode("utf-32"), None, None)
    records_le = [json.dumps({"id": f"le{i}", "text": story(45 + i)[1]}) for i in range(2)]
    put("wide16le_nobom.jsonl", ("\n".join(records_le) + "\n").encode("utf-16-le"), None, None)
    title, body = story(6)
    damaged = f"{title}\n\n{body[:200]}\x00{body[200:400]}\x01\x7f{body[400:]}\n"
    put("stray_nul.txt", damaged.encode(), None)
    put("nobom16.txt", text_file(7).encode("utf-16-le"), None)
    put("noise.txt", random.Random(13).randbytes(4000), "binary_content")
    # 8: a .txt holding a web page
    put("page.txt", html_page(8).encode(), None)
    # 10: wrong JSON types, epoch dates, invisible marks
    put("typed.jsonl", typed_jsonl(), None, None, "invalid_field")
    # 13: symbolic link loops (a file link to itself, a folder link to its parent)
    (folder / "loop.txt").symlink_to("loop.txt")
    expected["loop.txt"] = ["symlink_loop"]
    (folder / "section" / "up").symlink_to("..", target_is_directory=True)
    expected.update({"section/up": ["symlink_loop"], "mirror/up": ["symlink_loop"]})
    # 14: files that yield no records
    put("zero.warc", b"", "empty_file")
    put("empty_array.json", b"[]", "no_records")
    put("empty_object.json", b"{}", "no_content")
    put("blank_lines.jsonl", b"\n\n  \n", "empty_file")
    # Not listed in the issue: parser limits, lone surrogates, a repeated archive, odd names, invisible-only text
    put("deep.json", b"[" * 100_000 + b"]" * 100_000, "invalid_json")
    put("bigint.jsonl", (json.dumps({"id": "ok", "text": story(9)[1]}) + "\n{\"id\": " + "9" * 5000
                         + ", \"text\": \"x\"}\n").encode(), None, "invalid_json")
    put("surrogates.jsonl", (json.dumps({"id": "s1", "title": "Lone \ud800 half", "text": story(10)[1]
                                         .replace("council", "coun\udfffcil", 1)}) + "\n").encode(), None)
    twice = Warc()
    twice.response("https://kesterby.example/twice", html_page(11).encode(), "text/html")
    put("twice.warc.gz", twice.bytes() * 2, None, "duplicate_id")
    put("line\nbreak and tab\t.txt", text_file(12).encode(), None)
    put("invisible_only.txt", (INVISIBLE * 20).encode(), "empty_file")
    # Issue 23, item 1: every Content-Encoding of an HTTP body (the bombs have their own test:
    # test_bombs.py)
    data, reasons = encoded_warc()
    put("encoded.warc", data, *reasons)
    # A header line with no end: warcio's readline would join it in quadratic time (it crashed)
    put("long_header.warc", b"WARC/1.0\r\nWARC-Type: response\r\nX-Pad: " + b"a" * (3 << 20),
        "invalid_warc")
    put("bom_only.txt", b"\xef\xbb\xbf", "empty_file")
    return {name: sorted(reasons, key=lambda r: (r is not None, r or "")) for name, reasons in expected.items()}


def write_deep_page(folder: Path, depth: int = 260) -> str:
    """Issue 13 item 4, in its own file: returns the name."""
    (folder / "deep.html").write_text(deep_html(50, depth), encoding="utf-8")
    return "deep.html"


def many_stories_jsonl(n: int, start: int = 100) -> bytes:
    return ("\n".join(json.dumps({"id": f"s{i}", "title": story(i)[0], "text": story(i)[1]})
                      for i in range(start, start + n)) + "\n").encode()


def long_article(chars: int) -> str:
    """One article longer than spaCy's default nlp.max_length (1,000,000) but under the record limit."""
    paragraphs, i, size = [], 0, 0
    while size < chars:
        paragraphs.append(story(500 + i)[1])
        size += len(paragraphs[-1]) + 2
        i += 1
    return "Council works across the region\n\n" + "\n\n".join(paragraphs)


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_socket(path: Path) -> socket.socket:
    """A bound Unix socket file; the caller closes it when done."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    return sock


NOT_UTF8_NAME = os.fsdecode(b"caf\xe9 \xff story.txt")  # latin-1 bytes and a byte no encoding starts with
NOT_UTF8_DISPLAY = "caf\\xe9 \\xff story.txt"


# -- formulas in titles and outlets (issue 23, item 3: CSV exports; test_csv_safety.py) ------------
# Title -> outlet of each article. Tab- and CR-led cells are made in SQL by that test: ingest strips
# a title's leading whitespace.
CSV_FORMULAS = {
    '=HYPERLINK("http://x","y")': "=cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")': "@SUM(1+1)",
    "+cmd|' /C calc'!A0": "+Herald",
    "@SUM(1+1)": "-2+3",
    "-2+3": "The Plain Outlet",
}


# -- decompression bombs (issue 23, item 1) -------------------------------------------------------
BOMB_BYTES = 10 * 2**20  # each bomb's size on disk
_UNIT = 2**20  # inflated bytes per repeated deflate block


def deflate_bomb(head: bytes, unit: bytes, size: int = BOMB_BYTES) -> tuple[bytes, int]:
    """(raw deflate data of about `size` bytes, what it inflates to in bytes): `head`, then `unit`
    (1 MiB of repetitive text) again and again. Each unit is compressed once after a full flush, so
    its compressed bytes repeat exactly and a 10 MB bomb (about 10 GB inflated) is built in
    milliseconds."""
    assert len(unit) == _UNIT
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    assert packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH) == block
    n = max(1, (size - len(first)) // len(block))
    return first + block * n + packer.flush(), len(head) + n * _UNIT


def as_gzip(raw: bytes, n_out: int) -> bytes:
    """One gzip member around raw deflate data. The trailer's CRC is not the data's: computing it
    would mean inflating the bomb, and no bounded reader gets that far (an unbounded one fails on
    memory long before)."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + raw + struct.pack("<II", 0, n_out & 0xFFFFFFFF)


def as_zlib(raw: bytes) -> bytes:
    """A zlib stream (HTTP's `deflate`) around raw deflate data; its checksum is not the data's, as
    in as_gzip."""
    return b"\x78\xda" + raw + b"\x00\x00\x00\x00"


def _filler(line: bytes) -> bytes:
    return (line * (_UNIT // len(line) + 1))[:_UNIT]


def gzip_text_bomb() -> bytes:
    """A `.txt.gz` of one endless paragraph."""
    raw, n = deflate_bomb(b"Harbour works: ", _filler(b"the tide came in and went out again. "))
    return as_gzip(raw, n)


def gzip_jsonl_bomb() -> bytes:
    """A `.jsonl.gz` of endless short article lines."""
    line = b'{"id": "tide", "text": "The tide came in and went out again."}\n'
    raw, n = deflate_bomb(b"", _filler(line))
    return as_gzip(raw, n)


def _warc_record(block_len: int, uri: str, record_id: str) -> bytes:
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
            f"WARC-Date: 2026-01-05T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {block_len}\r\n\r\n").encode()


def warc_record_bomb() -> bytes:
    """A `.warc.gz` (gzip per record): a good page, a record whose gzip member inflates to ~10 GB
    of HTML (its Content-Length says so honestly), then another good page."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    unit = _filler(b"the tide came in and went out again. ")
    n_units = BOMB_BYTES // 1037  # 1 MiB of repeated text deflates to about 1 KB
    record = _warc_record(len(http) + n_units * _UNIT, "https://bomb.example/tide",
                          "00000000-0000-4000-8000-0000000b0b01")
    raw, n = deflate_bomb(record + http, unit, BOMB_BYTES)
    before, after = Warc(), Warc()
    before.response("https://kesterby.example/before", html_page(60).encode(), "text/html")
    after.response("https://kesterby.example/after", html_page(61).encode(), "text/html")
    return before.bytes() + as_gzip(raw, n) + after.bytes()


def warc_encoding_bomb(coding: str) -> bytes:
    """A plain `.warc`: a good page, a response whose body is a ~10 GB bomb sent with
    `Content-Encoding: coding` (gzip or deflate), then another good page."""
    raw, n = deflate_bomb(b"<html><body><p>", _filler(b"the tide came in and went out again. "))
    body = as_gzip(raw, n) if coding == "gzip" else as_zlib(raw)
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {coding}\r\n" \
           f"Content-Length: {len(body)}\r\n\r\n".encode()
    uri, page = f"https://bomb.example/{coding}", 62 if coding == "gzip" else 66
    before, after = Warc(gzip=False), Warc(gzip=False)
    before.response(f"https://kesterby.example/before-{coding}", html_page(page).encode(),
                    "text/html")
    after.response(f"https://kesterby.example/after-{coding}", html_page(page + 1).encode(),
                   "text/html")
    record_id = f"00000000-0000-4000-8000-00000000{len(coding):04d}"
    bomb = _warc_record(len(http) + len(body), uri, record_id) + http + body
    return before.bytes() + bomb + b"\r\n\r\n" + after.bytes()


def encoded_warc() -> tuple[bytes, list[str | None]]:
    """A plain `.warc` of HTTP bodies in each Content-Encoding: gzip, zlib and raw deflate, gzip
    over chunked transfer, a body stored decoded under a gzip header (crawlers do that), br (not
    decoded: brotli's decoder has no output bound) and a cut-off gzip body; with the sorted reasons of its
    rows."""
    w = Warc(gzip=False)

    def put(n: int, body: bytes, coding: str, chunked: bool = False) -> None:
        headers = [("Content-Type", "text/html"), ("Content-Encoding", coding)]
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 500]), body[i:i + 500])
                            for i in range(0, len(body), 500)) + b"0\r\n\r\n"
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        uri = f"https://kesterby.example/encoded/{n}"
        w.writer.write_record(w.writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=http))

    def page(n: int) -> bytes:
        return html_page(n).encode()

    put(70, gzip.compress(page(70)), "gzip")
    put(71, zlib.compress(page(71)), "deflate")
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    put(72, raw.compress(page(72)) + raw.flush(), "deflate")
    put(73, gzip.compress(page(73)), "gzip", chunked=True)
    put(74, page(74), "gzip")
    put(75, b"\x1b\x03\x00\xf8\xa5\x40\x42\x02\x00\x00\x00", "br")
    put(76, gzip.compress(page(76))[:200], "gzip")
    return w.bytes(), [None] * 5 + ["truncated_gzip", "unsupported_content_encoding"]


def warc_header_bomb() -> bytes:
    """A `.warc.gz` whose one member is a WARC header line that never ends (~10 GB of it)."""
    raw, n = deflate_bomb(b"WARC/1.0\r\nWARC-Type: response\r\nX-Pad: ", _filler(b"tide " * 8))
    return as_gzip(raw, n)


# File name -> (builder, the sorted reasons of its rows; None = a document).
BOMBS = {
    "bomb.txt.gz": (gzip_text_bomb, ["file_too_large"]),
    "bomb.jsonl.gz": (gzip_jsonl_bomb, ["file_too_large"]),
    "bomb_record.warc.gz": (warc_record_bomb, [None, "file_too_large", "record_too_large"]),
    "bomb_http_gzip.warc": (lambda: warc_encoding_bomb("gzip"), [None, None, "record_too_large"]),
    "bomb_http_deflate.warc": (lambda: warc_encoding_bomb("deflate"),
                               [None, None, "record_too_large"]),
    "bomb_header.warc.gz": (warc_header_bomb, ["invalid_warc"]),
}

# ---- issue 23, item 2: inputs whose cost explodes -----------------------------------------------------------------

# Bodies of about n characters in each shape that once made a text step superlinear or the model run for minutes.
COST_SHAPES = {
    "spaces": lambda n: "word" + " " * n + "word",
    "dots": lambda n: "." * n,
    "dashes": lambda n: "-" * n,
    "pipes": lambda n: "|" * n,
    "capitals": lambda n: "A" * n,
    "capital_words": lambda n: " ".join(["HARBOUR"] * (n // 8)),
    "giant_line": lambda n: " ".join(story(i)[1].replace("\n", " ") for i in range(n // 1500 + 1))[:n],
    "tiny_lines": lambda n: "a\n" * (n // 2),
    "dot_space": lambda n: ". " * (n // 2),
    "dash_space": lambda n: " - " * (n // 3),
    "link_anchors": lambda n: "".join(f"Link number {i}\n" for i in range(n // 18)),
}


def many_people(n: int) -> str:
    """An article naming n distinct made-up people ("Nora Lindqvist met Tomas Brandt-7."): 10,000
    of them once ran NER and linking for minutes."""
    firsts = [p.split()[0] for p in PEOPLE]
    syllables = ["ba", "ko", "ri", "le", "mu", "sa", "te", "no", "vi", "da", "pe", "lu", "go", "fe", "ha", "zi"]
    names = [f"{firsts[i % len(firsts)]} "
             + "".join(syllables[(i // 16**k) % 16] for k in range(4)).title() for i in range(n)]
    sentences = [f"{a} met {b} in {TOWNS[i % len(TOWNS)]}." for i, (a, b) in enumerate(zip(names[::2], names[1::2]))]
    return "A long list of names\n\n" + " ".join(sentences)


def write_costly_batch(folder: Path, n: int = 500_000) -> list[str]:
    """One text file per cost shape (a real story first, then the pathological bulk) and the 10,000 people;
    returns the file names."""
    names = []
    for i, (shape, build) in enumerate(COST_SHAPES.items()):
        title, body = story(700 + i)
        (folder / f"cost-{shape}.txt").write_text(f"{title}\n\n{body}\n\n{build(n)}\n", encoding="utf-8")
        names.append(f"cost-{shape}.txt")
    (folder / "cost-10000-people.txt").write_text(many_people(10_000), encoding="utf-8")
    return names + ["cost-10000-people.txt"]
