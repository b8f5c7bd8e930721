"""The HTML path on hostile input: forbidden characters, very deep trees, fuzzed markup; and its parts.

Pages are written here (invented text); two real pages that made the extractor raise come from the shared
trafilatura-eval set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.clean import kinds
from newsdesk.clean.html import HtmlConfig, Page, extract_html, extract_html_body, finish
from newsdesk.clean.page import flatten_deep_tags, page_dump, parse_html, visible_lines

SENTENCE = ("The harbour board agreed on Thursday to rebuild the northern pier before winter, after engineers "
            "warned that the old timber piles would not survive another season of storms.")
ARTICLE = "".join(f"<p>{SENTENCE.replace('Thursday', day)}</p>" for day in ("Monday", "Tuesday", "Thursday", "Friday"))
MENU = ("<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
        "<li><a href='/sport'>Sport</a></li></ul></nav>")
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def page(body: str, title: str = "Pier to be rebuilt before winter") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title><meta property='og:title' content='{title}'></head>"
            f"<body>{MENU}<article><h1>{title}</h1>{body}</article><footer>© 2024 Harbour Times</footer></body></html>")


def nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + ARTICLE + "</div>" * depth + "</body></html>"


def test_article_found_and_headline_typed() -> None:
    result = extract_html(page(ARTICLE))
    assert SENTENCE in result.body and "Home" not in result.body
    assert result.title == "Pier to be rebuilt before winter"
    assert "Pier to be rebuilt" not in result.body
    assert {s.kind for s in result.segments if s.text == result.title} == {kinds.HEADLINE}


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\udfff",
                                 "\ufffe", "\uffff"])
def test_forbidden_characters_do_not_break_extraction(bad: str) -> None:
    html = page(ARTICLE.replace("harbour", f"har{bad}bour").replace("</p>", f"{bad}</p>"))
    body = extract_html_body(html)
    assert "rebuild the northern pier" in body
    assert not XML_FORBIDDEN.search(body)


@pytest.mark.parametrize("depth", [260, 1000, 3000, 10_000])
def test_deeply_nested_text_comes_out(depth: int) -> None:
    body = extract_html_body(nested(depth))
    assert body.count("rebuild the northern pier") == 4


def test_flatten_keeps_text_and_drops_only_deep_tags() -> None:
    flat = flatten_deep_tags("<div><div><div><p>a</p><p>b</p></div></div></div>tail", limit=2)
    assert flat == "<div><div><br><br>a<br><br>b<br><br></div></div>tail"


def test_visible_lines_skip_hidden_and_script() -> None:
    tree = parse_html("<html><head><title>T</title></head><body><p>One <b>two</b></p><script>x=1</script>"
                      "<div style='display:none'>hidden</div><div hidden>also</div><table><tr><td>a</td><td>b</td>"
                      "</tr></table></body></html>")
    assert tree is not None
    assert visible_lines(tree) == ["One two", "a", "b"]


def test_no_html_no_text_no_crash() -> None:
    for html in ("", "   ", "<!-- only a comment -->", "plain words, not markup", "<?xml version='1.0'?><a/>"):
        assert isinstance(extract_html_body(html), str)
        assert isinstance(page_dump(html), str)


def test_site_name_only_gets_the_text_path_reading() -> None:
    # trafilatura's text is the site's name: the page's visible lines hold the article
    lines = ["Harbour Times", "Home", "News", "Sport", "Pier to be rebuilt before winter"] + [
        SENTENCE.replace("Thursday", day) for day in ("Monday", "Tuesday", "Friday")] + ["© 2024 Harbour Times"]
    reading = Page(blocks=["Harbour Times"], lines=lines)
    on, off = finish(reading).body, finish(reading, HtmlConfig(fallback=False)).body
    assert off == "Harbour Times"
    assert "rebuild the northern pier" in on and "Sport" not in on


def test_fallback_not_taken_without_prose() -> None:
    reading = Page(blocks=["Harbour Times"], lines=["Harbour Times", "Home", "News", "Sport", "Contact", "Jobs"])
    assert finish(reading).body == "Harbour Times"


@pytest.mark.parametrize("name", ["buchperlen.wordpress.com.html", "careelite.de-flaechenverbrauch.html"])
def test_pages_that_used_to_raise(shared: Path, name: str) -> None:
    html = (shared / "bench/extraction/trafilatura-eval/html" / name).read_bytes().decode("utf-8", "replace")
    assert len(extract_html_body(html).split()) > 50


FRAGMENTS = st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<span>", "</span>", "<table><tr><td>", "</td>",
                             "<br>", "<!--", "-->", "<script>", "</script>", "<![CDATA[", "]]>", "&amp;", "&#0;",
                             "&#xD800;", "<?xml version='1.0' encoding='utf-8'?>", "<html>", "<body>", "</html>"])
CHARS = st.sampled_from(["\x00", "\x0c", "\x1b", "\x85", "\ud800", "\udc00", "\ufffe", "\uffff", "\u202e", "é", "\n"])
MARKUP = st.lists(st.one_of(FRAGMENTS, CHARS, st.text(max_size=40), st.just(SENTENCE)), max_size=60).map("".join)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(MARKUP)
def test_fuzzed_markup_never_raises_and_is_deterministic(html: str) -> None:
    first, second = extract_html(html), extract_html(html)
    assert first.body == second.body
    assert not XML_FORBIDDEN.search(first.body)
    assert all(s.kind in kinds.KINDS for s in first.segments)


@SETTINGS
@given(st.integers(min_value=200, max_value=4000), st.sampled_from(["div", "span", "section", "b", "li"]))
def test_fuzzed_depths_keep_the_text(depth: int, tag: str) -> None:
    html = "<html><body>" + f"<{tag}>" * depth + ARTICLE + f"</{tag}>" * depth + "</body></html>"
    assert "rebuild the northern pier" in extract_html_body(html)
