"""True-casing of ALL-CAPS headlines, slugs, datelines and table lines before NER, from the article's own text.

spaCy's English models read capitals as names: "SOCCER - JAPAN GET LUCKY WIN" comes back as one ORG. Each word
of an all-caps passage takes the case the same word has inside sentences of the same article ("Japan", "win",
"NATO"); without such evidence function words go lower case and known places title case, and what is left goes
lower case (a name in a headline nearly always recurs in the story). An article with too little mixed-case text
to learn from is left alone. The result has the same length as the input, so offsets stay valid.

Written by us: true-casing libraries learn from a corpus we do not have and ship no model we could use here.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.lang.en.stop_words import STOP_WORDS

from newsdesk.entities.gazetteer import find_place

_WORD = re.compile(r"[^\W\d_]+")
_CAPS_WORD = re.compile(r"[^\W\d_a-z]{2,}")  # two or more letters, none lower case
_ANY_CAPS = re.compile(r"[^\W\d_a-z]{4}|[^\W\d_a-z]{2}[^\w\n]+[^\W\d_a-z]{2}")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"'“”‘’(\[—–-]\s*|\n\s*)$")
MIN_RUN_WORDS = 3  # caps words in a row that make a headline or slug, not an acronym or two
MIN_EVIDENCE_WORDS = 8  # mixed-case words an article needs before its capitals are re-cased
# A dateline opens a line with a place in capitals: "DUNMORE, Scotland 1998-02-14", "OSLO, March 3 (Wire) -".
_DATELINE = re.compile(r"^[ \t]*(?P<place>[^\W\d_a-z](?:[^\W\d_a-z]|[.'’ -])*[^\W\d_a-z])(?=[ \t]*,[ \t]*[A-Z]|[ \t]+\d{4}-\d\d-\d\d"
                       r"|[ \t]*,?[ \t]+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[ \t]+\d|[ \t]*\()",
                       re.MULTILINE)
_LOWER = frozenset(w for w in STOP_WORDS if w.isalpha())
_MAX_PLACE_WORDS = 3


def caps_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the all-caps passages: three or more caps words with no lower-case word between them, or
    a whole line in capitals with a word of four letters or more ("LONDON 1996-08-30", "NEW YORK 74 62")."""
    if not _ANY_CAPS.search(text):
        return []
    found: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) < 2 and word.isupper():
            continue  # "A", "I", initials: neither start nor break a run
        if word.isupper():
            run.append(match)
            continue
        if len(run) >= MIN_RUN_WORDS:
            found.append((run[0].start(), run[-1].end()))
        run = []
    if len(run) >= MIN_RUN_WORDS:
        found.append((run[0].start(), run[-1].end()))
    offset = 0
    for line in text.split("\n"):
        if any(len(w) >= 4 for w in _CAPS_WORD.findall(line)) and not any(ch.islower() for ch in line):
            found.append((offset, offset + len(line)))
        offset += len(line) + 1
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_WIRE_DATELINE = re.compile(r"^[ \t]*(?P<place>[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3})(?:,[^\n(]{0,40})?[ \t]*"
                            r"\([A-Z][\w ]{1,20}\)[ \t]*[-–—]", re.MULTILINE)


def dateline_places(text: str) -> list[tuple[int, int]]:
    """(start, end) of the place that opens a dateline: "DUNMORE , Scotland 1998-02-14", "Oslo (Wire) -"."""
    found = {m.span("place") for m in _DATELINE.finditer(text)} | {m.span("place") for m in _WIRE_DATELINE.finditer(text)}
    return sorted(found)


def case_evidence(text: str, skip: list[tuple[int, int]]) -> tuple[dict[str, str], set[str], int]:
    """How the article writes each word inside sentences (casefolded word -> its most frequent form), the words
    seen only at a sentence start in title case, and how many mixed-case words that evidence rests on."""
    forms: dict[str, Counter[str]] = {}
    initial_title: set[str] = set()
    n_words = 0
    cursor = 0
    for match in _WORD.finditer(text):
        start = match.start()
        while cursor < len(skip) and skip[cursor][1] <= start:
            cursor += 1
        if cursor < len(skip) and skip[cursor][0] <= start:
            continue
        word = match.group()
        n_words += 1
        if _SENTENCE_START.search(text, max(0, start - 3), start) or start == 0:
            if word[:1].isupper() and word[1:].islower():
                initial_title.add(word.casefold())
            continue
        forms.setdefault(word.casefold(), Counter())[word] += 1
    best = {key: counts.most_common(1)[0][0] for key, counts in forms.items()}
    return best, initial_title - best.keys(), n_words


def recase(text: str) -> str:
    """`text` with its all-caps passages true-cased from in-article evidence; same length as `text`."""
    spans = caps_spans(text)
    if not spans:
        return text
    forms, initial_title, n_words = case_evidence(text, spans)
    if n_words < MIN_EVIDENCE_WORDS:
        return text
    out = list(text)
    datelines = dateline_places(text)
    for start, end in spans:
        words = list(_WORD.finditer(text, start, end))
        places = _place_words(words)
        for i, match in enumerate(words):
            word = match.group()
            if len(word) < 2 or not _CAPS_WORD.fullmatch(word):
                continue
            in_place = i in places or any(a <= match.start() < b for a, b in datelines)
            new = _case_word(word, forms, initial_title, in_place)
            if len(new) == len(word):
                out[match.start():match.end()] = new
    return "".join(out)


def _case_word(word: str, forms: dict[str, str], initial_title: set[str], in_place: bool) -> str:
    key = word.casefold()
    if key in forms:
        return forms[key]
    if key in _LOWER and not in_place:
        return word.lower()
    if in_place or key in initial_title:
        return word[:1] + word[1:].lower()
    return word.lower()


def _place_words(words: list[re.Match[str]]) -> set[int]:
    """Indexes of words that make up a known place name ("UNITED ARAB EMIRATES", "NEW YORK"), longest first."""
    taken: set[int] = set()
    for size in range(_MAX_PLACE_WORDS, 0, -1):
        for i in range(len(words) - size + 1):
            if taken & set(range(i, i + size)):
                continue
            group = words[i:i + size]
            if any(not _CAPS_WORD.fullmatch(w.group()) for w in group):
                continue
            if size == 1 and len(group[0].group()) < 4:
                continue  # "IN", "US", "ME": two- and three-letter words are codes more often than places
            if find_place(" ".join(w.group() for w in group)) is not None:
                taken |= set(range(i, i + size))
    return taken
