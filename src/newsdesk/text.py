"""Text primitives every stage shares: what a word is, how a block is normalised, how a sentence
ends.

One definition each, so counts made in cleaning, dedup, entities and SQL agree
(`share_words_removed` divides two numbers that must be counted the same way).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Scripts written without spaces (Thai, kana, Han): each character counts as a word, or a Japanese
# article would count as a dozen "words".
UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(f"[{UNSPACED}]|[^\\W{UNSPACED}]+")
# Sentence-final punctuation, closing quotes and brackets included ("... he said.”").
SENTENCE_END = tuple('.!?…"”’»)')
# Invisible format characters (zero-width space, bidi marks, embeddings and overrides, soft hyphen,
# word joiner, BOM): they split names ("Sofia\u200b Rossi") and make look-alike tokens. The
# zero-width (non-)joiners U+200C/U+200D stay: they are spelling in Persian and Indic scripts and
# hold emoji sequences together.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Characters XML 1.0 (and so lxml) refuses: C0 controls but tab/newline/CR, lone surrogates,
# U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# C1 controls: never text, often a cp1252 byte decoded as latin-1.
_C1 = re.compile("[\x7f-\x9f]")
# Any of the three: one scan finds out whether clean text (nearly all of it) needs anything done.
_SPECIAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]"
)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def count_tokens(text: str) -> int:
    """Space-separated tokens: the unit the cleaning thresholds were tuned in, and how many parts an
    entity name has. Not `count_words`: "don't", "U.S." and a line of Japanese are one token.

    Counting the thresholds in words instead changes 4 of 181 plain-text extractions of the
    scrapinghub bench (0 of the HTML ones): that would be a retuning, not a refactor."""
    return len(text.split())


def norm_key(text: str) -> str:
    """Lower-cased words joined by single spaces: the key two blocks are compared by."""
    return " ".join(WORD.findall(text.lower()))


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def split_blocks(text: str) -> list[str]:
    """Non-empty lines, stripped; a dump with blank-line paragraphs and one with one paragraph per
    line split alike."""
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def line_spans(text: str, sep: str = "\n") -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` (or each piece between `sep`s) without the separator,
    lazily: a caller that has what it needs stops reading (a text ending in a separator ends in an
    empty piece)."""
    start = 0
    while start <= len(text):
        end = text.find(sep, start)
        end = len(text) if end < 0 else end
        yield start, end
        start = end + len(sep)


_VISIBLE = re.compile("[^\\s\u200c\u200d]")


def is_blank(text: str) -> bool:
    """Nothing a reader would see: whitespace and the joiners strip_invisible keeps (they shape,
    never show)."""
    return _VISIBLE.search(text) is None


def strip_invisible(text: str) -> str:
    """Drop zero-width and bidi format characters (a no-op copy is avoided on clean text)."""
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def xml_chars(text: str) -> str:
    """Text lxml can parse: the characters XML 1.0 forbids become spaces, C1 controls stay (lxml
    accepts them; an HTML page is parsed as it came, as trafilatura would)."""
    return _NOT_XML.sub(" ", text) if _NOT_XML.search(text) else text


def xml_safe(text: str) -> str:
    """Text lxml accepts: characters XML forbids become spaces (offsets do not matter before
    extraction)."""
    text = xml_chars(text)
    return _C1.sub(" ", text) if _C1.search(text) else text


def normalise_text(text: str) -> str:
    """The one normalisation every decoded input gets: NFC, no invisible format characters, no
    characters that XML forbids (NUL and other controls become spaces), newlines as \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _SPECIAL.search(text):
        text = xml_safe(strip_invisible(text))
    if text.isascii():
        return text
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
