"""The text path as str -> str callables for the shared scorers, with a chosen line model.

$NEWSDESK_LINE_MODEL names the model file (a leave-one-set-out model written by
scripts/train_line_classifier.py); without it the shipped model is used.

    extract_score.py  SCRAPINGHUB --callable benchmarks/extraction_text.py:text_body --input-suffix .raw.txt
    snippet_score.py  TRAFILATURA_EVAL --pythonpath benchmarks --callable extraction_text:dump_body
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import trafilatura

from newsdesk.clean.line_model import DEFAULT_MODEL, LineModel, load_model
from newsdesk.clean.page import page_dump
from newsdesk.clean.text import clean_text


@lru_cache(maxsize=1)
def _model() -> LineModel:
    return load_model(Path(os.environ.get("NEWSDESK_LINE_MODEL") or DEFAULT_MODEL))


def text_body(text: str) -> str:
    """The text path on a plain-text dump."""
    return clean_text(text, model=_model()).body


def dump_body(html: str) -> str:
    """The text path on the page's dump (for the snippet scorer, which hands over HTML)."""
    return clean_text(page_dump(html), model=_model()).body


def dump_trafilatura(html: str) -> str:
    """Plain trafilatura on the page's dump wrapped one <p> per line (the extract scorer's --wrap-txt)."""
    import html as html_lib

    lines = [line.strip() for line in page_dump(html).splitlines() if line.strip()]
    wrapped = "<html><body>" + "".join(f"<p>{html_lib.escape(line)}</p>" for line in lines) + "</body></html>"
    return trafilatura.extract(wrapped, include_comments=False) or ""


def dump_identity(html: str) -> str:
    """The whole dump (recall ceiling, precision floor)."""
    return page_dump(html)


def cpu_seconds(model: LineModel, dumps: list[str]) -> float:
    """CPU seconds of the text path over the dumps (the process's, so other engineers' load does not
    count)."""
    import time

    start = time.process_time()
    for dump in dumps:
        clean_text(dump, model=model)
    return time.process_time() - start


def main() -> None:
    """Text-path CPU seconds over both sets' dumps, for each model given, in one run (alternated,
    so drifting load falls on each alike)."""
    import argparse

    from extraction_sets import SETS, pages_of

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("models", nargs="*", type=Path, default=[DEFAULT_MODEL])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    dumps = {name: [page.dump() for page in pages_of(name)] for name in SETS}
    models = {path: load_model(path) for path in args.models}
    totals = {(path, name): 0.0 for path in models for name in SETS}
    for _ in range(args.rounds):
        for path, model in models.items():
            for name in SETS:
                totals[path, name] += cpu_seconds(model, dumps[name]) / args.rounds
    for (path, name), secs in totals.items():
        print(f"text path CPU {name} ({len(dumps[name])} dumps): {secs:.1f} s with {path}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
