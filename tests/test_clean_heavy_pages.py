"""A page with tens of thousands of elements in its paragraphs, a block of thousands of children, or
nesting thousands deep keeps its article, in linear time.

trafilatura's time grows with the square of those elements (15,000 links in one paragraph: about 35 s
here, 40,000: 265 s), so without `heavy_pages` these pages time out and their article is lost. The
bound is on the process's CPU time and generous for a loaded machine: the guarded path takes about a
second on each shape (the shapes are `benchmarks/extraction_heavy.py`'s, which times plain trafilatura on
them too).
"""

import logging
import sys
import time
from pathlib import Path

import lxml.html
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from extraction_heavy import CLOSING, HOSTILE, OPENING
from extraction_heavy import page as _page

from newsdesk.clean.heavy_pages import (
    MAX_CHILDREN,
    MAX_NESTING,
    MAX_PARAGRAPH_ELEMENTS,
    paragraph_elements,
    too_heavy,
    trafilatura_tree,
)
from newsdesk.clean.html import extract_html
from newsdesk.clean.page import MAX_ATTRIBUTES, parse_html, visible_lines

CPU_BOUND_S = 8.0


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_a_heavy_page_keeps_its_article_in_bounded_time(shape: str) -> None:
    html = _page(HOSTILE[shape](1.0))
    start = time.process_time()
    result = extract_html(html)
    spent = time.process_time() - start
    assert spent < CPU_BOUND_S, f"{shape}: {spent:.1f} s"
    assert OPENING in result.body and CLOSING in result.body
    assert len(result.body) < len(OPENING) + len(CLOSING) + 40, result.body[:300]


def test_an_ordinary_page_is_read_as_it_is() -> None:
    tree = parse_html(_page("<p>Photo: <a href='/p'>harbour</a> at dawn</p>" * 50))
    assert tree is not None
    assert trafilatura_tree(tree) is tree


def test_short_paragraphs_leave_the_copy_trafilatura_reads_not_the_page() -> None:
    tree = parse_html(_page("<p>Share this</p>" * (MAX_PARAGRAPH_ELEMENTS + 1)))
    assert tree is not None
    lighter = trafilatura_tree(tree)
    assert lighter is not None and lighter is not tree
    texts = [" ".join(p.itertext()) for p in lighter.iter("p")]
    assert texts == [OPENING, CLOSING]
    # The page keeps them: they become its removed segments, with a kind.
    assert visible_lines(tree).count("Share this") == MAX_PARAGRAPH_ELEMENTS + 1


def test_a_page_still_too_heavy_goes_to_the_text_path(caplog: pytest.LogCaptureFixture) -> None:
    html = _page(HOSTILE["links in one paragraph"](1.0))
    tree = parse_html(html)
    assert tree is not None and trafilatura_tree(tree) is None
    with caplog.at_level(logging.WARNING, logger="newsdesk.clean.html"):
        result = extract_html(html, url="https://example.org/ferry")
    assert "https://example.org/ferry is too heavy for trafilatura" in caplog.text
    assert OPENING in result.body and CLOSING in result.body


def test_paragraph_elements_count_what_is_inside_and_stop_past_the_limit() -> None:
    tree = lxml.html.fromstring(
        "<div><p>one <b>two</b> <a href='#'>three <i>four</i></a></p><p>five</p><div>six</div></div>"
    )
    assert paragraph_elements(tree) == 5  # two paragraphs, three elements inside the first
    assert paragraph_elements(tree, limit=3) == 4  # stops after the first paragraph


@pytest.mark.parametrize("tag", ["div", "p", "details"])
def test_a_block_of_too_many_children_is_too_heavy(tag: str) -> None:
    def block(n: int) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(f"<{tag}>" + "<i>on</i> a day " * n + f"</{tag}>")

    assert not too_heavy(block(MAX_CHILDREN))
    assert too_heavy(block(MAX_CHILDREN + 1))


def test_a_page_nested_deeper_than_the_bound_is_too_heavy() -> None:
    def nested(levels: int) -> lxml.html.HtmlElement:
        tree = parse_html("<html><body>" + "<div>x " * levels + "</body></html>")
        assert tree is not None
        return tree

    # Below <html>, the root, <body> is one level down and the deepest <div> levels + 1.
    assert not too_heavy(nested(MAX_NESTING - 2))
    assert too_heavy(nested(MAX_NESTING - 1))


@pytest.mark.parametrize("quote", ["'", '"', ""])
def test_a_tag_keeps_its_first_thousand_attributes(quote: str) -> None:
    def tag(n: int) -> str:
        return "<p " + " ".join(f"data-k{i}={quote}v{i}{quote}" for i in range(n)) + ">A caption.</p>"

    for n, kept in ((MAX_ATTRIBUTES, MAX_ATTRIBUTES), (MAX_ATTRIBUTES + 500, MAX_ATTRIBUTES)):
        tree = parse_html(f"<html><body>{tag(n)}<p>{OPENING}</p></body></html>")
        assert tree is not None
        first = next(tree.iter("p"))
        assert len(first.attrib) == kept and first.get("data-k999") == "v999"
        assert first.text == "A caption." and next(first.itersiblings()).text == OPENING
