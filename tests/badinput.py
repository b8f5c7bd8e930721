"""Builders of hostile and broken inputs, written by the tests themselves."""

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARTICLE = (
    "The harbour authority of Port Alder said on Monday that dredging of the main channel would start in March "
    "and take about six weeks. Ships longer than 200 metres will be diverted to the outer anchorage while the work "
    "goes on, and the ferry timetable will change for the period. The authority's engineer, Nora Lindqvist, said "
    "the channel had silted up faster than expected after two winters of storms."
)


def article_html(title: str, body: str = ARTICLE) -> str:
    return (f"<html><head><title>{title}</title></head><body><nav>Home | News</nav><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body.replace('Monday', 'Tuesday')}</p></article><footer>© Port Alder Post</footer>"
            "</body></html>")


def warc_bytes(n: int, gz: bool = True) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i in range(n):
        payload = article_html(f"Dredging story {i}", ARTICLE.replace("six", f"{i + 2}")).encode("utf-8")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://portalder.example/{i}", "response",
                                                      payload=io.BytesIO(payload), http_headers=http))
    return buf.getvalue()


def jsonl_lines(n: int, prefix: str = "rec") -> list[str]:
    return [json.dumps({"id": f"{prefix}-{i}", "url": f"https://x.example/{i}", "title": f"Story {i}",
                        "published": f"2026-03-0{i % 9 + 1}", "source": "Port Alder Post",
                        "text": ARTICLE.replace("six", f"{i + 10}")}) for i in range(n)]


def write_bad_batch(folder: Path) -> dict[str, str | None]:
    """A batch holding one of every bad input; returns {relative path: expected reason} (None = readable)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, reason: str | None) -> None:
        (folder / name).write_bytes(data)
        expected[name] = reason

    put("good.txt", ("Dredging to start in March\n\n" + ARTICLE + "\n\n" + ARTICLE.replace("Monday", "Friday")).encode(),
        None)
    put("empty.txt", b"", "empty_file")
    put("whitespace.txt", b"  \n\t\n   \r\n", "empty_file")
    put("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary_content")
    put("undecodable.txt", bytes((i * 37 + 131) % 128 + 128 for i in range(3000)), "undecodable")
    put("truncated.txt.gz", gzip.compress(ARTICLE.encode() * 50)[:300], "truncated_gzip")
    put("good.html.gz", gzip.compress(article_html("Dredging, gzipped").encode()), None)
    put("archive.warc.gz", warc_bytes(3), None)
    whole = warc_bytes(3)
    put("cut.warc.gz", whole[: len(whole) - 120], "truncated_warc")
    put("notes.pdf", b"%PDF-1.4 not an article", "unsupported_format")
    put("broken.json", b'{"id": "x", "text": "unterminated', "invalid_json")
    put("latin1.txt", ("Café owner in Zürich says prices will rise\n\n" + ARTICLE).encode("latin-1"), None)
    return expected
