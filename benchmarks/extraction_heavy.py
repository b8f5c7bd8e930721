"""Pages with tens of thousands of elements in their paragraphs or in one block, or nested thousands
deep: newsdesk's HTML path against plain trafilatura on the same page in the same run (CPU seconds),
and whether the article survives.

    .venv/bin/python benchmarks/extraction_heavy.py [--scale 0.5]

trafilatura's time grows with the square of those elements, or with the depth times the elements;
`newsdesk.clean.heavy_pages` gives it a lighter copy, or leaves the page to the text path. A tag's
attributes past the first thousand are dropped before parsing (`clean.page`).
`tests/test_clean_heavy_pages.py` runs the same shapes at scale 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

OPENING = (
    "The ferry company said on Thursday that the night crossing to the islands will run again from "
    "March, after a winter in which storms kept the old boat in the harbour for weeks at a time."
)
CLOSING = (
    "Island councillors welcomed the news but asked the company to publish the new timetable soon, "
    "so that shops and the school can plan their deliveries and trips before the season starts."
)

T = TypeVar("T")

# Each shape at scale 1 is a page plain trafilatura spends 6-35 s on, or loses the article of
# (nested: the parser's depth limit), but the last.
HOSTILE: dict[str, Callable[[float], str]] = {
    "one-word paragraphs": lambda s: "".join(f"<p>w{i}</p>" for i in range(int(80_000 * s))),
    "links in one paragraph": lambda s: (
        "<p>" + " ".join(f"<a href='/t/{i}'>tag{i}</a>" for i in range(int(15_000 * s))) + "</p>"
    ),
    "share lines": lambda s: "".join(
        f"<p>Share this</p><p>Follow us {i}</p>" for i in range(int(30_000 * s))
    ),
    "paragraphs in list items": lambda s: (
        "<ul>" + "".join(f"<li><p>item {i}</p></li>" for i in range(int(60_000 * s))) + "</ul>"
    ),
    "words in italics in one block": lambda s: (
        "<div>" + "".join(f"<i>on</i> day {i} " for i in range(int(15_000 * s))) + "</div>"
    ),
    "tables nested in tables": lambda s: (
        "<table><tr><td>" * int(8_000 * s) + "deep" + "</td></tr></table>" * int(8_000 * s)
    ),
    "lists nested in lists": lambda s: "<ul><li>item " * int(16_000 * s),
    "attributes on one tag": lambda s: (
        "<p " + " ".join(f"data-k{i}='v'" for i in range(int(40_000 * s))) + ">A caption.</p>"
    ),
    "cells in one row": lambda s: (
        "<table><tr>" + "".join(f"<td>c{i}</td>" for i in range(int(40_000 * s))) + "</tr></table>"
    ),
    "a link per paragraph": lambda s: "".join(
        f"<p><a href='/x/{i}'>Link number {i}</a></p>" for i in range(int(20_000 * s))
    ),
}


def page(middle: str) -> str:
    """An article of two paragraphs with `middle` between them."""
    return (
        "<html><head><title>Night ferry</title></head><body><article>"
        f"<h1>Night ferry</h1><p>{OPENING}</p>{middle}<p>{CLOSING}</p></article></body></html>"
    )


def _cpu(fn: Callable[[str], T], html: str) -> tuple[T, float]:
    start = time.process_time()
    out = fn(html)
    return out, time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="size of every shape against scale 1")
    args = ap.parse_args()
    import trafilatura

    from newsdesk.clean.html import extract_html

    for shape, make in HOSTILE.items():
        html = page(make(args.scale))
        plain, reference = _cpu(partial(trafilatura.extract, include_comments=False), html)
        result, ours = _cpu(extract_html, html)
        kept = all(p in result.body for p in (OPENING, CLOSING))
        plain_kept = all(p in (plain or "") for p in (OPENING, CLOSING))
        print(
            f"{shape:30s} {len(html) / 1e6:5.2f} MB  plain trafilatura {reference:6.2f} s "
            f"(article kept: {plain_kept})  newsdesk {ours:5.2f} s (article kept: {kept})",
            flush=True,
        )


if __name__ == "__main__":
    main()
