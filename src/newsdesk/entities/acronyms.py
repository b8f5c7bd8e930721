"""Acronyms and their expansions in one article: "North Atlantic Treaty Organization" ... "NATO"."""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.entities.keys import normalize_name
from newsdesk.entities.spans import Span

_MINOR = {"of", "the", "and", "for", "on", "in", "at", "to", "&", "de", "des", "du", "la", "le"}


def initials(name: str) -> str:
    words = [w for w in re.findall(r"[\w'-]+", name) if w.lower() not in _MINOR]
    return "".join(w[0] for w in words).upper()


def is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and (letters.isupper() or letters.islower())


def link_acronyms(spans: list[Span]) -> list[Span]:
    """An expansion whose initials spell an acronym found in the same article takes the acronym as its name."""
    acronyms = {normalize_name(s.canonical).upper(): s.canonical for s in spans
                if s.label in ("ORG", "GPE", "NORP") and is_acronym(s.canonical)}
    if not acronyms:
        return spans
    out = []
    for s in spans:
        words = s.canonical.split()
        key = initials(s.canonical) if len(words) >= 2 else ""
        if key in acronyms and not is_acronym(s.canonical):
            out.append(replace(s, label="ORG", canonical=key))
        elif is_acronym(s.canonical) and normalize_name(s.canonical).upper() in acronyms:
            out.append(replace(s, label="ORG", canonical=normalize_name(s.canonical).upper()))
        else:
            out.append(s)
    return out
