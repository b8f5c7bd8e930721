"""Corpus-level spelling variants of person names: "Xi Jingping" (one article) joins "Xi Jinping"
(many).

Guarded three ways, because two real people can be one letter apart: the names differ by one edit in
a surname of five letters or more, the rare spelling is rare and the common one clearly more common,
and the two share at least two other entities named alongside them while never appearing in the same
article.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from newsdesk.entities.gazetteer import find_place

MAX_RARE_ARTICLES = 3
MIN_SHARED_CONTEXT = 2


def one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1 (written out: a library for one comparison is not worth a
    dependency)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def close_spelling(a: str, b: str) -> bool:
    wa, wb = a.casefold().split(), b.casefold().split()
    if len(wa) < 2 or len(wa) != len(wb) or wa[:-1] != wb[:-1]:
        return False
    return min(len(wa[-1]), len(wb[-1])) >= 5 and one_edit_apart(wa[-1], wb[-1])


class PersonName(NamedTuple):
    local_id: str
    name: str
    n_articles: int
    in_batch: bool
    person: bool = (
        True  # typed PERSON somewhere; the model types a rare misspelling of a name at random
    )


def _name_like(name: str) -> bool:
    """Capitalised words and no known place: "Xi Jingping" typed GPE may be a person, "San Jose" is
    not."""
    return all(w[:1].isupper() for w in name.split()) and find_place(name) is None


def spelling_pairs(people: list[PersonName]) -> list[tuple[str, str]]:
    """(rare id, common id) for spellings one edit apart where the rare one is rare, the common one
    at least twice as common and a person, and one of them is in the batch being processed; a rare
    side the model did not type PERSON must look like a name and be no known place. The store then
    checks the context guard."""
    blocks: dict[tuple[str, ...], list[PersonName]] = defaultdict(list)
    for person in people:
        words = person.name.casefold().split()
        if len(words) >= 2:
            blocks[(*words[:-1], str(len(words)))].append(person)
    pairs = []
    for members in blocks.values():
        for rare in members:
            if rare.n_articles > MAX_RARE_ARTICLES or not (rare.person or _name_like(rare.name)):
                continue
            for common in members:
                if (
                    common.local_id != rare.local_id
                    and common.person
                    and (rare.in_batch or common.in_batch)
                    and common.n_articles >= 2 * rare.n_articles
                    and close_spelling(rare.name, common.name)
                ):
                    pairs.append((rare.local_id, common.local_id))
    return pairs
