"""Dedup building blocks on small hand-made texts: tokens, verdicts, guards, band keys, canonical clustering."""

import random
from datetime import date

import numpy as np
import pytest

from newsdesk.config import DedupConfig
from newsdesk.dedup.cluster import ArticleInfo, canonical_order, cluster_component
from newsdesk.dedup.features import band_keys, char_spans, compute_features
from newsdesk.dedup.shingles import tokenize
from newsdesk.dedup.verify import COPY, STORY, verify_pair

CONFIG = DedupConfig()
_RNG = random.Random(11)
_WORDS = [f"w{i}" for i in range(3000)]


def _text(n: int, rng: random.Random = _RNG) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return "\n\n".join(" ".join(words[i:i + 60]) + "." for i in range(0, n, 60))


def _verdict(a: str, b: str, common: np.ndarray | None = None):
    fa, fb = compute_features("a", a, CONFIG), compute_features("b", b, CONFIG)
    return verify_pair(fa, fb, CONFIG, common if common is not None else np.zeros(0, np.uint64))


def test_tokens_fold_case_and_accents_and_map_back_to_text() -> None:
    text = "Café DU Monde, naïve 2022 — 東京都"
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == ["Café", "DU", "Monde", "naïve", "2022",
                                                                      "東", "京", "都"]
    assert tokens.hashes[0] == tokenize("cafe").hashes[0] and tokens.hashes[3] == tokenize("NAIVE").hashes[0]
    assert tokens.is_number.tolist() == [False] * 4 + [True] + [False] * 3
    assert tokens.is_capital.tolist()[:3] == [True, True, True]


def test_trimmed_copy_with_wrapper_is_a_copy_and_similarity_is_containment() -> None:
    source = _text(400)
    copy = "Subscribe to the Daily Ledger for more news like this.\n\n" + source[: len(source) // 2]
    verdict = _verdict(source, copy)
    assert verdict.relation == COPY and verdict.containment > 0.9


def test_short_text_pasted_into_a_longer_different_one_is_not_a_copy() -> None:
    short, other = _text(60), _text(500)
    verdict = _verdict(short, other + "\n\n" + short)
    assert verdict.containment > 0.9
    assert verdict.relation == STORY  # it shares a long passage, but is not the same article


def test_template_with_different_numbers_is_not_a_copy() -> None:
    template = ("Shares of the company rose {0} percent to {1} dollars on {2} after it reported revenue of {3} "
                "million dollars, analysts said. ") + _text(80, random.Random(5))
    a = template.format(3, 41, "Monday", 812)
    b = template.format(5, 44, "Tuesday", 901)
    verdict = _verdict(a, b)
    assert verdict.containment > 0.55 and verdict.relation != COPY
    assert "differ" in verdict.reason


def test_copy_edits_do_not_trip_the_fact_guard() -> None:
    text = "Officials said on Monday that 42 people and 7 firms in Springfield were fined 300 dollars. " + _text(200)
    words = text.replace("said", "says").split(" ")
    for i in (20, 90, 150):  # three word swaps
        words[i] = "changed"
    edited = " ".join(words)
    assert _verdict(text, edited).relation == COPY


def test_swapped_paragraphs_do_not_trip_the_name_guard() -> None:
    # the words before a paragraph's first (capitalised) word belong to another paragraph: after a swap they
    # are followed by a different capital, which says nothing about names disagreeing
    paras = [f"{name} " + _text(50) for name in ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel")]
    swapped = paras[:]
    swapped[1], swapped[5] = swapped[5], swapped[1]
    swapped[2], swapped[6] = swapped[6], swapped[2]
    assert _verdict("\n\n".join(paras), "\n\n".join(swapped)).relation == COPY


def test_story_link_records_the_shared_passage() -> None:
    quote = ("we had a thorough exchange of views on the situation in the region and agreed that the sanctions "
             "are illegitimate and must be lifted without delay")
    a, b = _text(200) + " " + quote + " " + _text(100), _text(150) + " " + quote + " " + _text(150)
    verdict = _verdict(a, b)
    assert verdict.relation == STORY and verdict.shared_words >= 24
    spans = char_spans(tokenize(a), list(verdict.passages))
    assert any("thorough exchange of views" in a[s:e] for s, e in spans)


def test_one_shared_phrase_is_nothing() -> None:
    phrase = "relations between the two countries are superior to the alliances of the cold war era"
    assert _verdict(_text(200) + " " + phrase, _text(200) + " " + phrase).relation is None


def test_common_boilerplate_is_not_a_shared_passage() -> None:
    promo = " ".join(_WORDS[:40])  # a 40-word promo block, too long to be ignored without the common table
    a, b = _text(200) + "\n\n" + promo, _text(200) + "\n\n" + promo
    assert _verdict(a, b).relation == STORY
    fa, fb = compute_features("a", a, CONFIG), compute_features("b", b, CONFIG)
    common = np.intersect1d(fa.fingerprints, fb.fingerprints)  # what the index would mark as common
    assert _verdict(a, b, common).relation is None


def test_band_keys_are_per_band() -> None:
    sig = np.arange(128, dtype=np.uint32).reshape(1, 128)
    other = sig.copy()
    other[0, 0] += 1  # changes band 0 only
    ka, kb = band_keys(sig, 32), band_keys(other, 32)
    assert ka.shape == (1, 32) and ka[0, 0] != kb[0, 0] and (ka[0, 1:] == kb[0, 1:]).all()
    assert len(set(ka[0].tolist())) == 32


def _info(doc_id: str, day: int, source: str = "x", syndicated_from: str | None = None, n: int = 100) -> ArticleInfo:
    return ArticleInfo(doc_id, date(2022, 1, day), source, syndicated_from, n)


def test_canonical_is_the_attributed_original_then_the_earliest() -> None:
    infos = [_info("c", 1, "Copycat"), _info("b", 3, "Wire"), _info("a", 5, "Reprinter", syndicated_from="Wire")]
    assert [i.doc_id for i in canonical_order(infos)] == ["b", "c", "a"]
    assert [i.doc_id for i in canonical_order(infos[:1] + [_info("d", 1, n=300)])] == ["d", "c"]


@pytest.mark.parametrize("direct", [True, False])
def test_chains_do_not_glue_clusters(direct: bool) -> None:
    pairs = {("a", "b"): 0.9, ("b", "c"): 0.8}
    if direct:
        pairs[("a", "c")] = 0.7
    rows = cluster_component([_info("a", 1), _info("b", 2), _info("c", 3)], lambda x, y: pairs.get((min(x, y), max(x, y))))
    clusters = {r.doc_id: r.copy_cluster_id for r in rows}
    assert clusters["a"] == clusters["b"] == "a"
    assert (clusters["c"] == "a") is direct
    assert sum(r.is_canonical for r in rows) == (1 if direct else 2)
