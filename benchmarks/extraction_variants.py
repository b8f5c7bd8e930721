"""Ablations of the extraction paths, as str -> str callables for the shared scorer (--callable FILE:fn)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import trafilatura  # noqa: E402

from newsdesk.clean.html import extract_html, visible_blocks  # noqa: E402
from newsdesk.clean.html_merge import MergeConfig, merge_blocks, readability_blocks  # noqa: E402
from newsdesk.clean.line_model import LineModel  # noqa: E402
from newsdesk.clean.text import clean_text, split_blocks  # noqa: E402
from newsdesk.clean.text_classifier import classify_lines  # noqa: E402

_NO_MERGE = MergeConfig(missing_share=float("inf"), short_body_words=0)
_ALWAYS_MERGE = MergeConfig(missing_share=-1.0)
_KEEP_ALL = LineModel(feature_names=(), baseline=20.0, trees=(), threshold=0.5)  # p(article) ~ 1 for every line


def html_without_readability(html: str) -> str:
    """trafilatura (fast) + our block filters, no readability second opinion."""
    return extract_html(html, merge=_NO_MERGE).body


def html_always_readability(html: str) -> str:
    """Readability asked on every page, not only where trafilatura seems to miss prose."""
    return extract_html(html, merge=_ALWAYS_MERGE).body


def html_without_filters(html: str) -> str:
    """trafilatura (fast) + readability merge, none of our block rules."""
    doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=False, fast=True)
    blocks = split_blocks((doc.text or "") if doc is not None else "")
    from newsdesk.clean.html import DEFAULT_MERGE
    from newsdesk.clean.html_merge import needs_second_opinion

    if needs_second_opinion(blocks, visible_blocks(html), DEFAULT_MERGE):
        blocks, _ = merge_blocks(blocks, readability_blocks(html, visible_blocks), DEFAULT_MERGE)
    return "\n".join(blocks)


def text_rules_only(text: str) -> str:
    """The typed rules alone (the line classifier keeps every line)."""
    return clean_text(text, model=_KEEP_ALL).body


def text_model_only(text: str) -> str:
    """The line classifier alone, no typed rules."""
    lines = split_blocks(text)
    keep, _ = classify_lines(lines)
    return "\n".join(line for line, k in zip(lines, keep) if k)
