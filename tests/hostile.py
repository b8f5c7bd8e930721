"""Builders of the hostile inputs of issue 13, written by the tests themselves (no sentence comes from the seeds).

`write_hostile_batch` lays out one batch folder holding every ingest-level case at once, so one real pipeline run
answers many assertions; it returns, per file, the reasons its rows should carry (None for a document).
"""

from __future__ import annotations

import io
import json
import os
import random
import socket
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
    """A WARC written record by record (gzip per record)."""

    def __init__(self) -> None:
        self.buf = io.BytesIO()
        self.writer = WARCWriter(self.buf, gzip=True)

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
