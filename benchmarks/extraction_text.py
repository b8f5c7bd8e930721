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
