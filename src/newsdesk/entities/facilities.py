"""Facility names: a name standing before a facility noun ("the Greyhaven wind farm", "Drax power
station") names the facility, a place (FAC), whatever the model typed it. The small model reads an
unknown one-word name as a surname (PERSON), or as a company when "the" stands before it; news copy
names wind farms, power stations and airports this way. Written by us: a dozen head nouns, no
library types them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.entities.keys import normalize_name
from newsdesk.entities.spans import Span

_MODIFIER = (
    r"(?:(?:offshore|onshore|nuclear|solar|tidal|coal-fired|gas-fired|hydroelectric|hydro)\s+)?"
)
_HEAD = (
    r"(?:wind\s+farms?|solar\s+farms?|power\s+stations?|power\s+plants?|airports?|stadiums?|"
    r"reservoirs?|dams?|oil\s?fields?|gas\s?fields?|refinery|refineries|lighthouses?|tunnels?|"
    r"marinas?|terminals?)"
)
_FACILITY_AFTER = re.compile(rf"\s+{_MODIFIER}{_HEAD}\b")
_ENDS_IN_FACILITY = re.compile(rf"\s{_MODIFIER}{_HEAD}$", re.IGNORECASE)  # "Hornsea wind farm"
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)


def type_facilities(body: str, spans: list[Span], strong_orgs: set[str]) -> list[Span]:
    """A PERSON or ORG span ending in a facility noun ("Hornsea wind farm") becomes FAC, unless
    strong evidence makes it a company; a PERSON span before a facility noun becomes FAC; an ORG
    span too when "the" stands before it ("the Greyhaven offshore wind farm") and no strong evidence
    makes it a company. The evidence holds for the name across the article: "Greyhaven lies off the
    coast" later is the wind farm too."""
    facilities = {normalize_name(s.canonical) for s in spans if _is_facility(body, s, strong_orgs)}
    return [
        replace(s, label="FAC")
        if s.label in ("PERSON", "ORG") and normalize_name(s.canonical) in facilities
        else s
        for s in spans
    ]


def _is_facility(body: str, s: Span, strong_orgs: set[str]) -> bool:
    if s.label not in ("PERSON", "ORG") or normalize_name(s.canonical) in strong_orgs:
        return False
    if _ENDS_IN_FACILITY.search(s.canonical):
        return True
    if not _FACILITY_AFTER.match(body, s.end):
        return False
    return (
        s.label == "PERSON" or _THE_BEFORE.search(body[max(0, s.start - 5) : s.start]) is not None
    )
