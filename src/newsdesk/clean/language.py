"""Language of an article body, with py3langid (its model ships inside the package)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import py3langid.langid as langid

from newsdesk.clean.junk import WORD_CHAR, junk_reason, tidy_block
from newsdesk.text import count_tokens


class _Identifier(langid.LanguageIdentifier):
    """py3langid with the same scores, its automaton walked with numpy (~25 % less time per call).

    The library walks its byte-n-gram automaton one byte at a time in Python. The automaton is
    Aho-Corasick over n-grams, so its state after any byte depends on the last DEPTH bytes only:
    every position is walked at once, DEPTH steps from the start state. Features are counted in
    order of first occurrence and scored by the library's own product (tests compare the two bit
    for bit, and check DEPTH against the shipped automaton)."""

    DEPTH = 6  # bytes from the start state to its farthest state, in py3langid 0.4's model

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._moves = np.asarray(self.tk_nextmove)
        self._rows = np.asarray(self._rowbase, dtype=np.int64)
        self._features = np.asarray(self.tk_output, dtype=np.int64)

    def _raw_score(self, text: bytes) -> np.ndarray:
        data = np.frombuffer(text, dtype=np.uint8).astype(np.int64)
        n = len(data)
        states = np.zeros(n, dtype=np.int64)
        for back in range(min(self.DEPTH, n) - 1, -1, -1):
            # position i reads byte i - back; positions before it still sit in the start state
            states[back:] = self._moves[self._rows[states[back:]] + data[: n - back]]
        found = self._features[states]
        found = found[found >= 0]
        if not found.size:
            fill = 0.0 if self._norm_probs else langid.RAW_FLOOR
            return np.full(len(self.nb_classes), fill, dtype=np.float32)
        features, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        weights = np.log1p(counts[order].astype(np.float32))
        # the library's own product (float32 weights, float16 rows): a float32 copy of the table
        # halves this call's time but costs 57 MB in every pool worker, kept into the NER stage
        return weights @ self.nb_ptc[features[order]] + self.nb_pc


@lru_cache(maxsize=1)
def _identifier() -> langid.LanguageIdentifier:
    return _Identifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


PROSE_TOKENS = 5  # a sample line this long (and not one word over and over) reads as prose
# Lines that cannot change the sample are passed over by one regex search instead of one Python step
# each (a million one-letter lines took 1 s): a line without a letter or digit is junk or blank, and
# once the fallback is full only a line of PROSE_TOKENS tokens or more can still add to it. Tidying
# only merges whitespace and shortens runs, so it never adds a word character or a token.
_HAS_WORD = re.compile(r"^[^\n]*?" + WORD_CHAR.pattern, re.M)
_PROSE_LENGTH = re.compile(rf"^[^\S\n]*\S+(?:[^\S\n]+\S+){{{PROSE_TOKENS - 1}}}", re.M)


@dataclass
class _Sample:
    """The sample as lines are added: prose lines, and any other line that is not junk as the
    fallback, each up to `limit` characters."""

    limit: int
    prose: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    size: int = 0
    other_size: int = 0

    @property
    def full(self) -> bool:
        return self.size >= self.limit

    def add(self, text: str, start: int, end: int) -> None:
        """Read the line text[start:end], cut to four samples first."""
        line = tidy_block(text[start : min(end, start + 4 * self.limit)])
        if not line or junk_reason(line) is not None:
            return
        tokens = line.split()
        if len(tokens) >= PROSE_TOKENS and len(set(tokens)) >= 0.5 * len(tokens):
            self.prose.append(line[: self.limit - self.size])
            self.size += len(self.prose[-1]) + 1
        elif self.other_size < self.limit:
            self.other.append(line[: self.limit - self.other_size])
            self.other_size += len(self.other[-1]) + 1

    def text(self) -> str:
        return " ".join(self.prose or self.other)


def language_sample(text: str, sample_chars: int = 1200) -> str:
    """Up to `sample_chars` of the text's prose lines (PROSE_TOKENS words or more, not junk, not
    one word over and over), else of any line that is not junk: a divider, a link farm or noise
    would tell the identifier about itself, not the article. Reads no further than it needs; a line
    longer than the sample is cut first."""
    sample = _Sample(sample_chars)
    pos = 0
    while not sample.full:
        wanted = _PROSE_LENGTH if sample.other_size >= sample_chars else _HAS_WORD
        found = wanted.search(text, pos)
        if found is None:
            break
        end = text.find("\n", found.start())
        end = len(text) if end < 0 else end
        sample.add(text, found.start(), end)
        pos = end + 1
    return sample.text()


def detect_language(text: str, sample_chars: int = 1200) -> tuple[str | None, float]:
    """ISO 639-1 code and probability; None for text too short to tell."""
    sample = language_sample(text, sample_chars)
    if count_tokens(sample) < 5:
        return None, 0.0
    code, prob = _identifier().classify(sample)
    return code, float(prob)


def language_name(code: str | None) -> str:
    """English name of an ISO 639-1 code as jusText names its stop-word lists ("pt" ->
    "Portuguese")."""
    if not code:
        return "English"
    import pycountry  # lazy: only the text path needs names

    found = pycountry.languages.get(alpha_2=code)
    return found.name.split(" (")[0].split(";")[0] if found else "English"
