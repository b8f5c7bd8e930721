"""Fit the HTML path's selector (ours or readability-lxml's reading) on one set, score it on the other.

Reads the cached candidates (`extraction_peers`, tool `newsdesk-parts`): per page our reading, readability's
reading and the selector's other inputs. The label of a page is which reading scores better there (ScrapingHub:
4-gram F1 against the gold body, the shared scorer's `tp_fp_fn`; trafilatura-eval: must / must-not snippets as
`snippet_score` counts them), weighted by how much better. Scores are the sets' own aggregate metrics.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from extraction_peers import output
from extraction_sets import SETS, Page, pages_of, shared_tool
from sklearn.linear_model import LogisticRegression

from newsdesk.clean.ensemble import FEATURES, Selector, pair_features

RESOURCE = Path(__file__).resolve().parent.parent / "src" / "newsdesk" / "resources" / "ensemble_selector.json"
C = 0.3  # strong L2: ten features, a few hundred informative pages


@dataclass
class Counts:
    """One page's score terms: (tp, fp, fn) of 4-grams or of snippets."""

    tp: int
    fp: int
    fn: int

    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0


def counts(page: Page, text: str) -> Counts:
    if page.set_name == "scrapinghub":
        tp, fp, fn = shared_tool("extract_score").tp_fp_fn(page.gold, text)
        return Counts(tp, fp, fn)
    snippet = shared_tool("snippet_score")
    body = snippet.norm(text)
    found = sum(snippet.norm(s) in body for s in page.must)
    wrong = sum(snippet.norm(s) in body for s in page.must_not)
    return Counts(found, wrong, len(page.must) - found)


def set_f1(all_counts: list[Counts]) -> float:
    """The set's aggregate F1 (both shared scorers sum the terms over pages before dividing)."""
    return Counts(sum(c.tp for c in all_counts), sum(c.fp for c in all_counts), sum(c.fn for c in all_counts)).f1()


@dataclass
class SetData:
    name: str
    x: np.ndarray
    ours: list[Counts]
    theirs: list[Counts]
    page_ids: list[str]


def load_set(set_name: str) -> SetData:
    rows, ours, theirs, ids = [], [], [], []
    for page in pages_of(set_name):
        parts = json.loads(output("newsdesk-parts", page))
        rows.append(pair_features(parts["ours"], parts["theirs"], parts["largest"], parts["title"]))
        ours.append(counts(page, parts["ours"]))
        theirs.append(counts(page, parts["theirs"]) if not parts["theirs_failed"] else Counts(0, 0, 10**6))
        ids.append(page.page_id)
    return SetData(set_name, np.array(rows), ours, theirs, ids)


def fit(sets: list[SetData], threshold: float = 0.5) -> Selector:
    x = np.vstack([s.x for s in sets])
    gain = np.concatenate([[t.f1() - o.f1() for o, t in zip(s.ours, s.theirs)] for s in sets])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    informative = np.abs(gain) > 0.01
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit((x[informative] - mean) / scale, gain[informative] > 0, sample_weight=np.abs(gain[informative]))
    digest = hashlib.sha256(json.dumps({"sets": [s.name for s in sets], "pages": [s.page_ids for s in sets],
                                        "features": FEATURES, "C": C}).encode()).hexdigest()[:16]
    return Selector(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]), tuple(map(float, mean)),
                    tuple(map(float, scale)), threshold, f"{'+'.join(s.name for s in sets)}:{digest}")


def apply(selector: Selector, data: SetData) -> tuple[float, int, int, int]:
    """(set F1 with the selector, pages switched, pages it made better, pages it made worse by > 0.02)."""
    chosen, switched, better, worse = [], 0, 0, 0
    for row, o, t in zip(data.x, data.ours, data.theirs):
        take = selector.prefers_theirs(list(row))
        chosen.append(t if take else o)
        if take:
            switched += 1
            better += t.f1() > o.f1() + 0.02
            worse += t.f1() < o.f1() - 0.02
    return set_f1(chosen), switched, better, worse


def report(log: print = print, write: bool = False) -> dict[str, float]:  # type: ignore[valid-type]
    data = {name: load_set(name) for name in SETS}
    found: dict[str, float] = {}
    for name, d in data.items():
        oracle = set_f1([t if t.f1() > o.f1() else o for o, t in zip(d.ours, d.theirs)])
        log(f"{name:16s} ours {set_f1(d.ours):.4f}  readability (ours) {set_f1(d.theirs):.4f}  "
            f"per-page oracle {oracle:.4f}  (n={len(d.ours)})")
    for train, test in (("scrapinghub", "trafilatura-eval"), ("trafilatura-eval", "scrapinghub")):
        selector = fit([data[train]])
        f1, switched, better, worse = apply(selector, data[test])
        found[test] = f1
        log(f"leave-one-set-out: fitted on {train}, scored on {test}: F1 {f1:.4f} (ours alone "
            f"{set_f1(data[test].ours):.4f}); switched {switched} pages: {better} better, {worse} worse by >0.02")
    both = fit([data[name] for name in SETS])
    for name in SETS:
        f1, switched, better, worse = apply(both, data[name])
        log(f"fitted on both (in-sample) {name}: F1 {f1:.4f}; switched {switched}: {better} better, {worse} worse")
    log("weights (standardised): " + ", ".join(f"{n}={w:+.2f}" for n, w in zip(FEATURES, both.weights))
        + f", bias={both.bias:+.2f}")
    if write:
        RESOURCE.write_text(json.dumps(both.to_json(), indent=1) + "\n", encoding="utf-8")
        log(f"wrote {RESOURCE}")
    return found
