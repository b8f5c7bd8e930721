"""Build an NER gold set (JSONL with character offsets) from its inline-markup source, and validate it.

    .venv/bin/python benchmarks/ner_gold_build.py                  # write benchmarks/data/ner_gold.jsonl (set 1)
    .venv/bin/python benchmarks/ner_gold_build.py --check          # fail if the JSONL is stale or invalid
    .venv/bin/python benchmarks/ner_gold_build.py --set 2 [--check]  # the same for ner_gold2.* (set 2)

Source format (benchmarks/data/ner_gold.src.txt, ner_gold2.src.txt):
    %% a comment line (ignored anywhere)
    === n001                      starts an article with id n001
    title: Plain-text title       (titles carry no markup: they are not scored)
    Body paragraph with [[Vladimir Putin|PER]] and [[Putin|PER|Vladimir Putin]]'s aides.

    Paragraphs are separated by blank lines; lines of one paragraph are joined with a space.
A span is [[surface|LABEL]] (canonical = surface) or [[surface|LABEL|canonical]]; LABEL is PER, ORG, LOC or MISC.
Offsets are hand-free: they are computed here, so the source stays readable and editable.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SOURCE = DATA / "ner_gold.src.txt"
TARGET = DATA / "ner_gold.jsonl"

LABELS = ("PER", "ORG", "LOC", "MISC")
MIN_WORDS, MAX_WORDS = 80, 250


@dataclass(frozen=True)
class GoldSet:
    source: Path
    target: Path
    min_words: int
    max_words: int


# Set 2 has results tables and all-caps briefs: real ones are shorter or longer than set 1's wire stories.
SETS = {
    "1": GoldSet(SOURCE, TARGET, MIN_WORDS, MAX_WORDS),
    "2": GoldSet(DATA / "ner_gold2.src.txt", DATA / "ner_gold2.jsonl", 40, 300),
}
_SPAN = re.compile(r"\[\[([^\[\]|]+)\|([A-Z]+)(?:\|([^\[\]|]+))?\]\]")
# Guideline checks: spans never start with an article or a title and never end in a possessive.
_BAD_START = re.compile(r"^(?:the|The|President|Prime Minister|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sen\.|Senator|Gen\.|"
                        r"General|King|Queen|Chancellor|Minister|Mayor|Judge|Pope|Sheikh)\s")
_BAD_END = re.compile(r"['’]s?$")
_NAMES_WITH_APOSTROPHE_S = frozenset({"Moody's", "McDonald's", "Sainsbury's", "Macy's", "Lloyd's", "St Aidan's"})
# Names that really start with a word the title check rejects (a company, streets, a city).
_NAMES_STARTING_WITH_A_TITLE = frozenset({"General Motors", "General Electric", "King Street", "Queen Street",
                                          "The Hague"})


class GoldError(ValueError):
    """The source breaks the format or the annotation guidelines."""


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str
    canonical: str


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    entities: tuple[Entity, ...]

    def to_json(self) -> str:
        record = {"id": self.id, "title": self.title, "text": self.text,
                  "entities": [e.__dict__ for e in self.entities]}
        return json.dumps(record, ensure_ascii=False)


def split_articles(source: str) -> list[tuple[str, str, list[str]]]:
    """(id, title, body lines) per article; comment lines dropped."""
    articles: list[tuple[str, str, list[str]]] = []
    for lineno, line in enumerate(source.splitlines(), 1):
        if line.startswith("%%"):
            continue
        if line.startswith("=== "):
            articles.append((line[4:].strip(), "", []))
        elif not articles:
            if line.strip():
                raise GoldError(f"line {lineno}: text before the first '=== id' line")
        elif line.startswith("title:") and not articles[-1][1] and not articles[-1][2]:
            doc_id, _, body = articles[-1]
            articles[-1] = (doc_id, line[len("title:"):].strip(), body)
        else:
            articles[-1][2].append(line.rstrip())
    return articles


def join_paragraphs(lines: list[str]) -> str:
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs)


def parse_markup(doc_id: str, marked: str) -> tuple[str, list[Entity]]:
    """Plain text and entities with offsets into it."""
    out: list[str] = []
    entities: list[Entity] = []
    pos = length = 0
    for match in _SPAN.finditer(marked):
        plain = marked[pos:match.start()]
        out.append(plain)
        length += len(plain)
        surface, label, canonical = match.group(1), match.group(2), (match.group(3) or match.group(1)).strip()
        if label not in LABELS:
            raise GoldError(f"{doc_id}: label {label!r} of {surface!r} is not one of {LABELS}")
        entities.append(Entity(length, length + len(surface), surface, label, canonical))
        out.append(surface)
        length += len(surface)
        pos = match.end()
    out.append(marked[pos:])
    text = "".join(out)
    for stray in ("[[", "]]", "|"):
        if stray in text:
            raise GoldError(f"{doc_id}: unparsed markup {stray!r} near {text[max(0, text.find(stray) - 40):][:80]!r}")
    return text, entities


def validate_article(article: Article, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> None:
    """Offsets, labels, guidelines and length; also that no annotated name repeats unannotated."""
    words = len(article.text.split())
    if not min_words <= words <= max_words:
        raise GoldError(f"{article.id}: {words} words, outside {min_words}-{max_words}")
    if not article.title:
        raise GoldError(f"{article.id}: no title")
    covered = [False] * len(article.text)
    for e in article.entities:
        if article.text[e.start:e.end] != e.text:
            raise GoldError(f"{article.id}: offsets {e.start}:{e.end} do not give {e.text!r}")
        if e.label not in LABELS or not e.canonical.strip():
            raise GoldError(f"{article.id}: bad label or empty canonical for {e.text!r}")
        possessive = bool(_BAD_END.search(e.text)) and e.text not in _NAMES_WITH_APOSTROPHE_S
        titled = bool(_BAD_START.match(e.text)) and e.text not in _NAMES_STARTING_WITH_A_TITLE
        if e.text != e.text.strip() or titled or possessive:
            raise GoldError(f"{article.id}: span {e.text!r} breaks the span guidelines (article, title, possessive)")
        for i in range(e.start, e.end):
            covered[i] = True
    # A name annotated once but left bare elsewhere in the same article is almost always a missed annotation.
    for surface in {e.text for e in article.entities}:
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", article.text):
            if not any(covered[m.start():m.end()]):
                raise GoldError(f"{article.id}: {surface!r} at {m.start()} is annotated elsewhere but not here")


def build_articles(source: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Article]:
    articles, seen = [], set()
    for doc_id, title, lines in split_articles(source):
        if not re.fullmatch(r"[a-z0-9_-]+", doc_id) or doc_id in seen:
            raise GoldError(f"bad or duplicate article id {doc_id!r}")
        seen.add(doc_id)
        text, entities = parse_markup(doc_id, join_paragraphs(lines))
        article = Article(doc_id, title, text, tuple(entities))
        validate_article(article, min_words, max_words)
        articles.append(article)
    return articles


def render_jsonl(articles: list[Article]) -> str:
    return "".join(a.to_json() + "\n" for a in articles)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; fail if the JSONL differs from a fresh build")
    ap.add_argument("--set", choices=sorted(SETS), default="1", help="which gold set (default 1: ner_gold.*)")
    ap.add_argument("--source", type=Path, help="markup source (default: the set's)")
    ap.add_argument("--out", type=Path, help="JSONL to write or check (default: the set's)")
    args = ap.parse_args(argv)
    gold = SETS[args.set]
    args.source = args.source or gold.source
    args.out = args.out or gold.target
    try:
        articles = build_articles(args.source.read_text(encoding="utf-8"), gold.min_words, gold.max_words)
    except GoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rendered = render_jsonl(articles)
    n_spans = sum(len(a.entities) for a in articles)
    by_label = {label: sum(e.label == label for a in articles for e in a.entities) for label in LABELS}
    words = [len(a.text.split()) for a in articles]
    print(f"{len(articles)} articles, {n_spans} spans {by_label}, words {min(words)}-{max(words)} "
          f"(total {sum(words)})")
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != rendered:
            print(f"error: {args.out} is stale; run {Path(__file__).name} to rebuild", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
