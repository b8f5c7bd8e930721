"""A second opinion on the HTML path: readability-lxml's reading of the page, and when to take it
instead.

Our trafilatura-based path and readability-lxml fail on different pages (trafilatura stops early on
pages with split article containers; readability keeps whole containers). The choice between the two
readings is a rule of four thresholds over features of the pair (`pair_features`), fitted on one
benchmark set and checked on the other (benchmarks/extraction.py ensemble); its thresholds and the
digest of the pages it was fitted on live in resources/ensemble_selector.json. readability-lxml is
used rather than re-implemented: a well-kept library whose scoring wins on the pages where ours
loses.
"""

from __future__ import annotations

import copy
import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import lxml.html

from newsdesk.clean.page import visible_lines
from newsdesk.text import count_tokens, ends_sentence, norm_key, split_blocks, words

_LOG = logging.getLogger(__name__)

SELECTOR = Path(__file__).resolve().parent.parent / "resources" / "ensemble_selector.json"
FEATURES = (
    "log_ours",
    "log_theirs",
    "log_ratio",
    "ours_in_theirs",
    "theirs_in_ours",
    "ours_prose",
    "theirs_prose",
    "theirs_short_lines",
    "log_largest_line",
    "theirs_title",
)


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = words(text.lower())
    return {tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0))}


def _prose_share(blocks: list[str]) -> float:
    """Share of the words in sentence-like lines (eight words or more, ending like a sentence)."""
    total = sum(count_tokens(b) for b in blocks)
    prose = sum(count_tokens(b) for b in blocks if count_tokens(b) >= 8 and ends_sentence(b))
    return prose / total if total else 0.0


def _short_share(blocks: list[str]) -> float:
    """Share of lines of five words or fewer: menus and listings are made of them."""
    return sum(count_tokens(b) <= 5 for b in blocks) / len(blocks) if blocks else 0.0


def pair_features(
    ours: str, theirs: str, largest_line_words: int, title: str | None
) -> list[float]:
    """Features of one page's two readings (ours: the trafilatura path; theirs:
    readability-lxml)."""
    n_ours, n_theirs = len(words(ours)), len(words(theirs))
    g_ours, g_theirs = _grams(ours), _grams(theirs)
    shared = len(g_ours & g_theirs)
    b_ours, b_theirs = split_blocks(ours), split_blocks(theirs)
    title_words = set(words((title or "").lower()))
    head = set(words(" ".join(b_theirs[:3]).lower()))
    return [
        math.log1p(n_ours),
        math.log1p(n_theirs),
        math.log1p(n_theirs) - math.log1p(n_ours),
        shared / len(g_ours) if g_ours else 0.0,
        shared / len(g_theirs) if g_theirs else 0.0,
        _prose_share(b_ours),
        _prose_share(b_theirs),
        _short_share(b_theirs),
        math.log1p(largest_line_words),
        len(title_words & head) / len(title_words) if title_words else 0.0,
    ]


@dataclass(frozen=True)
class Selector:
    """Take readability's reading when it holds (nearly) all of ours, is clearly longer, is not less
    prose than ours and is not a listing. Four thresholds: a rule a reader can check, fitted on one
    set and scored on the other (benchmarks/extraction.py ensemble); a logistic regression over all
    FEATURES fitted on ScrapingHub switched 150 trafilatura-eval pages, 108 of them for the
    worse.

    Only a longer reading is taken. Where readability's reading is shorter and inside ours, it
    beats ours on 10 of 14 ScrapingHub pages but loses on 60 of 120 trafilatura-eval pages (15
    better), whatever it dropped (prose or not, at the edges or inside). The mirror rule fitted
    on ScrapingHub took it to 0.9721 in-sample and cost trafilatura-eval 0.9284 -> 0.9156."""

    ours_in_theirs: float  # share of our 4-grams that readability's reading holds
    log_ratio: float  # log1p(words) of theirs minus ours: at least this much longer
    prose_margin: float  # their share of sentence-like words minus ours: at least this
    short_lines: float  # their share of lines of five words or fewer: at most this
    missed_share: float = (
        0.35  # readability runs only where prose we missed is this share of our words
    )
    digest: str = ""

    def prefers_theirs(self, features: list[float]) -> bool:
        f = dict(zip(FEATURES, features))
        return (
            f["ours_in_theirs"] >= self.ours_in_theirs
            and f["log_ratio"] >= self.log_ratio
            and f["theirs_prose"] - f["ours_prose"] >= self.prose_margin
            and f["theirs_short_lines"] <= self.short_lines
        )

    def to_json(self) -> dict[str, object]:
        return {
            "ours_in_theirs": self.ours_in_theirs,
            "log_ratio": self.log_ratio,
            "prose_margin": self.prose_margin,
            "short_lines": self.short_lines,
            "missed_share": self.missed_share,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Selector:
        return cls(
            ours_in_theirs=float(data["ours_in_theirs"]),
            log_ratio=float(data["log_ratio"]),
            prose_margin=float(data["prose_margin"]),
            short_lines=float(data["short_lines"]),
            missed_share=float(data["missed_share"]),
            digest=str(data["digest"]),
        )


@lru_cache(maxsize=1)
def load_selector() -> Selector | None:
    """The shipped selector; None when none is shipped (the path then keeps its own reading)."""
    if not SELECTOR.is_file():
        return None
    return Selector.from_json(json.loads(SELECTOR.read_text(encoding="utf-8")))


def missed_prose(lines: list[str], ours: str) -> int:
    """Words in the page's sentence-like visible lines that our reading does not hold: readability
    can only be clearly longer than ours where this is large, so it runs only then (it costs what
    trafilatura costs)."""
    body = norm_key(ours)
    missed = 0
    for line in lines:
        n = count_tokens(line)
        if n >= 8 and ends_sentence(line) and norm_key(line) not in body:
            missed += n
    return missed


def readability_blocks(tree: lxml.html.HtmlElement, url: str | None = None) -> list[str] | None:
    """readability-lxml's article on an already parsed page, one block per line; None when it fails.

    It reads the tree we parsed (no second parse), from a copy of its own (its second, lenient pass
    starts again from the page). The tree comes from the page dump, which has already dropped what
    readability's own cleaner removes and what could change its reading (scripts, styles, comments,
    hidden parts): that cleaner otherwise costs 40 % of readability's time, on attributes and links
    it never reads."""
    try:
        summary = _document(tree, url).summary(html_partial=True)
        fragment = lxml.html.fromstring(summary) if summary.strip() else None
    except Exception:  # noqa: BLE001
        # readability failing on one hostile page: our own reading stays
        _LOG.debug("readability failed on %s", url or "a page", exc_info=True)
        return None
    return visible_lines(fragment) if fragment is not None else []


def _document(tree: lxml.html.HtmlElement, url: str | None) -> Any:
    from readability import Document  # lazy: the text path never needs it

    class _ParsedDocument(Document):
        def _parse(self, input: Any) -> Any:
            self.encoding = "utf-8"
            return copy.deepcopy(input)

    return _ParsedDocument(tree, url=url)
