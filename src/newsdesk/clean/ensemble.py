"""A second opinion on the HTML path: readability-lxml's reading of the page, and when to take it instead.

Our trafilatura-based path and readability-lxml fail on different pages (trafilatura stops early on pages
with split article containers; readability keeps whole containers). The choice between the two readings is
a small logistic regression over features of the pair (`pair_features`), fitted on one benchmark set and
checked on the other (benchmarks/extraction.py ensemble); its weights and the digest of what it was trained
on live in resources/ensemble_selector.json. readability-lxml is kept rather than re-implemented: it is a
well-kept library whose scoring is the one that wins on the pages where ours loses.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import lxml.html

from newsdesk.clean.page import visible_lines
from newsdesk.text import ends_sentence, split_blocks, words

_LOG = logging.getLogger(__name__)

FEATURES = ("log_ours", "log_theirs", "log_ratio", "ours_in_theirs", "theirs_in_ours", "ours_prose",
            "theirs_prose", "theirs_short_lines", "log_largest_line", "theirs_title")


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = words(text.lower())
    return {tuple(tokens[i:i + n]) for i in range(max(len(tokens) - n + 1, 0))}


def _prose_share(blocks: list[str]) -> float:
    """Share of the words in sentence-like lines (eight words or more, ending like a sentence)."""
    total = sum(len(b.split()) for b in blocks)
    prose = sum(len(b.split()) for b in blocks if len(b.split()) >= 8 and ends_sentence(b))
    return prose / total if total else 0.0


def _short_share(blocks: list[str]) -> float:
    """Share of lines of five words or fewer: menus and listings are made of them."""
    return sum(len(b.split()) <= 5 for b in blocks) / len(blocks) if blocks else 0.0


def pair_features(ours: str, theirs: str, largest_line_words: int, title: str | None) -> list[float]:
    """Features of one page's two readings (ours: the trafilatura path; theirs: readability-lxml)."""
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
    """Take readability's reading when the logistic score of the pair reaches the threshold."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5
    digest: str = ""

    def score(self, features: list[float]) -> float:
        z = self.bias + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, features, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def prefers_theirs(self, features: list[float]) -> bool:
        return self.score(features) >= self.threshold

    def to_json(self) -> dict[str, object]:
        return {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold,
                "digest": self.digest}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Selector:
        if list(data["features"]) != list(FEATURES):  # type: ignore[call-overload]
            raise ValueError("the selector was trained on other features; retrain it")
        return cls(tuple(data["weights"]), float(data["bias"]), tuple(data["mean"]),  # type: ignore[arg-type]
                   tuple(data["scale"]), float(data["threshold"]), str(data["digest"]))  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def load_selector() -> Selector | None:
    """The shipped selector; None when none is shipped (the path then keeps its own reading)."""
    path = resources.files("newsdesk.resources") / "ensemble_selector.json"
    if not path.is_file():
        return None
    return Selector.from_json(json.loads(path.read_text(encoding="utf-8")))


def readability_blocks(tree: lxml.html.HtmlElement, url: str | None = None) -> list[str] | None:
    """readability-lxml's article on an already parsed page, one block per line; None when it fails.

    It reads the tree we parsed (no second parse) and works on its own cleaned copy; in our tree it only
    drops hidden elements, which the page dump drops too."""
    from readability import Document  # lazy: the text path never needs it

    try:
        summary = Document(tree, url=url).summary(html_partial=True)
        fragment = lxml.html.fromstring(summary) if summary.strip() else None
    except Exception:  # noqa: BLE001 - readability failing on one hostile page: our own reading stays
        _LOG.debug("readability failed on %s", url or "a page", exc_info=True)
        return None
    return visible_lines(fragment) if fragment is not None else []
