"""Corpus-level typing: the label of an entity follows the evidence across articles, not the raw
mention count.

Each article contributes one view of an entity: the label it settled on (after its own vote) and
whether that label rests on strong evidence there (a corporate suffix or ticker, a team slot in a
results line or table, a dateline, reference data for a country, a full person name the mention was
linked to). Articles count, not mentions: one long profile that repeats a name twenty times with the
model's wrong label does not outvote five articles. Strong evidence outranks any number of weak
views, in either direction ("Bay Cannery" is ORG where its sale is reported, though the model read
it as a place in two other articles).

Senses are kept apart before this function runs: entity ids separate people, organisations and
places, so Jordan the country (iso:JO) and Jordan the senator (her full name) never pool their
evidence here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# Ties between labels with the same evidence go to the more specific one.
_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "FAC": 4, "NORP": 5}


@dataclass(frozen=True)
class LabelView:
    """One article's view of one entity."""

    label: str
    mentions: int = 1
    strong: bool = False


def corpus_label(views: Iterable[LabelView]) -> str:
    """The entity's label: the one with the most strong-evidence articles; without strong evidence,
    the one with the most articles; then the most mentions; then a fixed priority."""
    strong: dict[str, int] = defaultdict(int)
    articles: dict[str, int] = defaultdict(int)
    mentions: dict[str, int] = defaultdict(int)
    for view in views:
        articles[view.label] += 1
        mentions[view.label] += view.mentions
        strong[view.label] += view.strong
    if not articles:
        raise ValueError("an entity needs at least one article's view")
    return min(
        articles,
        key=lambda label: (
            -strong[label],
            -articles[label],
            -mentions[label],
            _PRIORITY.get(label, 9),
            label,
        ),
    )
