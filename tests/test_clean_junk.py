"""Junk never becomes article text, and every text step stays linear whatever the input's shape (issues 23, 25).

Each shape is 10^5 characters here (10^6 in the slow tier) around two paragraphs of English. The bound is
on the process's CPU time, generous for a loaded machine: the quadratic cases this guards against took 3.8 s
at 20,000 spaces and ran past 150 s at 200,000.
"""

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
import trafilatura

from newsdesk.clean import kinds
from newsdesk.clean.html import extract_html
from newsdesk.clean.junk import find_junk, tidy_block
from newsdesk.clean.language import detect_language
from newsdesk.clean.text import clean_text

LEDE = (
    "The harbour board agreed on Monday to rebuild the old ferry pier, after two years of arguments "
    "about its cost and a winter in which the crossing was closed for eleven weeks."
)
SECOND = (
    "Fishermen who use the pier every morning told the board that they had waited long enough, and "
    "the chair promised that the first piles would be driven before the summer season starts."
)
THIRD = (
    "The board will borrow most of the money from the regional fund, which lends to harbours at a low "
    "rate, and it expects the ferry company to pay a larger share of the upkeep from next year."
)
FOURTH = (
    "Work on the landward end of the pier is due to begin in April, and the crossing should stay open "
    "for most of the time, except for a few nights when the cranes have to be moved into place."
)
PROSE = (LEDE, SECOND, THIRD, FOURTH)
CPU_BOUND_S = 8.0

SHAPES: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: "\n".join(["word" + " " * (n // 3) + "word"] * 3),
    "dots": lambda n: "." * n,
    "dashes": lambda n: "- " * (n // 2),
    "pipes": lambda n: " | ".join("" for _ in range(n // 3)),
    "capitals": lambda n: "".join("QWRTPSDFGHJKLZXCVBNM"[(i * 7) % 20] for i in range(n)),
    "spaced_capitals": lambda n: " ".join(
        "XKCD QZPRT MNBVC LKJHG FDSWQ"[(i * 5) % 24 :][:5] for i in range(n // 6)
    ),
    "giant_line": lambda n: "wordy " * (n // 6),
    "tiny_lines": lambda n: "\n".join("a" for _ in range(n // 2)),
    "link_farm": lambda n: "\n".join(f"Link number {i}" for i in range(n // 18)),
    "inline_link_farm": lambda n: " ".join(f"Link number {i}" for i in range(n // 18)),
}


def _text_doc(shape: str, n: int) -> str:
    return f"{LEDE}\n\n{SECOND}\n\n{SHAPES[shape](n)}\n\n{THIRD}\n\n{FOURTH}"


def _html_doc(shape: str, n: int) -> str:
    junk = "<br>".join(SHAPES[shape](n).split("\n"))
    return (
        f"<html><head><title>Pier</title></head><body><article><h1>Pier</h1><p>{LEDE}</p><p>{SECOND}</p>"
        f"<p>{junk}</p><p>{THIRD}</p><p>{FOURTH}</p></article></body></html>"
    )

T = TypeVar("T")


def _cpu(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.process_time()
    out = fn()
    return out, time.process_time() - start


def _check_text_path(shape: str, n: int) -> None:
    result, spent = _cpu(lambda: clean_text(_text_doc(shape, n)))
    assert spent < CPU_BOUND_S, f"clean_text on {n:,} characters of {shape}: {spent:.1f} s"
    assert all(p in result.body for p in PROSE)
    assert len(result.body) < sum(map(len, PROSE)) + 40, result.body[:300]
    assert result.language == "en"


def _check_html_path(shape: str, n: int) -> None:
    html = _html_doc(shape, n)
    result, spent = _cpu(lambda: extract_html(html))
    # trafilatura's own cost is the floor here (500,000 <br> lines take it 10 s of CPU): the bound is ours on
    # top of what plain trafilatura spends on the same page, measured in the same test.
    _, reference = _cpu(lambda: trafilatura.extract(html, include_comments=False))
    assert spent < CPU_BOUND_S + 1.5 * reference, (
        f"extract_html on {n:,} characters of {shape}: {spent:.1f} s (plain trafilatura {reference:.1f} s)"
    )
    assert all(p in result.body for p in PROSE)
    assert len(result.body) < sum(map(len, PROSE)) + 40, result.body[:300]
    assert all(len(s.text) < 1200 for s in result.segments if s.kind == kinds.NOISE)


def _check_language(shape: str, n: int) -> None:
    noisy = f"{SHAPES[shape](n)}\n{LEDE}\n{SHAPES[shape](n // 10)}\n{SECOND}\n{SHAPES[shape](n)}"
    (code, _), spent = _cpu(lambda: detect_language(noisy))
    assert spent < CPU_BOUND_S
    assert code == "en"


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_text_path_drops_junk_in_linear_time(shape: str) -> None:
    _check_text_path(shape, 100_000)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_html_path_drops_junk_in_linear_time(shape: str) -> None:
    _check_html_path(shape, 100_000)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_language_of_an_english_body_survives_noise(shape: str) -> None:
    _check_language(shape, 100_000)


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_million_characters_of_each_shape(shape: str) -> None:
    _check_text_path(shape, 1_000_000)
    _check_html_path(shape, 1_000_000)
    _check_language(shape, 1_000_000)


def test_junk_is_typed_and_cut_in_the_segments() -> None:
    result = clean_text(
        f"{LEDE}\n\n{'.' * 50_000}\n\n"
        + "\n".join(f"Link number {i}" for i in range(300))
        + f"\n\n{SECOND}"
    )
    noise = [s for s in result.segments if s.kind == kinds.NOISE]
    assert len(noise) == 2  # the divider, and the farm as one run
    assert "50,000 characters" in noise[0].text and len(noise[0].text) < 1100
    assert "300 lines" in noise[1].reason


@pytest.mark.parametrize(
    "line",
    [
        "Prices rose 2.5% in May -- the fastest since 2008 -- says the bureau.",
        "* * *",  # a section break is junk, but article lines around it are not
        "NATO AND THE EU AGREE ON A NEW ARMS CONTROL PLAN FOR THE REGION",
        "Q: What did you see?",
        "東京都は月曜日、新しい計画を発表した。",
    ],
)
def test_text_lines_are_not_junk(line: str) -> None:
    found = find_junk([tidy_block(line)])
    assert (0 in found) == (line == "* * *")
