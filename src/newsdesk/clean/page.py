"""One parse per HTML page, and the page's visible text one block per line.

The parse mirrors trafilatura's own `load_html` (same parser options, same repairs), so handing the
tree to trafilatura gives what trafilatura gives on the string, with two differences that only
matter on hostile input: characters XML forbids are replaced first, and libxml2's depth limit is
lifted (a page nested 260 deep otherwise parses to an empty body). Past the parser's hard limit
(2048 levels) the tags too deep to parse are dropped before a second parse, so their text still
comes out. A tag's attributes past the first MAX_ATTRIBUTES are dropped before parsing.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from trafilatura.utils import repair_faulty_html

from newsdesk.text import xml_chars

_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)
MAX_DEPTH = 512  # tags opened deeper than this are dropped when the parser gave up on depth
# Of one tag: libxml2's time grows with the square of a tag's attributes (20,000: 0.75 s), and so do
# trafilatura's and htmldate's (40,000: 28 s in all). The benchmark pages have at most 64.
MAX_ATTRIBUTES = 1_000
_ATTRIBUTE = r"""\s*+[^\s"'>/=<]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'>]*+))?+"""
# Possessive throughout: a tag with fewer attributes fails where its attributes end, no backtracking
# (0.3 ms a page).
_CROWDED_TAG = re.compile(
    rf"(<[A-Za-z][^\s/>]*+(?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES}}})(?:{_ATTRIBUTE})++"
)

# The dump method of the ScrapingHub benchmark's .raw.txt files (block elements start a line, hidden
# and non-text elements are skipped, whitespace collapses), so dumps we build read like the ones we
# train on.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
        "button",
        "select",
        "textarea",
        "label",
    }
)
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "svg",
        "math",
        "object",
        "embed",
        "canvas",
        "map",
        "title",
    }
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree, or None when it holds no HTML at all (trafilatura's own test)."""
    html = xml_chars(html)
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    html = _CROWDED_TAG.sub(r"\1", html)
    tree = _parse(html)
    if tree is not None and _too_deep():
        tree = _parse(flatten_deep_tags(html, MAX_DEPTH))
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None
    return tree


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        tree = lxml.html.fromstring(html, parser=_PARSER)
    except ValueError:  # a str with an XML encoding declaration: lxml wants bytes
        tree = None
    except etree.ParserError:  # nothing to parse (only whitespace, only a comment)
        return None
    if tree is None or len(tree) < 1:
        try:
            tree = lxml.html.fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
        except (etree.ParserError, ValueError):
            return None
    return tree


def _too_deep() -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log)


def flatten_deep_tags(html: str, limit: int) -> str:
    """The markup with every tag opened more than `limit` levels deep removed (block tags become
    <br>, so paragraphs stay apart); the text between them is kept as it was."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept) for each open element
    last = 0
    for match in _TAG.finditer(html):
        out.append(html[last : match.start()])
        last = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name in _VOID or match.group(0).endswith("/>"):
            out.append(match.group(0))
        elif not closing:
            kept = len(stack) < limit
            stack.append((name, kept))
            out.append(match.group(0) if kept else ("<br>" if name in BLOCK_TAGS else ""))
        else:
            depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == name), None)
            if depth is None:
                continue
            kept = stack[depth][1]
            del stack[depth:]
            out.append(match.group(0) if kept else ("<br>" if name in BLOCK_TAGS else ""))
    out.append(html[last:])
    return "".join(out)


def visible_lines(tree: lxml.html.HtmlElement) -> list[str]:
    """The visible text under <body>, one block element per line. The tree is used up (hidden parts
    dropped, line breaks written into it: a quarter faster than a copy): call it last on a tree."""
    body = tree.find("body")
    root = body if body is not None else tree
    if _hidden(root) or (isinstance(root.tag, str) and root.tag.lower() in SKIP_TAGS):
        return []
    dropped = list(root.iter(*SKIP_TAGS)) + [
        el for el in root.xpath(".//*[@hidden or @style]") if _hidden(el)
    ]
    for element in dropped:
        if element.getparent() is not None:
            element.drop_tree()  # its tail stays
    for element in root.iter(*BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    # One substitution over the page (runs of spaces never span a line): most lines are empty
    text = _SPACES.sub(" ", root.text_content() + (root.tail or ""))
    return [line for line in map(str.strip, text.split("\n")) if line]


def _hidden(element: lxml.html.HtmlElement) -> bool:
    return element.get("hidden") is not None or bool(
        _HIDDEN_STYLE.search(element.get("style") or "")
    )


def page_dump(html: str) -> str:
    """A page's visible text as a plain-text dump (what the text path is trained and scored on)."""
    tree = parse_html(html)
    return "\n".join(visible_lines(tree)) if tree is not None else ""
