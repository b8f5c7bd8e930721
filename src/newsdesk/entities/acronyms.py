"""Acronyms and their expansions in one article: "North Atlantic Treaty Organization" ... "NATO"."""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.entities.keys import normalize_name
from newsdesk.entities.spans import Span
from newsdesk.text import count_tokens

_MINOR = {"of", "the", "and", "for", "on", "in", "at", "to", "&", "de", "des", "du", "la", "le"}


def initials(name: str) -> str:
    words = [w for w in re.findall(r"[\w'-]+", name) if w.lower() not in _MINOR]
    return "".join(w[0] for w in words).upper()


def is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and (letters.isupper() or letters.islower())


def link_acronyms(spans: list[Span]) -> list[Span]:
    """An acronym whose expansion is in the same article takes the expansion as its name ("NATO" ->
    "North Atlantic Treaty Organization"); across articles the corpus-level alias table joins bare
    acronyms to the one expansion they are seen with (never when two organisations share an
    acronym)."""
    expansions: dict[str, str] = {}
    for s in spans:
        if (
            s.label in ("ORG", "GPE", "NORP", "FAC")
            and count_tokens(s.canonical) >= 2
            and not is_acronym(s.canonical)
        ):
            expansions.setdefault(initials(s.canonical), s.canonical)
    out = []
    for s in spans:
        key = normalize_name(s.canonical).upper().replace(" ", "")
        if is_acronym(s.canonical) and key in expansions:
            out.append(replace(s, label="ORG", canonical=expansions[key]))
        elif s.canonical in expansions.values() and initials(s.canonical) in _acronyms_in(spans):
            out.append(replace(s, label="ORG"))
        else:
            out.append(s)
    return out


def _acronyms_in(spans: list[Span]) -> set[str]:
    return {normalize_name(s.canonical).upper() for s in spans if is_acronym(s.canonical)}


def acronym_evidence(text: str, canonical: str) -> str | None:
    """The acronym a mention spelled out as `canonical` in its article, if it is one ("NATO"), else
    None."""
    if (
        is_acronym(text)
        and not is_acronym(canonical)
        and initials(canonical) == normalize_name(text).upper()
    ):
        return normalize_name(text)
    return None
