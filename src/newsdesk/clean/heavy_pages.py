"""The tree trafilatura reads: the page itself, or for a page too heavy for it a copy without the
short paragraphs and with the wrappers of its deepest parts unwrapped; the text path reads a page
even that copy leaves too heavy.

trafilatura's time grows with the square of the elements in a page's paragraphs (40,000 one-word
<p>: 4.5 s, 80,000: 20 s; 20,000 links in one <p>: 60 s, 40,000: 265 s) and of the children of one
<div> (10,000 words in italics with text after each: 5 s, 20,000: 31 s), and with nesting depth, so
such a page would time out and lose its article. Everything here is linear.
"""

from __future__ import annotations

import copy

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.text import count_tokens

# The benchmark pages have at most 1,347. 5,000 one-word <p> outside the article, bare or each in a
# <section> or <main> of its own, take trafilatura 2.6 s (8,000 in sections: 6 s).
MAX_PARAGRAPH_ELEMENTS = 5_000
# Children of one <p>, <div>, <details> or table row, line breaks aside (it reads those child by
# child, and a row's cells count its cells again: 40,000 in one row took 7 s; a <section>, <td>,
# <li> or <span> of 10,000 children takes it 0.1 s). The benchmark pages have at most 300 (24 in a
# row).
MAX_CHILDREN = 2_000
_WIDE = ("p", "div", "details", "tr")
# Levels below the root: trafilatura walks a nested table or list once per level (4,000 tables in
# one another, which the parser leaves 512 deep: 5 s, 8,000: 10 s). Benchmark pages: at most 50.
MAX_NESTING = 128
_DEEPER = etree.XPath("boolean(/*" + "/*" * MAX_NESTING + ")")  # level by level: 0.2 ms a page
_AT_HALF_DEPTH = etree.XPath("/*" + "/*" * (MAX_NESTING // 2))
# Below half the bound these only wrap (layout, lists, tables, inline markup): they are unwrapped,
# their text and children kept, so a deep page's paragraphs come out as paragraphs.
_WRAPPERS = frozenset(
    "div section article main header footer aside nav figure form details summary center "
    "table thead tbody tfoot tr td th ul ol li dl dt dd blockquote "
    "span a b i u s em strong small big font sub sup code cite q mark abbr label time".split()
)
_UNWRAP = "newsdesk-unwrap"
SHORT_PARAGRAPH_WORDS = 5  # "Share this", "Follow us 12", one word: never a paragraph of prose
_SHORT = "newsdesk-short-paragraph"  # a tag no page has, to strip the short paragraphs in one pass


def paragraph_elements(tree: HtmlElement, limit: int = MAX_PARAGRAPH_ELEMENTS) -> int:
    """The page's <p> elements and the elements inside them, counted until past `limit`."""
    count = 0
    for paragraph in tree.iter("p"):
        count += 1 + sum(1 for _ in paragraph.iterdescendants())
        if count > limit:
            break
    return count


def too_heavy(tree: HtmlElement) -> bool:
    """Whether trafilatura's time on this page could run into minutes (see the module's figures)."""
    return (
        paragraph_elements(tree) > MAX_PARAGRAPH_ELEMENTS
        or any(
            len(block) > MAX_CHILDREN and _not_breaks(block) > MAX_CHILDREN
            for block in tree.iter(*_WIDE)
        )
        or bool(_DEEPER(tree))
    )


def _not_breaks(block: HtmlElement) -> int:
    # Line breaks cost it next to nothing (40,000 in a <div>: 0.7 s); the parser leaves thousands
    # where a page was nested past its limit.
    return len(block) - sum(1 for _ in block.iterchildren("br"))


def trafilatura_tree(tree: HtmlElement) -> HtmlElement | None:
    """`tree` itself when trafilatura can read it in time; else a copy without its paragraphs of
    fewer than SHORT_PARAGRAPH_WORDS words and without the wrappers below half MAX_NESTING (the page
    itself keeps them: they are still the page's visible lines); None when even that copy is too
    heavy (the caller reads the page with the text path)."""
    if not too_heavy(tree):
        return tree
    lighter = copy.deepcopy(tree)
    for paragraph in lighter.iter("p"):
        if count_tokens(" ".join(paragraph.itertext())) < SHORT_PARAGRAPH_WORDS:
            paragraph.tag = _SHORT
    # In one C pass, text after each one included: dropping them one by one moves that text onto
    # the previous sibling, a string that grows with every paragraph dropped.
    etree.strip_elements(lighter, _SHORT, with_tail=True)
    for top in _AT_HALF_DEPTH(lighter):
        for element in top.iterdescendants():
            if element.tag in _WRAPPERS:
                element.tag = _UNWRAP
    etree.strip_tags(lighter, _UNWRAP)
    return None if too_heavy(lighter) else lighter
