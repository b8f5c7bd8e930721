"""Organisation and facility evidence inside one article: corporate suffixes, tickers, head nouns,
clubs.

spaCy types a name from its context window alone; a company name's own last word ("Halvorsen Foods
Ltd", "Northwind Energy") or the ticker after it ("(NASDAQ: XYZ)") says more. Evidence is graded: a
suffix or a ticker is strong (it overrides any label but a country), a head noun only corrects
labels that name no place.
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.entities.gazetteer import find_place
from newsdesk.entities.keys import normalize_name
from newsdesk.entities.spans import Span
from newsdesk.text import count_tokens

# Last words that make a name a company. Matched case-sensitively: "AG" and "SA", not "ag" or "sa".
CORPORATE_SUFFIXES = frozenset(
    {
        "Inc",
        "Inc.",
        "Incorporated",
        "Corp",
        "Corp.",
        "Corporation",
        "Co",
        "Co.",
        "Ltd",
        "Ltd.",
        "Limited",
        "LLC",
        "L.L.C.",
        "LLP",
        "LP",
        "PLC",
        "Plc",
        "plc",
        "AG",
        "SA",
        "S.A.",
        "SE",
        "NV",
        "N.V.",
        "BV",
        "B.V.",
        "GmbH",
        "SpA",
        "S.p.A.",
        "AB",
        "ASA",
        "A/S",
        "Oyj",
        "KK",
        "K.K.",
        "Bhd",
        "Pty",
        "SAS",
        "Cie",
        "Holdings",
        "Bancorp",
        "Group",
    }
)
# Last words of organisations that are not companies, and of companies named by their trade.
ORG_HEADS = frozenset(
    {
        "Agency",
        "Airlines",
        "Airways",
        "Association",
        "Authority",
        "Bank",
        "Bureau",
        "Cannery",
        "Bakery",
        "Brewery",
        "Capital",
        "Chamber",
        "Club",
        "Coalition",
        "College",
        "Commission",
        "Committee",
        "Company",
        "Congress",
        "Council",
        "Court",
        "Department",
        "Energy",
        "Federation",
        "Foods",
        "Foundation",
        "Fund",
        "Industries",
        "Institute",
        "Insurance",
        "Investments",
        "Labs",
        "Laboratories",
        "League",
        "Media",
        "Ministry",
        "Motors",
        "Network",
        "Office",
        "Organisation",
        "Organization",
        "Partners",
        "Party",
        "Pharmaceuticals",
        "Police",
        "Securities",
        "Service",
        "Services",
        "Society",
        "Systems",
        "Technologies",
        "Telecom",
        "Trust",
        "Union",
        "University",
        "FC",
        "AFC",
        "Rovers",
        "Wanderers",
        "Athletic",
        "Albion",
        "Hotspur",
    }
)
# A place followed by one of these is a club: "Ipswich Town", "Dundee United"; "City" and "Town"
# only in sports copy ("Manchester City", but "Toyota City" is a town).
TEAM_HEADS = frozenset({"FC", "AFC", "CF", "Rovers", "Wanderers", "Athletic", "Albion", "Hotspur"})
SPORTS_TEAM_HEADS = frozenset({"United", "City", "Town"})
# Last words of facilities and geographic features: the model calls "Old Harbor Bridge" a PRODUCT.
PLACE_HEADS = frozenset(
    {
        "Bridge",
        "Street",
        "Road",
        "Avenue",
        "Boulevard",
        "Lane",
        "Square",
        "Stadium",
        "Arena",
        "Airport",
        "Station",
        "Quay",
        "Pier",
        "Tunnel",
        "Canal",
        "Cathedral",
        "Castle",
        "Palace",
        "Highway",
        "Motorway",
        "Dam",
        "Harbor",
        "River",
        "Lake",
        "Sea",
        "Ocean",
        "Bay",
        "Island",
        "Islands",
        "Mountains",
        "Valley",
        "Gulf",
        "Strait",
        "Peninsula",
        "Desert",
        "Coast",
        "Park",
    }
)
# Nouns that introduce an organisation's name: "carmaker Toyota", "the lender HSBC", "Dutch side
# Ajax". Nouns that also describe a person ("producer", "developer", "broadcaster", "miner") are
# left out.
DESCRIPTORS = frozenset(
    {
        "company",
        "firm",
        "group",
        "conglomerate",
        "carmaker",
        "automaker",
        "drugmaker",
        "chipmaker",
        "planemaker",
        "steelmaker",
        "retailer",
        "lender",
        "bank",
        "insurer",
        "reinsurer",
        "brokerage",
        "airline",
        "utility",
        "manufacturer",
        "newspaper",
        "agency",
        "regulator",
        "watchdog",
        "union",
        "party",
        "club",
        "side",
        "outfit",
        "startup",
        "start-up",
        "giant",
        "subsidiary",
        "unit",
    }
)
_WORD_BEFORE = re.compile(r"(?<![\w-])([a-z][a-z-]*)\s+$")
_ORG_FIRST = re.compile(
    r"^(?:Bank|University|Ministry|Department|Council|Court|Office|Commission|Federation|"
    r"Association|Organi[sz]ation|Institute|Party|Church|Union|Board|Bureau|Chamber)\s+of\s"
)
# "(NASDAQ: XYZ)", "(LSE: ABC.L)", "(OSE:HALV)", and wire codes such as "(AAPL.O)" or "(7203.T)".
TICKER = re.compile(
    r"\s*\(\s*(?:(?P<exchange>[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?)\s*:\s*"
    r"(?P<symbol>[A-Z0-9][A-Z0-9.\-]{0,9})"
    r"|(?P<code>[A-Z0-9]{1,6}\.[A-Z]{1,3}))\s*\)"
)
# The same without the leading spaces, to scan a whole body: a scan starting with \s* tries every
# space of a run to its end (a body of 10^6 spaces took minutes).
_TICKER_ANYWHERE = re.compile(TICKER.pattern.removeprefix(r"\s*"))
_NOT_PLACE = frozenset(
    {"PERSON", "ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "NORP", "LANGUAGE", "MISC"}
)


def last_word(name: str) -> str:
    words = name.split()
    return words[-1].rstrip(",") if words else ""


def strong_org_evidence(body: str, span: Span) -> bool:
    """A corporate suffix ends the name, or a ticker follows it."""
    suffixed = last_word(span.canonical) in CORPORATE_SUFFIXES and count_tokens(span.canonical) >= 2
    return suffixed or bool(TICKER.match(body, span.end))


def _club(name: str, place: object, heads: frozenset[str]) -> bool:
    """A known place and a club word ("Manchester City"), the whole being no place itself ("Mexico
    City")."""
    words = name.split()
    return (
        place is None
        and len(words) >= 2
        and words[-1] in heads
        and find_place(" ".join(words[:-1])) is not None
    )


def described(body: str, span: Span) -> bool:
    """ "carmaker Toyota": an organisation noun right before the name (a person's full name is left
    alone)."""
    if span.label == "PERSON" and count_tokens(span.canonical) > 1:
        return False
    match = _WORD_BEFORE.search(body, max(0, span.start - 30), span.start)
    return match is not None and match.group(1) in DESCRIPTORS


def ticker_symbols(body: str) -> list[tuple[int, int]]:
    """(start, end) of the symbols inside tickers ("XYZ" of "(NASDAQ: XYZ)"): codes, not names."""
    out = []
    for match in _TICKER_ANYWHERE.finditer(body):
        group = "symbol" if match.group("symbol") else "code"
        out.append(match.span(group))
    return out


def type_organisations(
    body: str, spans: list[Span], sporty: bool = False, descriptors: bool = True
) -> tuple[list[Span], set[str]]:
    """Labels from suffixes, tickers, club names, descriptors and head nouns; returns the spans and
    the keys of names with strong evidence (they stay ORG wherever they recur in the article).
    `sporty`: the article has scores or results."""
    symbols = ticker_symbols(body)
    club_heads = TEAM_HEADS | SPORTS_TEAM_HEADS if sporty else TEAM_HEADS
    out: list[Span] = []
    strong: set[str] = set()
    for s in spans:
        if any(a <= s.start and s.end <= b for a, b in symbols):
            continue  # a ticker symbol names a share, not an entity
        place = find_place(s.canonical)
        country = place is not None and place.kind == "country"
        words = s.canonical.split()
        head = last_word(s.canonical)
        if not country and (
            strong_org_evidence(body, s)
            or _club(s.canonical, place, club_heads)
            or (descriptors and described(body, s))
        ):
            strong.add(normalize_name(s.canonical))
            s = replace(s, label="ORG", ref_id=None)
        elif (
            len(words) >= 2
            and place is None
            and s.label != "ORG"
            and ((head in ORG_HEADS and s.label != "GPE") or _ORG_FIRST.match(s.canonical))
        ):
            s = replace(s, label="ORG")
        elif (
            len(words) >= 2
            and place is None
            and head in PLACE_HEADS
            and s.label in _NOT_PLACE - {"PERSON"}
        ):
            s = replace(s, label="FAC")
        out.append(s)
    return out, strong
