"""Span-level cleaning: trim articles and possessives, drop credit-line noise, unglue, find
unlabelled repeats."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from newsdesk.entities.keys import normalize_name
from newsdesk.text import count_tokens

_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_EDGE_PUNCT = "\"'“”‘’«»()[]{},;:!?*•|-–—"
_ABBREVIATION = re.compile(r"\b(?:Inc|Corp|Ltd|Co|Jr|Sr|St|Bros|Mt|Ft)\.$")
_NOISE = re.compile(r"[/|@©]|https?:|www\.|\.com\b")
_CODE_LIKE = re.compile(
    r"^[A-Z]{3,}-\d+$"
)  # COVID-19, MERS-2: a disease, not an organisation (G20 is one)
# "Brexit", "Grexit", "Megxit": coinages for a departure, newer than the model's training news,
# which it reads as a surname (PERSON); they are terms (MISC, like COVID-19), not people.
_EXIT_COINAGE = re.compile(r"^[A-Z][a-z]+xit$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    canonical: str  # the name this span refers to
    ref_id: str | None = (
        None  # a reference id (iso:RU, geonames:703448) when the name is a known place
    )


def trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the", a possessive and edge punctuation; offsets stay valid for `body`."""
    if match := _LEADING.match(body[start:end]):
        start += match.end()
    while start < end and body[end - 1] in _EDGE_PUNCT + ".":
        if body[end - 1] == "." and (
            re.search(r"(?:\b[A-Z]\.)+$", body[start:end]) or _ABBREVIATION.search(body[start:end])
        ):
            break  # keep the final dot of "U.S.", "J.R.R." or "Apple Inc."
        end -= 1
    if match := _POSSESSIVE.search(body[start:end]):
        if end - start - len(match.group()) >= 2:
            end -= len(match.group())
    while start < end and body[start] in _EDGE_PUNCT:
        start += 1
    while start < end and body[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def drop_noise(spans: list[Span]) -> list[Span]:
    """Remove credit lines, handles and URLs; re-type codes such as COVID-19 and coinages such as
    Brexit; keep lower-case spans only when the same name is capitalised elsewhere in the article
    ("nato" next to "NATO")."""
    capitalised = {
        normalize_name(s.canonical) for s in spans if any(ch.isupper() for ch in s.canonical)
    }
    kept = []
    for s in spans:
        text = s.canonical
        if _NOISE.search(text) or count_tokens(text) > 8 or all(len(w) == 1 for w in text.split()):
            continue  # a URL, a run-on span, or table headings such as "W L"
        if not any(ch.isupper() for ch in text) and normalize_name(text) not in capitalised:
            continue
        if (
            (s.label == "PERSON" and any(ch.isdigit() for ch in text))
            or _CODE_LIKE.match(text)
            or _EXIT_COINAGE.match(text)
        ):
            s = replace(s, label="MISC")
        kept.append(s)
    return kept


def unglue_tail(
    body: str, start: int, end: int, known_words: set[str], longest_name: int | None = None
) -> int:
    """ "Xi Jinpingreceived ...": end the span at a name word seen elsewhere in the article when a
    lower-case word is glued to it. The glued tail must read like a word of its own (it occurs in
    the article, or it is an inflected verb), so "Apple" is not cut to "App" nor "Arabia" to
    "Arab"."""
    lower_words = None
    offset = start
    longest = max(map(len, known_words), default=0) if longest_name is None else longest_name
    for word in body[start:end].split(" "):
        # Each prefix looked up, longest first (a scan of every known name per word was quadratic
        # in names).
        for n in range(min(len(word) - 4, longest), 2, -1):
            name, tail = word[:n], word[n:]
            if name in known_words and tail.isalpha() and tail.islower():
                if lower_words is None:
                    lower_words = set(re.findall(r"(?<![\w])[a-z]+", body))
                if tail in lower_words or tail.endswith(("ed", "ing")):
                    return offset + len(name)
        offset += len(word) + 1
    return end


def unglue_names(body: str, spans: list[Span]) -> list[Span]:
    name_words = {
        w
        for s in spans
        if count_tokens(s.canonical) >= 2
        for w in s.canonical.split()
        if w[:1].isupper()
    }
    longest = max(map(len, name_words), default=0)
    out = []
    for s in spans:
        end = unglue_tail(body, s.start, s.end, name_words, longest)
        out.append(s if end == s.end else replace(s, end=end, canonical=body[s.start : end]))
    return out


def find_repeats(body: str, spans: list[Span]) -> list[Span]:
    """Occurrences of an already recognised name that the model did not label, as new spans (same
    label and canonical name, surnames then linked by the caller). A one-word name that the article
    also uses in lower case ("May", "may") is skipped."""
    taken = [(s.start, s.end) for s in spans]
    lower_words = set(re.findall(r"(?<![\w])[a-z][\w'-]*", body))
    surfaces = {
        body[s.start : s.end]: s for s in spans if s.label in ("PERSON", "ORG", "GPE", "LOC", "FAC")
    }
    for s in spans:  # the surname of a full name ("Lavrov" of "Sergei Lavrov") is a name of its own
        words = s.canonical.split()
        if s.label == "PERSON" and len(words) >= 2:
            surfaces.setdefault(words[-1], replace(s, canonical=words[-1]))
    wanted = sorted(
        (
            t
            for t in surfaces
            if len(t) >= 3 and t[:1].isupper() and (" " in t or t.lower() not in lower_words)
        ),
        key=len,
        reverse=True,
    )
    if not wanted:
        return []
    # finditer's matches never overlap one another, so only the model's spans need checking: sorted
    # by start, the spans that could overlap [a, b) start before b (a linear scan made a long list
    # of repeats quadratic).
    taken.sort()
    starts = [s for s, _ in taken]
    reach = list(
        itertools.accumulate((e for _, e in taken), max)
    )  # furthest end among the first i+1 spans
    found: list[Span] = []
    for a, b, surface in occurrences(body, wanted):
        i = bisect.bisect_left(starts, b)  # spans [0, i) start before b
        if i and reach[i - 1] > a:
            continue
        found.append(replace(surfaces[surface], start=a, end=b))
    return found


_WORD_START = re.compile(r"(?<![\w.])\w")
_WORD_CHAR = re.compile(r"\w")


def occurrences(body: str, surfaces: list[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, surface) of the surfaces (three characters or more, longest first) as whole
    words, left to right, never overlapping: what one regex alternation of them finds, without
    compiling a new regex for every article (that was half of this step's time)."""
    by_head: dict[str, list[str]] = {}
    for surface in surfaces:
        by_head.setdefault(surface[:3], []).append(surface)
    end = 0
    for word in _WORD_START.finditer(body):
        a = word.start()
        if a < end:
            continue
        for surface in by_head.get(body[a : a + 3], ()):
            b = a + len(surface)
            if body.startswith(surface, a) and not _WORD_CHAR.match(body, b):
                yield a, b, surface
                end = b
                break


_BREAK = re.compile(r"\n|\s[-–—]\s")


def split_at_breaks(body: str, spans: list[Span]) -> list[Span]:
    """A name never runs over a line break or a spaced dash: "NEW ZEALAND FLANKER\\nPORTSMOUTH" is a
    headline and a dateline, "SOCCER - JAPAN" a slug and a name."""
    out = []
    for s in spans:
        breaks = list(_BREAK.finditer(body, s.start, s.end))
        if not breaks:
            out.append(s)
            continue
        edges = [s.start] + [x for m in breaks for x in m.span()] + [s.end]
        for a, b in zip(edges[::2], edges[1::2]):
            a, b = trim_span(body, a, b)
            if b - a >= 2:
                out.append(replace(s, start=a, end=b, canonical=body[a:b]))
    return out


# "Photo: ...", "(Photo credit: ...)", "Picture by ...": the rest of the sentence, line or brackets
# credits a photographer or an agency; the names in it are not what the article is about.
_CREDIT = re.compile(
    r"\b(?:photo(?:graph)?s?|pictures?|images?|photo credit|picture credit|credit)(?:\s*:|\s+by\s)"
    r"[^\n)]*?(?=\.\s+[A-Z][a-z]+\s+[a-z]|\n|\)|$)",
    re.IGNORECASE,
)


def credit_zones(body: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CREDIT.finditer(body)]


def drop_credits(body: str, spans: list[Span]) -> list[Span]:
    zones = credit_zones(body)
    if not zones:
        return spans
    return [s for s in spans if not any(a <= s.start and s.end <= b for a, b in zones)]
