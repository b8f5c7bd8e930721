"""A realistic synthetic batch for the throughput benchmark: HTML pages (70% real ScrapingHub page layouts with their article paragraphs swapped, 30% a simple
template), text dumps and JSONL records.

Article text comes from a bigram chain trained on the ScrapingHub gold bodies (real English news, MIT licence,
in the shared benchmark folder), so spaCy and trafilatura see news-like prose with names in it, while no two
articles are copies unless planted. Boilerplate (promos, bios, teasers, navigation) recurs per outlet as it does
in real dumps. About 10% of articles are planted copies of another one (wrapper, new headline, trim, edits).
"""

from __future__ import annotations

import html
import json
import random
import re
from collections import defaultdict
from pathlib import Path

OUTLETS = [f"The {a} {b}" for a in ("Daily", "Evening", "Coastal", "Northern", "Metro", "Valley", "Harbour", "City")
           for b in ("Ledger", "Courier", "Gazette", "Post", "Herald", "Times")]
PROMOS = ["Join our Telegram channel for breaking news!", "Subscribe to our newsletter for the best stories of the day.",
          "Download our free app to read offline.", "Follow us on Twitter for live updates.",
          "Support independent journalism: become a member today."]
NAV = ["Home", "World", "Politics", "Business", "Tech", "Science", "Health", "Sport", "Culture", "Opinion"]


class TextModel:
    """Bigram chain over the gold article bodies (sentence starts kept)."""

    def __init__(self, texts: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for text in texts:
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                words = sentence.split()
                if len(words) < 6:
                    continue
                self.starts.append(words[0])
                for a, b in zip(words, words[1:]):
                    self.next[a].append(b)

    def sentence(self, max_words: int = 35) -> str:
        word = self.rng.choice(self.starts)
        out = [word]
        while len(out) < max_words and not word.endswith((".", "!", "?")):
            followers = self.next.get(word)
            if not followers:
                break
            word = self.rng.choice(followers)
            out.append(word)
        text = " ".join(out)
        return text if text.endswith((".", "!", "?")) else text + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def article(self) -> list[str]:
        return [self.paragraph() for _ in range(self.rng.randint(5, 10))]

    def headline(self) -> str:
        return " ".join(self.sentence(12).rstrip(".!?").split()[:10])


def load_gold_texts(shared: Path) -> list[str]:
    """English gold bodies only: the chain would otherwise mix languages inside a sentence."""
    from newsdesk.clean.language import detect_language

    folder = shared / "bench" / "extraction" / "scrapinghub"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")) if not p.name.endswith(".raw.txt")]
    return [t for t in texts if detect_language(t)[0] == "en"]


class PageTemplates:
    """Real ScrapingHub pages (MIT) whose article paragraphs are swapped for generated ones: real DOM size, menus,
    scripts and sidebars around a body no other article shares."""

    def __init__(self, shared: Path) -> None:
        folder = shared / "bench" / "extraction" / "scrapinghub"
        self.pages = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))]

    def render(self, title: str, paragraphs: list[str], rng: random.Random) -> str:
        import lxml.html

        tree = lxml.html.fromstring(rng.choice(self.pages))
        slots = [p for p in tree.iter("p") if len(p.text_content().split()) >= 15]
        for slot, text in zip(slots, paragraphs + paragraphs):
            for child in list(slot):
                slot.remove(child)
            slot.text = text
        for extra in slots[2 * len(paragraphs):]:
            extra.drop_tree()
        for heading in tree.iter("h1", "title"):
            for child in list(heading):
                heading.remove(child)
            heading.text = title
        return lxml.html.tostring(tree, encoding="unicode")


def render_html(title: str, outlet: str, date: str, paragraphs: list[str], related: list[str], rng: random.Random) -> str:
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    side = "".join(f'<li><a href="/a/{rng.randint(1, 10**6)}">{html.escape(r)}</a></li>' for r in related)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    script = "var config = {" + ",".join(f'"k{i}": {i}' for i in range(400)) + "};"
    style = "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px}}" for i in range(300))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} | {outlet}</title>"
            f"<meta property='og:title' content='{html.escape(title)}'><meta property='og:site_name' content='{outlet}'>"
            f"<meta property='article:published_time' content='{date}T08:00:00Z'><style>{style}</style>"
            f"<script>{script}</script></head><body><header><a href='/'>{outlet}</a><nav><ul>{nav}</ul></nav></header>"
            f"<main><article><h1>{html.escape(title)}</h1><p class='byline'>By Staff Reporter</p>{body}"
            f"<div class='share'><a>Share</a> <a>Tweet</a> <a>Email</a></div></article>"
            f"<aside><h3>Most read</h3><ul>{side}</ul><div class='newsletter'>{PROMOS[1]}</div></aside></main>"
            f"<footer><p>© 2026 {outlet}. All rights reserved.</p></footer></body></html>")


def render_text(title: str, outlet: str, date: str, paragraphs: list[str], related: list[str], rng: random.Random) -> str:
    lines = [" ".join(NAV), title, f"Published: {date}", *paragraphs[:2], rng.choice(PROMOS), *paragraphs[2:],
             "Read more", *related[:3], f"© 2026 {outlet}. All rights reserved."]
    return "\n\n".join(lines)


def write_batch(folder: Path, n: int, shared: Path, seed: int = 11, copy_share: float = 0.1) -> dict[str, int]:
    """Write n articles into folder (files of each format) and return counts by format."""
    rng = random.Random(seed)
    model = TextModel(load_gold_texts(shared), seed)
    templates = PageTemplates(shared)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {"html": 0, "txt": 0, "jsonl": 0, "copies": 0}
    produced: list[tuple[str, list[str]]] = []
    jsonl_buffer: list[str] = []
    for i in range(n):
        outlet = rng.choice(OUTLETS)
        date = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if produced and rng.random() < copy_share:
            title, paragraphs = rng.choice(produced)
            paragraphs = paragraphs[: max(3, len(paragraphs) - rng.randint(0, 2))]
            paragraphs = [f"This article was originally published by {rng.choice(OUTLETS)}.", *paragraphs]
            title = "UPDATE: " + title
            counts["copies"] += 1
        else:
            title, paragraphs = model.headline(), model.article()
            produced.append((title, paragraphs))
        related = [model.headline() for _ in range(5)]
        kind = rng.choices(["html", "txt", "jsonl"], weights=[0.3, 0.3, 0.4])[0]
        counts[kind] += 1
        if kind == "html":
            page = templates.render(title, paragraphs, rng) if rng.random() < 0.7 else render_html(
                title, outlet, date, paragraphs, related, rng)
            (folder / f"page-{i:06d}.html").write_text(page, encoding="utf-8")
        elif kind == "txt":
            (folder / f"dump-{i:06d}.txt").write_text(render_text(title, outlet, date, paragraphs, related, rng),
                                                     encoding="utf-8")
        else:
            jsonl_buffer.append(json.dumps({"id": f"rec-{i}", "title": title, "published": date, "source": outlet,
                                            "text": "\n\n".join(paragraphs + [rng.choice(PROMOS)])}))
            if len(jsonl_buffer) >= 1000:
                _flush(folder, jsonl_buffer)
    if jsonl_buffer:
        _flush(folder, jsonl_buffer)
    (folder / "_SUCCESS").touch()
    return counts


def _flush(folder: Path, lines: list[str]) -> None:
    index = len(list(folder.glob("wire-*.jsonl")))
    (folder / f"wire-{index:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines.clear()
