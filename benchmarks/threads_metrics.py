"""Clustering scores for story threads: pairwise and B-cubed precision, recall and F1 of a predicted partition
against a gold one (both as item -> cluster label; only items in both are scored)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pairwise(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    items = sorted(pred.keys() & gold.keys())
    joint = Counter((pred[i], gold[i]) for i in items)
    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())
    tp = pairs(joint)
    pp, gp = pairs(Counter(pred[i] for i in items)), pairs(Counter(gold[i] for i in items))
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, _f1(p, r)


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    items = sorted(pred.keys() & gold.keys())
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i in items:
        by_pred[pred[i]].add(i)
        by_gold[gold[i]].add(i)
    p = sum(len(by_pred[pred[i]] & by_gold[gold[i]]) / len(by_pred[pred[i]]) for i in items) / len(items)
    r = sum(len(by_pred[pred[i]] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in items) / len(items)
    return p, r, _f1(p, r)


def line(name: str, system: str, pred: Mapping[str, str], gold: Mapping[str, str]) -> str:
    pp, pr, pf = pairwise(pred, gold)
    bp, br, bf = bcubed(pred, gold)
    n = len(pred.keys() & gold.keys())
    return (f"{name:9s} {system:22s} n={n:4d} threads={len(set(pred[i] for i in pred if i in gold)):4d}  "
            f"pairwise P={pp:.3f} R={pr:.3f} F1={pf:.3f}  B3 P={bp:.3f} R={br:.3f} F1={bf:.3f}")
