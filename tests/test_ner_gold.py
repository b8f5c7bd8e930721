"""The NER gold sets (benchmarks/data/ner_gold.jsonl, ner_gold2.jsonl) are well-formed and match their sources."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from helpers import load_module

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
DATA = BENCH / "data"
GOLD = {"1": DATA / "ner_gold.jsonl", "2": DATA / "ner_gold2.jsonl"}
LABELS = {"PER", "ORG", "LOC", "MISC"}
# Minimum size per set: (articles, spans, spans of each scored type).
MIN_SIZE = {"1": (60, 600, 150), "2": (40, 600, 150)}
SET2_STYLES = ("sport", "biz", "caps", "local")


def load(gold_set: str) -> list[dict]:
    return [json.loads(line) for line in GOLD[gold_set].read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module", params=sorted(GOLD))
def gold(request) -> tuple[str, list[dict]]:
    return request.param, load(request.param)


def load_builder() -> ModuleType:
    return load_module("ner_gold_build", BENCH / "ner_gold_build.py")


def test_size(gold: tuple[str, list[dict]]) -> None:
    gold_set, articles = gold
    min_articles, min_spans, _ = MIN_SIZE[gold_set]
    assert len(articles) >= min_articles
    assert sum(len(a["entities"]) for a in articles) >= min_spans
    assert len({a["id"] for a in articles}) == len(articles)


def test_offsets_labels_and_canonicals(gold: tuple[str, list[dict]]) -> None:
    for a in gold[1]:
        assert a["title"].strip() and a["text"].strip(), a["id"]
        previous_end = 0
        for e in sorted(a["entities"], key=lambda e: e["start"]):
            assert a["text"][e["start"]:e["end"]] == e["text"], (a["id"], e)
            assert e["label"] in LABELS, (a["id"], e)
            assert e["canonical"].strip(), (a["id"], e)
            assert e["start"] >= previous_end, f"{a['id']}: overlapping spans at {e}"
            previous_end = e["end"]


def test_every_type_is_well_represented(gold: tuple[str, list[dict]]) -> None:
    # The scorer reports per-type numbers; a type with a handful of spans would make them noise.
    gold_set, articles = gold
    for label in ("PER", "ORG", "LOC"):
        assert sum(e["label"] == label for a in articles for e in a["entities"]) >= MIN_SIZE[gold_set][2], label


@pytest.mark.parametrize("gold_set", sorted(GOLD))
def test_jsonl_is_the_build_of_the_source(gold_set: str) -> None:
    # Offsets are computed, never hand-edited: the committed JSONL must be exactly what the builder makes.
    builder = load_builder()
    spec = builder.SETS[gold_set]
    assert spec.target == GOLD[gold_set]
    built = builder.render_jsonl(builder.build_articles(spec.source.read_text(encoding="utf-8"),
                                                        spec.min_words, spec.max_words))
    assert built == GOLD[gold_set].read_text(encoding="utf-8")


def test_set2_styles_have_roughly_equal_shares() -> None:
    styles = Counter(a["id"].split("-")[0] for a in load("2"))
    assert set(styles) == set(SET2_STYLES)
    assert min(styles.values()) >= 10 and max(styles.values()) <= 2 * min(styles.values()), styles


def test_set2_keeps_its_counter_examples() -> None:
    # The same surface with different types is what the set is for: Washington (city, government, state, person,
    # club), Jordan (country, person), clubs named after their city next to the city, firms named after a person.
    articles = load("2")
    types_by_surface: dict[str, set[str]] = defaultdict(set)
    mixed_articles = 0
    for a in articles:
        in_article: dict[str, set[str]] = defaultdict(set)
        for e in a["entities"]:
            in_article[e["text"].lower()].add(e["label"])
            types_by_surface[e["text"].lower()].add(e["label"])
        mixed_articles += any(len(labels) > 1 for labels in in_article.values())
    assert types_by_surface["washington"] >= {"LOC", "PER", "ORG"}
    assert types_by_surface["jordan"] >= {"LOC", "PER"}
    assert mixed_articles >= 15


def test_the_two_sets_share_no_ids_and_no_sentences() -> None:
    # Set 2 is a held-out test written independently of set 1: no article id and no 8-word run in common.
    one, two = load("1"), load("2")
    assert not {a["id"] for a in one} & {a["id"] for a in two}

    def shingles(articles: list[dict]) -> set[tuple[str, ...]]:
        out: set[tuple[str, ...]] = set()
        for a in articles:
            words = re.findall(r"\w+", a["text"].lower())
            out.update(tuple(words[i:i + 8]) for i in range(len(words) - 7))
        return out

    assert not shingles(one) & shingles(two)


def _article(body: str) -> str:
    return f"=== t1\ntitle: A test\n{body}\n"


def test_builder_applies_each_sets_word_bounds() -> None:
    builder = load_builder()
    short = _article("[[Ana Lima|PER]] opened a cafe. " + "word " * 55)
    spec = builder.SETS["2"]
    assert len(builder.build_articles(short, spec.min_words, spec.max_words)) == 1
    with pytest.raises(builder.GoldError, match="words"):
        builder.build_articles(short)  # set 1's bounds are the default


def test_builder_rejects_titles_but_keeps_names_that_start_like_one() -> None:
    builder = load_builder()
    filler = " filler" * 80
    assert builder.build_articles(_article("They met on [[King Street|LOC]] in [[Leeds|LOC]]." + filler))
    with pytest.raises(builder.GoldError, match="span guidelines"):
        builder.build_articles(_article("[[King Charles|PER]] visited [[Leeds|LOC]]." + filler))


def test_builder_rejects_a_name_left_bare_elsewhere() -> None:
    builder = load_builder()
    with pytest.raises(builder.GoldError, match="annotated elsewhere"):
        builder.build_articles(_article("[[Liverpool|ORG]] won. Fans in Liverpool cheered." + " filler" * 80))
