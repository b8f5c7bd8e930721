"""Language id: our numpy walk of py3langid's automaton gives the library's own scores, bit for
bit, on any text; the sample it reads is the one a line-by-line reading picks, in time linear in
the lines it can use."""

from __future__ import annotations

import random

import numpy as np
import py3langid.langid as langid
import pytest

from newsdesk.clean.language import (
    _Identifier,
    _identifier,
    _Sample,
    detect_language,
    language_sample,
)
from newsdesk.text import line_spans


@pytest.fixture(scope="module")
def library() -> langid.LanguageIdentifier:
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def _texts() -> list[str]:
    rnd = random.Random(7)
    words = "the council said on Tuesday que la ville der Stadt город 東京 会議 αύριο".split()
    texts = ["", "a", "ab", "x" * 7, "Ελληνικά", "日本語のテキスト", "\x00\x01\x7f", "\ud800 lone"]
    texts += [" ".join(rnd.choice(words) for _ in range(rnd.randrange(1, 200))) for _ in range(300)]
    # any code point, controls and astral planes included
    texts += [
        "".join(chr(rnd.randrange(0, 0x2FFFF)) for _ in range(rnd.randrange(0, 400)))
        for _ in range(300)
    ]
    texts += ["- " * 600, "." * 1200, "A" * 900 + " end", "ALL CAPS HEADLINE ABOUT THE VOTE"]
    return texts


def test_scores_equal_the_library_bit_for_bit(library: langid.LanguageIdentifier) -> None:
    ours = _identifier()
    for text in _texts():
        assert np.array_equal(ours._decide(text), library._decide(text)), repr(text[:60])
        assert ours.classify(text) == library.classify(text)


def test_depth_covers_the_shipped_automaton(library: langid.LanguageIdentifier) -> None:
    """The walk reads DEPTH bytes back; the model's farthest state must be no farther."""
    moves = np.asarray(library.tk_nextmove)
    rows = np.asarray(library._rowbase, dtype=np.int64)
    seen = np.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while frontier.size:
        nxt = np.unique(moves[rows[frontier][:, None] + np.arange(256)])
        frontier = nxt[~seen[nxt]]
        seen[frontier] = True
        depth += bool(frontier.size)
    assert seen.all() and depth <= _Identifier.DEPTH


def test_detects_the_article_language() -> None:
    body = "The city council approved the new budget on Tuesday after a long debate. " * 3
    assert detect_language(body)[0] == "en"
    assert detect_language("Le conseil municipal a approuvé le budget mardi soir. " * 3)[0] == "fr"


def _sample_line_by_line(text: str, sample_chars: int = 1200) -> str:
    """The sample read line by line, every line in order (what the regex jumps must equal)."""
    sample = _Sample(sample_chars)
    for start, end in line_spans(text):
        if sample.full:
            break
        sample.add(text, start, end)
    return sample.text()


def _pages() -> list[str]:
    rnd = random.Random(11)
    pieces = [
        "", " ", "a", "- - -", "....", "Home", "Log in | Sign up", "___", "\t\x0b\xa0 \u2003",
        "x\ty\tz\tu\tv", "a\u2003b\u2003c\u2003d\u2003e", "word" + " " * 40 + "word",
        "The council met on Tuesday and agreed to rebuild the pier.",
        "la la la la la la", "Le conseil a voté le budget mardi soir sans débat.",
        "1 2 3 4 5", "NO NO NO NO NO", "ÉTÉ À PARIS CHEZ NOUS", "日本語 の テキスト です ね", "." * 60,
        "tok " * 1500, "\r", "é", "_a_ _b_ _c_ _d_ _e_",
    ]
    pages = ["\n".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 400))) for _ in range(400)]
    pages += ["\n" * 50, "a\n" * 3000, "The vote was close and the mayor said so. " * 40]
    return pages


@pytest.mark.parametrize("sample_chars", [40, 1200])
def test_sample_equals_the_line_by_line_reading(sample_chars: int) -> None:
    for page in _pages():
        assert language_sample(page, sample_chars) == _sample_line_by_line(page, sample_chars), page
