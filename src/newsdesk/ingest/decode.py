"""Bytes to text: BOMs and UTF-16/32, UTF-8 first, charset detection second, mojibake repair last,
then the one normalisation every input gets (`newsdesk.text.normalise_text`)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer
import ftfy
import ftfy.badness

from newsdesk.text import normalise_text

# UTF-32-LE's mark starts with UTF-16-LE's, so the 32-bit marks are tried first.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Characters that UTF-8 read as cp1252/latin-1 starts with ("Ã©", "â€™", "Ð¿"); text without any is
# not mojibake.
_MOJIBAKE_LEADS = ("Ã", "Â", "â", "Ð", "Ñ", "Ø", "Ù", "ï»", "Å", "\x80", "\x9d")
_LATIN_CODEPAGES = frozenset(
    {
        "cp1252",
        "latin_1",
        "iso8859_15",
        "cp1250",
        "cp1257",
        "cp775",
        "cp850",
        "cp852",
        "iso8859_2",
        "iso8859_4",
        "iso8859_10",
        "iso8859_13",
        "mac_latin2",
        "mac_iceland",
        "mac_roman",
    }
)
# NUL and the other C0 controls but tab, newline, form feed and carriage return.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_CONTROL_CHARS = {c: None for c in _CONTROL}
# Text has almost no control bytes, binary formats (compressed or packed data) about one byte in
# eight: a stray NUL in an article is damage that normalisation repairs, not a sign of binary
# content.
BINARY_SHARE = 0.05
_SNIFF_BYTES = 1 << 20


class DecodeError(ValueError):
    """Raised with a reason code (`.reason`) when bytes cannot be turned into article text."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def wide_encoding(data: bytes) -> str | None:
    """The UTF-16/32 codec of `data` from its byte-order mark, or from the zero bytes mostly-Latin
    text has in every other (or three of every four) positions; None for byte-oriented encodings."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    n = len(head) // 4
    if n < 2:
        return None
    zeros = [head[i : 4 * n : 4].count(0) / n for i in range(4)]
    if min(zeros[1:]) > 0.9 and zeros[0] < 0.1:
        return "utf-32-le"
    if min(zeros[:3]) > 0.9 and zeros[3] < 0.1:
        return "utf-32-be"
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    if odd > 0.6 and even < 0.05:
        return "utf-16-le"
    if even > 0.6 and odd < 0.05:
        return "utf-16-be"
    return None


def check_binary(data: bytes) -> None:
    """Refuse content that is plainly not text: many NUL or other control bytes (a few are repaired
    later)."""
    head = data[:_SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL))
    if head and controls / len(head) > BINARY_SHARE:
        raise DecodeError(
            "binary_content",
            f"binary, not text: {controls} of the first {len(head)} bytes are NUL "
            "or other control bytes",
        )


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes to clean Unicode text (normalised: NFC, \\n newlines, no invisible or
    XML-forbidden characters), or raise DecodeError."""
    wide = wide_encoding(data)
    if wide:
        text, encoding = _decode_wide(data, wide), wide
    else:
        check_binary(data)
        text, encoding = _decode(data, declared)
    # ftfy repairs UTF-8 read as cp1252 ("Ã©" -> "é"); its full pass costs ~7 ms per page, so it
    # runs only when its own quick check sees mojibake.
    if may_be_mojibake(text) and ftfy.badness.is_bad(text):
        text = ftfy.fix_text(
            text,
            normalization=None,
            unescape_html=False,
            uncurl_quotes=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
        )
    return Decoded(text=normalise_text(text), encoding=encoding)


def may_be_mojibake(text: str) -> bool:
    return any(lead in text for lead in _MOJIBAKE_LEADS)


def _decode_wide(data: bytes, name: str) -> str:
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "undecodable",
            f"the bytes look like {name} text but do not decode as it "
            f"({exc.reason} at byte {exc.start})",
        ) from exc
    head = text[:_SNIFF_BYTES]
    controls = len(head) - len(head.translate(_CONTROL_CHARS))
    if head and controls / len(head) > BINARY_SHARE:
        raise DecodeError(
            "binary_content",
            f"binary, not text: read as {name}, {controls} of the first "
            f"{len(head)} characters are control characters",
        )
    return text


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DecodeError(
                "undecodable", f"byte-order mark says utf-8 but decoding failed: {exc.reason}"
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), declared.lower()
        except (UnicodeDecodeError, LookupError):
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable", "not UTF-8 and no text encoding fits the bytes")
    if best.chaos > 0.3:
        raise DecodeError(
            "undecodable",
            f"not UTF-8; the closest encoding ({best.encoding}) gives "
            f"{best.chaos:.0%} garbled text",
        )
    if best.encoding in _LATIN_CODEPAGES:
        # Detection picks Baltic or Central-European codepages for short Western texts; legacy
        # Western news is cp1252 far more often, and the two agree on everything but the accented
        # letters.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), best.encoding
