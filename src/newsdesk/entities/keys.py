"""Name keys and entity ids shared by document- and corpus-level linking."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_LEADING_THE = re.compile(r"^the\s+")
# Coarse classes for ids: spaCy may type one place GPE in one article and LOC or FAC in another.
_GROUP = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "NORP": "NORP",
}


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """Key for comparing names: case, accents, quotes, dots, a leading "the" and spacing do not
    matter."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()
    text = _LEADING_THE.sub("", text)
    text = re.sub(r"(?<=\w)\.(?=\w|$)", "", text)  # "u.s." -> "us"
    return " ".join(re.findall(r"[\w&'-]+", text)).strip("'-")


def entity_group(label: str) -> str:
    return _GROUP.get(label, "MISC")


def make_entity_id(key: str, label: str) -> str:
    """Stable id of a canonical entity: its group and its key (a reference id such as iso:RU, or a
    name)."""
    return hashlib.sha1(f"{entity_group(label)}:{key}".encode()).hexdigest()[:16]
