"""Language id: our numpy walk of py3langid's automaton gives the library's own scores, bit for
bit, on any text."""

from __future__ import annotations

import random

import numpy as np
import py3langid.langid as langid
import pytest

from newsdesk.clean.language import _Identifier, _identifier, detect_language


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
