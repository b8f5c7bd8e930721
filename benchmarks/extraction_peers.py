"""Every extractor of the comparison on every page of both sets, once, cached on disk with its time.

Tools as the shared ScrapingHub scorer builds them (`extract_score.make_builtin`: readability-lxml,
resiliparse, jusText, boilerpy3, trafilatura with include_comments=False) plus goose3 and newsdesk's own
candidates (`newsdesk.clean.ensemble`). Outputs go to benchmarks/out/<tool>/<set>/<page>.txt and the seconds
per page to benchmarks/out/<tool>/<set>.times.json; a page already cached is not run again (--fresh reruns).
The trafilatura-eval scorer reads the cache through `cached(tool)` (a str -> str callable keyed by the page).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

from extraction_sets import Page, pages_of, shared_tool

OUT = Path(__file__).resolve().parent / "out"
PEERS = ("trafilatura", "readability", "resiliparse", "goose3", "justext", "boilerpy3")


@cache
def tool(name: str) -> Callable[[str], str]:
    if name == "trafilatura":
        return shared_tool("extract_score").make_builtin(
            "trafilatura", {"include_comments": False}
        )  # type: ignore
    if name in ("readability", "resiliparse", "justext", "boilerpy3"):
        return shared_tool("extract_score").make_builtin(name, {})  # type: ignore[no-any-return]
    if name == "goose3":
        from goose3 import Goose

        goose = Goose({"enable_image_fetching": False, "http_timeout": 0.001})
        return lambda html: goose.extract(raw_html=html).cleaned_text or ""
    if name == "newsdesk":
        from newsdesk.clean.html import extract_html_body

        return extract_html_body
    if name == "newsdesk-parts":
        return _parts
    raise SystemExit(f"unknown tool {name!r}")


def _parts(html: str) -> str:
    """Both candidates of the HTML path and the selector's other inputs, as JSON (for fitting it)."""
    from newsdesk.clean.html import DEFAULT, finish, read_page
    from newsdesk.text import count_words

    page = read_page(html, second=True)
    ours = finish(page, replace(DEFAULT, ensemble=False))
    return json.dumps(
        {
            "ours": ours.body,
            "theirs": "\n".join(page.second or []),
            "title": ours.title,
            "largest": max((count_words(line) for line in page.lines), default=0),
            "theirs_failed": page.second is None,
        }
    )


def _dir(name: str, set_name: str) -> Path:
    return OUT / name / set_name


def run_tool(
    name: str, set_name: str, fresh: bool = False, log: Callable[[str], None] = print
) -> float:
    """Run one tool over one set (what is not cached yet); returns its pages/s over all cached pages."""
    return run_tools((name,), set_name, fresh, log)[name]


def run_tools(
    names: tuple[str, ...], set_name: str, fresh: bool = False, log: Callable[[str], None] = print
) -> dict[str, float]:
    """Run tools over one set, page by page and tool after tool on each page, so that their speeds are
    measured under the same load (the machine is shared); returns pages/s per tool."""
    pages = pages_of(set_name)
    times: dict[str, dict[str, float]] = {}
    todo: dict[str, set[str]] = {}
    for name in names:
        _dir(name, set_name).mkdir(parents=True, exist_ok=True)
        path = _times_path(name, set_name)
        times[name] = {} if fresh or not path.exists() else json.loads(path.read_text())
        todo[name] = {p.page_id for p in pages if p.page_id not in times[name]}
        if todo[name]:
            tool(name)(pages[0].html())  # warm-up (imports, models), not timed
    for k, page in enumerate(pages):
        wanted = [name for name in names if page.page_id in todo[name]]
        if not wanted:
            continue
        html = page.html()
        # The order turns every page: whichever tool runs second on a page finds trafilatura's text caches
        # (lru_cache on trim, line_processing) warm from the first: plain trafilatura took 1.39 CPU s run
        # second against 1.62 s run first on the same 39 pages, each timed both ways.
        for name in wanted if k % 2 == 0 else wanted[::-1]:
            start = time.perf_counter()
            try:
                out = tool(name)(html) or ""
            except Exception as exc:  # noqa: BLE001 - a crash is an empty result, as in the scorers
                out = ""
                log(f"  {name} failed on {page.page_id}: {type(exc).__name__}: {str(exc)[:80]}")
            times[name][page.page_id] = time.perf_counter() - start
            (_dir(name, set_name) / f"{page.page_id}.txt").write_text(
                out, encoding="utf-8", errors="replace"
            )
    speed = {}
    for name in names:
        _times_path(name, set_name).write_text(json.dumps(times[name]), encoding="utf-8")
        total = sum(times[name][p.page_id] for p in pages)
        speed[name] = len(pages) / total if total else 0.0
    return speed


def _times_path(name: str, set_name: str) -> Path:
    return OUT / name / f"{set_name}.times.json"


def output(name: str, page: Page) -> str:
    return (_dir(name, page.set_name) / f"{page.page_id}.txt").read_text(encoding="utf-8")


def outputs(name: str, set_name: str) -> dict[str, str]:
    return {p.page_id: output(name, p) for p in pages_of(set_name)}


@cache
def _by_html(name: str, set_name: str) -> dict[str, str]:
    return {
        hashlib.sha1(p.html().encode("utf-8", "surrogatepass")).hexdigest(): output(name, p)
        for p in pages_of(set_name)
    }


def cached(name: str, set_name: str = "trafilatura-eval") -> Callable[[str], str]:
    """A str -> str callable answering from the cache (for the trafilatura-eval scorer's --callable)."""
    table = _by_html(name, set_name)
    return lambda html: table[hashlib.sha1(html.encode("utf-8", "surrogatepass")).hexdigest()]


def __getattr__(attr: str) -> Callable[[str], str]:
    # `extraction_peers:te_readability` etc. for snippet_score.py --callable
    if attr.startswith("te_"):
        return cached(attr[3:])
    raise AttributeError(attr)
