"""The tree trafilatura reads: a page with tens of thousands of elements in its paragraphs loses the
short ones first, and goes to the text path when it still has too many.

trafilatura's time grows with the square of the elements in a page's paragraphs (40,000 one-word
<p>: 4.5 s, 80,000: 20 s; 20,000 links in one <p>: 60 s, 40,000: 265 s), so such a page would time
out and lose its article. Everything here is linear.
"""

from __future__ import annotations

import copy

from lxml import etree
from lxml.html import HtmlElement

# The benchmark pages have at most 1,347; trafilatura reads 10,000 in about 0.3 s.
MAX_PARAGRAPH_ELEMENTS = 10_000
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


def trafilatura_tree(tree: HtmlElement) -> HtmlElement | None:
    """`tree` itself when trafilatura can read it in time; else a copy without its paragraphs of
    fewer than SHORT_PARAGRAPH_WORDS words (the page itself keeps them: they are still the page's
    visible lines); None when even that copy has too many (the caller reads the page with the text
    path)."""
    if paragraph_elements(tree) <= MAX_PARAGRAPH_ELEMENTS:
        return tree
    lighter = copy.deepcopy(tree)
    for paragraph in lighter.iter("p"):
        if len(" ".join(paragraph.itertext()).split()) < SHORT_PARAGRAPH_WORDS:
            paragraph.tag = _SHORT
    # In one C pass, text after each one included: dropping them one by one moves that text onto
    # the previous sibling, a string that grows with every paragraph dropped.
    etree.strip_elements(lighter, _SHORT, with_tail=True)
    return lighter if paragraph_elements(lighter) <= MAX_PARAGRAPH_ELEMENTS else None
