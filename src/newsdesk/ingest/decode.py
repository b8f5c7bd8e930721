"""Bytes to text: BOMs, UTF-8 first, charset detection second, mojibake repair last."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

import charset_normalizer
import ftfy
import ftfy.badness

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab/newline/carriage return/form feed do not occur in article text.
# Characters that UTF-8 read as cp1252/latin-1 starts with ("Ã©", "â€™", "Ð¿"); text without any is not mojibake.
_MOJIBAKE_LEADS = ("Ã", "Â", "â", "Ð", "Ñ", "Ø", "Ù", "ï»", "Å", "\x80", "\x9d")
_LATIN_CODEPAGES = frozenset({"cp1252", "latin_1", "iso8859_15", "cp1250", "cp1257", "cp775", "cp850", "cp852",
                              "iso8859_2", "iso8859_4", "iso8859_10", "iso8859_13", "mac_latin2", "mac_iceland",
                              "mac_roman"})
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


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


def check_binary(data: bytes) -> None:
    """Refuse content that is plainly not text (NUL bytes or many control characters)."""
    head = data[:65536]
    if any(head.startswith(bom) for bom, _ in _BOMS[:2] + _BOMS[3:]):
        return  # UTF-16/32 text legitimately contains NUL bytes
    if b"\x00" in head:
        raise DecodeError("binary_content", "the file contains NUL bytes: it is binary, not text")
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    if head and controls / len(head) > 0.05:
        raise DecodeError("binary_content", f"{controls} control bytes in the first {len(head)} bytes: not text")


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes to clean Unicode text with normalised newlines, or raise DecodeError."""
    check_binary(data)
    text, encoding = _decode(data, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    # ftfy repairs UTF-8 read as cp1252 ("Ã©" -> "é"); its full pass costs ~7 ms per page, so it runs only when
    # its own quick check sees mojibake.
    if any(lead in text for lead in _MOJIBAKE_LEADS) and ftfy.badness.is_bad(text):
        text = ftfy.fix_text(text, normalization=None, unescape_html=False, uncurl_quotes=False,
                             fix_latin_ligatures=False, fix_character_width=False)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\x00" in text:
        raise DecodeError("binary_content", "decoded text contains NUL characters")
    return Decoded(text=text, encoding=encoding)


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise DecodeError("undecodable", f"byte-order mark says {name} but decoding failed: {exc.reason}") from exc
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
            "undecodable", f"not UTF-8; the closest encoding ({best.encoding}) gives {best.chaos:.0%} garbled text"
        )
    if best.encoding in _LATIN_CODEPAGES:
        # Detection picks Baltic or Central-European codepages for short Western texts; legacy Western news
        # is cp1252 far more often, and the two agree on everything but the accented letters.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), best.encoding
