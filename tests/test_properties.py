"""Issue 7 property tests: the text cleaner and the ingest parsers never raise, keep only input text, and are
deterministic."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.clean.text import clean_text
from newsdesk.ingest.decode import DecodeError, decode_bytes
from newsdesk.ingest.formats import Note, ParsedRecord, Problem, parse_file

LINE = st.one_of(
    st.text(min_size=0, max_size=120),
    st.sampled_from(["Check Also", "About Jane Roe", "Join our Telegram channel today!", " date 2024-01-02 Text.",
                     "Photo: Someone / Agency", "Share | Tweet | Email", "Subscribe to our newsletter",
                     "This article was originally published by Somewhere and is reprinted with permission.",
                     "A normal sentence of an article, long enough to be kept as body text by the cleaner."]),
)
DOCS = st.lists(LINE, min_size=0, max_size=25).map(lambda lines: "\n\n".join(lines))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@SETTINGS
@given(DOCS)
def test_clean_text_never_raises_and_is_deterministic(text: str) -> None:
    first, second = clean_text(text), clean_text(text)
    assert first.body == second.body
    assert [(s.kind, s.text) for s in first.segments] == [(s.kind, s.text) for s in second.segments]


@SETTINGS
@given(DOCS)
def test_clean_body_is_made_of_input_text(text: str) -> None:
    result = clean_text(text)
    for block in result.body.split("\n\n"):
        if block:
            assert block in text  # every kept paragraph appears verbatim in the input
    assert len(_words(result.body)) <= len(_words(text))


@SETTINGS
@given(st.binary(max_size=4000), st.sampled_from(["txt", "html", "jsonl", "json", "warc", "txt.gz", "jsonl.gz"]))
def test_parsers_never_raise(data: bytes, fmt: str) -> None:
    for item in parse_file(f"f.{fmt}", data, fmt, max_bytes=1 << 20):
        assert isinstance(item, (ParsedRecord, Problem, Note))
        if isinstance(item, (Problem, Note)):
            assert item.reason and item.detail


@SETTINGS
@given(st.binary(max_size=4000))
def test_decode_returns_text_or_a_reason(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        assert exc.reason in {"binary_content", "undecodable"}
    else:
        assert "\x00" not in decoded.text


@SETTINGS
@given(st.lists(st.dictionaries(st.sampled_from(["id", "text", "html", "title", "url", "published", "source"]),
                                st.one_of(st.text(max_size=50), st.integers(), st.none(), st.lists(st.integers())),
                                max_size=7), min_size=1, max_size=8))
def test_jsonl_records_never_raise(objs: list[dict]) -> None:
    import json

    data = "\n".join(json.dumps(o) for o in objs).encode()
    items = [i for i in parse_file("f.jsonl", data, "jsonl", max_bytes=1 << 20) if not isinstance(i, Note)]
    assert len(items) == len(objs)  # one record or one problem per line (notes on refused fields come extra)
