"""Every page of both benchmark sets through both extraction paths: no exception, and no empty body where
plain trafilatura (HTML) or the page's dump (text) has text. Slow (~3 minutes on a quiet machine): marked.

The HTML side runs `read_page` + `finish`, which is what `extract_html_body` is made of; the reading's
`blocks` are plain trafilatura's output on the page (same tree, same options), so trafilatura is not run twice.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from extraction_sets import SETS, pages_of

from newsdesk.clean.html import finish, read_page
from newsdesk.clean.text import extract_text_body
from newsdesk.text import count_words


@pytest.mark.slow
@pytest.mark.parametrize("set_name", SETS)
def test_every_page_both_paths(shared: Path, set_name: str) -> None:
    failures: list[str] = []
    for page in pages_of(set_name):
        html = page.html()
        try:
            reading = read_page(html, page.url)
            body = finish(reading).body
            if reading.blocks and not body.strip():
                failures.append(f"{page.page_id}: HTML body empty where trafilatura has text")
        except Exception as exc:  # noqa: BLE001 - collected so one run names every failing page
            failures.append(f"{page.page_id}: HTML path raised {type(exc).__name__}: {exc}")
        try:
            dump = page.dump()
            if count_words(dump) and not extract_text_body(dump).strip():
                failures.append(f"{page.page_id}: text body empty for a dump with text")
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{page.page_id}: text path raised {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])
