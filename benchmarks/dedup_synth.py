"""Synthetic news-like articles with planted copies, for the dedup scale benchmark (not for quality scores).

Words are drawn from a Zipf-distributed synthetic vocabulary, so shingles are about as rare as in real text;
a few hundred boilerplate lines (promos, bios) recur across outlets so the common-fingerprint table is exercised.
A planted copy is a source article with some of: a wrapper line, a trimmed ending, a swapped paragraph pair,
a few word edits, an appended paragraph of another article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import xxhash

VOCAB = 40_000
OUTLETS = [f"Outlet {i:03d}" for i in range(300)]


@dataclass
class Synth:
    seed: int = 7

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        lengths = rng.integers(2, 11, VOCAB)
        self.vocab = np.array(["".join(rng.choice(letters, n)) for n in lengths], dtype=object)
        ranks = np.arange(1, VOCAB + 1, dtype=np.float64)
        weights = ranks ** -1.07
        self.cdf = np.cumsum(weights / weights.sum())
        self.boiler = [self.sentence(rng, rng.integers(8, 20)).capitalize() + "." for _ in range(300)]

    def words(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.vocab[np.searchsorted(self.cdf, rng.random(n))]

    def sentence(self, rng: np.random.Generator, n: int) -> str:
        return " ".join(self.words(rng, int(n)).tolist())

    def article(self, rng: np.random.Generator) -> str:
        """3-9 paragraphs of 30-110 words; one in five articles carries a boilerplate line."""
        paras = []
        for _ in range(int(rng.integers(3, 10))):
            words = self.words(rng, int(rng.integers(30, 110))).tolist()
            for cut in sorted(rng.choice(len(words) - 1, size=len(words) // 18, replace=False), reverse=True):
                words[cut] += "."
            paras.append(" ".join(words).capitalize() + ".")
        if rng.random() < 0.2:
            paras.append(self.boiler[int(rng.integers(len(self.boiler)))])
        return "\n\n".join(paras)

    def copy_of(self, rng: np.random.Generator, body: str, other: str) -> str:
        paras = body.split("\n\n")
        if rng.random() < 0.3 and len(paras) > 3:  # trimmed ending
            paras = paras[: max(2, int(len(paras) * rng.uniform(0.5, 0.7)))]
        if rng.random() < 0.25 and len(paras) > 2:  # two paragraphs swapped
            i, j = rng.choice(len(paras), 2, replace=False)
            paras[i], paras[j] = paras[j], paras[i]
        if rng.random() < 0.45:  # light copy-edits
            words = "\n\n".join(paras).split(" ")
            for k in rng.choice(len(words), size=min(len(words), int(rng.integers(1, 6))), replace=False):
                words[k] = str(self.vocab[int(rng.integers(VOCAB))])
            paras = " ".join(words).split("\n\n")
        if rng.random() < 0.45:
            paras.insert(0, self.boiler[int(rng.integers(len(self.boiler)))])
        if rng.random() < 0.2:
            paras.append(other.split("\n\n")[0])
        return "\n\n".join(paras)


def make_rows(synth: Synth, start: int, count: int, batch_id: str, copy_share: float,
              sources: dict[int, str] | None = None, prefix: str = "d") -> list[dict[str, object]]:
    """Articles start..start+count-1; `copy_share` of them copy an article of this chunk (or of `sources`)."""
    rng = np.random.default_rng([synth.seed, start, count, len(prefix)])
    rows: list[dict[str, object]] = []
    bodies: list[str] = []
    pool = list((sources or {}).values())
    for i in range(start, start + count):
        if rows and rng.random() < copy_share:
            src = pool[int(rng.integers(len(pool)))] if pool else bodies[int(rng.integers(len(bodies)))]
            body = synth.copy_of(rng, src, bodies[int(rng.integers(len(bodies)))])
        else:
            body = synth.article(rng)
        bodies.append(body)
        rows.append({
            "doc_id": xxhash.xxh3_128_hexdigest(f"{prefix}{i}".encode())[:20], "batch_id": batch_id,
            "title": f"Story {prefix}{i}", "published_date": date(2020, 1, 1) + timedelta(days=i // 3000),
            "author": None, "source_name": OUTLETS[i % len(OUTLETS)], "syndicated_from": None,
            "url": f"https://example.org/{prefix}{i}", "language": "en", "body": body,
            "n_words": len(body.split()),
        })
    return rows
