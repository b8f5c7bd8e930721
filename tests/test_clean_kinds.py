"""Typed removal on the shared seeds, straight through clean_text (fast; the full pipeline is in the acceptance test)."""

from pathlib import Path

import pytest

from newsdesk.clean.kinds import KINDS
from newsdesk.clean.result import Extraction
from newsdesk.clean.text import clean_text

# (seed, short snippet of a removed line, expected kind)
SPOT_CHECKS = [
    ("001", "Telegram channel", "promo"),
    ("001", "(Screenshot)", "caption"),
    ("001", "originally published by", "reprint_note"),
    ("001", "April 03, 2022", "dateline"),
    ("002", "About Abhishek", "author_bio"),
    ("002", "Food maven", "author_bio"),
    ("002", "Check Also", "related_link"),
    ("002", "Sputnik / AFP", "caption"),
    ("003", "After Russian forces pull back", "related_link"),
]


def _clean(seeds_dir: Path, seed: str) -> Extraction:
    return clean_text(next(seeds_dir.glob(f"{seed}_*.txt")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed,snippet,kind", SPOT_CHECKS)
def test_removed_line_has_expected_kind(seeds_dir: Path, seed: str, snippet: str, kind: str) -> None:
    result = _clean(seeds_dir, seed)
    assert snippet not in result.body
    assert {s.kind for s in result.segments if snippet in s.text} == {kind}


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_segment_is_typed_and_explained(seeds_dir: Path, seed: str) -> None:
    result = _clean(seeds_dir, seed)
    assert result.body
    for segment in result.segments:
        assert segment.kind in KINDS
        assert segment.reason.strip()


def test_repeated_standfirst_is_a_duplicate(seeds_dir: Path) -> None:
    result = _clean(seeds_dir, "004")
    assert any(s.kind == "duplicate" for s in result.segments)


def test_text_metadata_from_cues(seeds_dir: Path) -> None:
    result = _clean(seeds_dir, "001")
    assert result.syndicated_from == "Radio Free Asia"
    assert result.published_date is not None and result.published_date.isoformat() == "2022-04-03"
    assert result.title and result.title.startswith("China, Russia slam")


def test_headline_has_its_own_kind(seeds_dir: Path) -> None:
    result = _clean(seeds_dir, "001")
    assert result.title is not None
    assert [s.kind for s in result.segments if s.text == result.title] == ["headline"]
