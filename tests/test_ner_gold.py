"""The NER gold set (benchmarks/data/ner_gold.jsonl) is well-formed and matches its markup source."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
GOLD = BENCH / "data" / "ner_gold.jsonl"
LABELS = {"PER", "ORG", "LOC", "MISC"}


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


def load_builder():
    spec = importlib.util.spec_from_file_location("ner_gold_build", BENCH / "ner_gold_build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def test_size(articles: list[dict]) -> None:
    assert len(articles) >= 60
    assert sum(len(a["entities"]) for a in articles) >= 600
    assert len({a["id"] for a in articles}) == len(articles)


def test_offsets_labels_and_canonicals(articles: list[dict]) -> None:
    for a in articles:
        assert a["title"].strip() and a["text"].strip(), a["id"]
        previous_end = 0
        for e in sorted(a["entities"], key=lambda e: e["start"]):
            assert a["text"][e["start"]:e["end"]] == e["text"], (a["id"], e)
            assert e["label"] in LABELS, (a["id"], e)
            assert e["canonical"].strip(), (a["id"], e)
            assert e["start"] >= previous_end, f"{a['id']}: overlapping spans at {e}"
            previous_end = e["end"]


def test_every_type_is_well_represented(articles: list[dict]) -> None:
    # The scorer reports per-type numbers; a type with a handful of spans would make them noise.
    for label in ("PER", "ORG", "LOC"):
        assert sum(e["label"] == label for a in articles for e in a["entities"]) >= 150, label


def test_jsonl_is_the_build_of_the_source() -> None:
    # Offsets are computed, never hand-edited: the committed JSONL must be exactly what the builder makes.
    builder = load_builder()
    built = builder.render_jsonl(builder.build_articles(builder.SOURCE.read_text(encoding="utf-8")))
    assert built == GOLD.read_text(encoding="utf-8")
