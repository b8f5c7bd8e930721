"""The two extraction benchmark sets as Python objects, and the text dumps we build from their pages.

ScrapingHub (181 news pages, gold bodies, plain-text dumps `<id>.raw.txt`) and trafilatura-eval (990 varied
pages, must / must-not snippets, no dumps). The dump builder is `newsdesk.clean.page.page_dump`: the method the
ScrapingHub `.raw.txt` files were made with (block elements start a line, hidden and script/style/head
elements skipped, whitespace collapsed); `check_dumps` shows it reproduces all 181 of them byte for byte, so
the trafilatura-eval dumps read like the ones the team scores. Pages are decoded the way each scorer decodes
them (the shared tools' own functions).

    .venv/bin/python benchmarks/extraction_sets.py --check          # our dumps == ScrapingHub .raw.txt
    .venv/bin/python benchmarks/extraction_sets.py --write-dumps DIR  # trafilatura-eval dumps, to look at
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from shared_data import shared_dir

from newsdesk.clean.page import page_dump

SCRAPINGHUB = "bench/extraction/scrapinghub"
TRAFILATURA_EVAL = "bench/extraction/trafilatura-eval"


@cache
def shared_tool(name: str) -> ModuleType:
    """A module of the shared scorers (`extract_score`, `snippet_score`, `textutil`), imported as it is."""
    tools = str(shared_dir() / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    return importlib.import_module(name)


@dataclass(frozen=True)
class Page:
    """One benchmark page: its HTML, and either a gold body (ScrapingHub) or snippets (trafilatura-eval)."""

    set_name: str
    page_id: str
    url: str | None
    html_path: Path
    gold: str | None = None
    must: tuple[str, ...] = field(default=())
    must_not: tuple[str, ...] = field(default=())

    def html(self) -> str:
        if self.set_name == "scrapinghub":
            return str(shared_tool("textutil").read_html(self.html_path))
        return str(shared_tool("snippet_score").decode(self.html_path.read_bytes()))

    def dump(self) -> str:
        """The page's plain-text dump: the shipped `.raw.txt` for ScrapingHub, built from the page otherwise."""
        if self.set_name == "scrapinghub":
            return str(shared_tool("textutil").read_html(self.html_path.with_suffix(".raw.txt")))
        return page_dump(self.html())


def scrapinghub_pages() -> list[Page]:
    bench = shared_dir() / SCRAPINGHUB
    pages = []
    for line in (bench / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        gold = str(shared_tool("textutil").read_html(bench / f"{entry['id']}.txt"))
        pages.append(Page("scrapinghub", entry["id"], entry.get("url"), bench / f"{entry['id']}.html", gold=gold))
    return sorted(pages, key=lambda p: p.page_id)


def trafilatura_eval_pages() -> list[Page]:
    bench = shared_dir() / TRAFILATURA_EVAL
    evaldata = json.loads((bench / "evaldata.json").read_text(encoding="utf-8"))
    return [Page("trafilatura-eval", item["file"], url, bench / "html" / item["file"], must=tuple(item["with"]),
                 must_not=tuple(item["without"])) for url, item in sorted(evaldata.items())]


def pages_of(set_name: str) -> list[Page]:
    return scrapinghub_pages() if set_name == "scrapinghub" else trafilatura_eval_pages()


SETS = ("scrapinghub", "trafilatura-eval")


def check_dumps() -> tuple[int, int]:
    """(pages, pages whose built dump equals the shipped .raw.txt) on ScrapingHub."""
    pages = scrapinghub_pages()
    same = sum(page_dump(p.html()).strip() == p.html_path.with_suffix(".raw.txt").read_text("utf-8").strip()
               for p in pages)
    return len(pages), same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--write-dumps", type=Path)
    args = ap.parse_args()
    if args.check:
        total, same = check_dumps()
        print(f"dump builder: {same}/{total} ScrapingHub pages give their .raw.txt exactly")
    if args.write_dumps:
        args.write_dumps.mkdir(parents=True, exist_ok=True)
        for page in trafilatura_eval_pages():
            (args.write_dumps / f"{page.page_id}.raw.txt").write_text(page.dump(), encoding="utf-8")
        print(f"wrote {len(trafilatura_eval_pages())} dumps to {args.write_dumps}")


if __name__ == "__main__":
    main()
