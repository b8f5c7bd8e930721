"""Team context: results lines ("Aberdeen 2 Hibernian 1"), league-table rows ("Celtic 20 14 4 2 40
15 46") and match verbs ("Leeds beat Norwich 2-1", "drew with").

A club named after its city is typed GPE by spaCy, and results lines come back as "Aberdeen 2
Hibernian" or "Motherwell 1". A name in such a slot is a team: ORG, except a country, which names a
national side and stays a place (the usual newsroom annotation). People keep their type: "Sinner
beat Djokovic 6-3" is about players.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from newsdesk.entities.gazetteer import find_place
from newsdesk.entities.keys import normalize_name
from newsdesk.entities.people import person_names
from newsdesk.entities.spans import Span
from newsdesk.text import count_tokens, line_spans

# A team name: capitalised words, "and"/"&"/"de" allowed inside ("Brighton and Hove Albion").
_CAP = r"[A-Z][\w.'’&-]*"
_NAME = rf"{_CAP}(?:[ ](?:(?:and|de|del|of|&)[ ])?{_CAP})*"
_SCORE = r"\d{1,3}"
# Separators before a name: a line start, a colon, a comma or semicolon, or a previous row's last
# number.
_BEFORE = r"(?:^|(?<=[:;,\n])[ \t]*|(?<=\d)[ \t]+)"
RESULT = re.compile(
    rf"{_BEFORE}(?P<a>{_NAME})[ \t]+(?P<s1>{_SCORE})[ \t]*[,;]?[ \t]+(?P<b>{_NAME})[ \t]+"
    rf"(?P<s2>{_SCORE})(?![\w.:/-]|,\d)",
    re.MULTILINE,
)
SCORELINE = re.compile(
    rf"{_BEFORE}(?P<a>{_NAME})[ \t]+(?P<s1>{_SCORE})[-–](?P<s2>{_SCORE})[ \t]+(?P<b>{_NAME})",
    re.MULTILINE,
)
_NUMBER = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"  # 14, -3, 0.536, .536
STANDING = re.compile(
    rf"{_BEFORE}(?P<a>{_NAME})[ \t]+(?:{_NUMBER}[ \t]+){{2,}}{_NUMBER}(?![\w.])", re.MULTILINE
)
_VERBS = (
    r"beat|beats|defeated|defeats|drew with|drew|draw with|lost to|lose to|loses to|"
    r"lost at home to|edged|edged past|thrashed|routed|crushed|overcame|hammered|upset|stunned|"
    r"eliminated|knocked out|held|were beaten by|was beaten by|were held by|was held by|"
    r"won at|lost at|won away at"
)
_VERB = re.compile(rf"\s(?:{_VERBS})\s+(?:the\s+)?(?=[A-Z])")
_NAME_AT = re.compile(_NAME)
_NAME_BEFORE = re.compile(rf"(?:^|(?<=\s))(?P<a>{_NAME})[’']?$")
# Cheap tests that rule out most articles before the slot patterns run: a name followed by a number
# and then a name or a number ("Aberdeen 2 Hibernian", "Celtic 20 14"), or a score such as "2-1".
_MAYBE_ROW = re.compile(r"[A-Za-z][ \t]+\d{1,3}[ \t]*[,;]?[ \t]+[A-Z\d.+-]|\d[-–]\d")
# What a line holding a RESULT, SCORELINE or STANDING match must contain: a score then a name, a
# scoreline, or two numbers in a row. No match crosses a line, so only such lines are searched.
_MAYBE_ROW_LINE = re.compile(r"\d[ \t]*[,;]?[ \t]+[A-Z]|\d[-–]\d|\d[ \t]+[-+]?\.?\d")
_SCORE_TOKEN = re.compile(r"(?<![\d.:/])\d{1,3}[-–]\d{1,3}(?![\d.:/])")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# Words that open a sentence or a line without being part of a name.
_LEADING = frozenset(
    {
        "On",
        "In",
        "At",
        "By",
        "After",
        "Before",
        "The",
        "A",
        "An",
        "But",
        "And",
        "Then",
        "When",
        "While",
        "Results",
        "Result",
        "Standings",
        "Table",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Also",
        "However",
        "Meanwhile",
        "Earlier",
        "Later",
        "Last",
        "Next",
        "Home",
        "Away",
        "Played",
        "Teams",
        "Group",
        "Pool",
        "Division",
        "League",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    }
)


@dataclass(frozen=True)
class Slot:
    start: int
    end: int
    kind: str  # result | standing | verb


@lru_cache(maxsize=2)  # linking asks twice per article (has_scores, apply_team_context)
def team_slots(body: str) -> tuple[Slot, ...]:
    """Where the article names a side: results and table rows anywhere; match verbs only in a
    sentence with a score or in an article that has results or table rows."""
    slots: list[Slot] = []
    if not _MAYBE_ROW.search(body):
        return ()
    lines = _row_lines(body)
    for pattern, kind in ((RESULT, "result"), (SCORELINE, "result"), (STANDING, "standing")):
        # Searched line by line: the same matches in the same order (a lookbehind still sees the
        # text before the line), at a third of the cost on prose with dates and figures.
        for match in (m for start, end in lines for m in pattern.finditer(body, start, end)):
            for group in ("a", "b") if kind == "result" else ("a",):
                slots += _slot(body, match.start(group), match.end(group), kind)
    rows = bool(slots)
    sporty: bool | None = None  # counted at the first match verb (most bodies have none)
    for verb in _VERB.finditer(body):
        after = _NAME_AT.match(body, verb.end())
        before = _NAME_BEFORE.search(body, max(0, verb.start() - 60), verb.start())
        if after is None or before is None:
            continue
        if sporty is None:
            sporty = rows or len(_SCORE_TOKEN.findall(body)) >= 2
        if sporty or _SCORE_TOKEN.search(body, after.end(), _sentence_end(body, after.end())):
            slots += _slot(body, before.start("a"), before.end("a"), "verb")
            slots += _slot(body, after.start(), after.end(), "verb")
    return tuple(_dedupe(slots))


def _row_lines(body: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e in line_spans(body) if _MAYBE_ROW_LINE.search(body, s, e)]


def has_scores(body: str) -> bool:
    """Sports copy: a score ("2-1") or a results or table row."""
    return bool(_SCORE_TOKEN.search(body)) or bool(team_slots(body))


def _slot(body: str, start: int, end: int, kind: str) -> list[Slot]:
    words = body[start:end].split(" ")
    while words and words[0] in _LEADING:  # "On Saturday Aberdeen" -> "Aberdeen"
        start += len(words.pop(0)) + 1
    if not words or not any(ch.isalpha() for ch in body[start:end]):
        return []
    return [Slot(start, end, kind)]


def _sentence_end(body: str, start: int) -> int:
    match = _SENTENCE_END.search(body, start)
    return match.start() if match else len(body)


def _dedupe(slots: list[Slot]) -> list[Slot]:
    out: list[Slot] = []
    for slot in sorted(slots, key=lambda s: (s.start, -(s.end - s.start))):
        if out and slot.start < out[-1].end:
            continue
        out.append(slot)
    return out


def score_cuts(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span that swallowed a score ("Aberdeen 2 Hibernian", "Norwich 2-1", "Motherwell 1") cut
    into the name parts around it; [(start, end)] unchanged when there is none."""
    text = body[start:end]
    pieces, offset = [], start
    for token in re.finditer(r"\S+", text):
        if re.fullmatch(rf"{_SCORE}(?:[-–]{_SCORE})?", token.group()):
            pieces.append((offset, start + token.start()))
            offset = start + token.end()
    if not pieces:
        return [(start, end)]
    pieces.append((offset, end))
    out = []
    for a, b in pieces:
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1] in " ,;\t":
            b -= 1
        if b - a >= 2 and body[a].isupper():
            out.append((a, b))
    return out


def apply_team_context(body: str, spans: list[Span]) -> tuple[list[Span], set[str]]:
    """Cut scores out of spans, type the names in team slots, add the sides the model missed in
    results and table rows; returns the spans and the keys of the names typed ORG here (they stay
    ORG across the article)."""
    slots = team_slots(body)
    if not slots and not _SCORE_TOKEN.search(body):
        return spans, set()
    cut: list[Span] = []
    for s in spans:
        if any(s.start < t.end and t.start < s.end for t in slots) or _SCORE_TOKEN.search(
            body, s.start, s.end
        ):
            for a, b in score_cuts(body, s.start, s.end):
                cut.append(
                    replace(s, start=a, end=b, canonical=body[a:b])
                    if (a, b) != (s.start, s.end)
                    else s
                )
        else:
            cut.append(s)
    people = person_names(cut)
    strong: set[str] = set()
    out: list[Span] = []
    by_slot: dict[int, Slot] = {}
    for s in cut:
        slot = next((t for t in slots if t.start <= s.start and s.end <= t.end), None)
        if slot is None:
            out.append(s)
            continue
        by_slot[slot.start] = slot
        out.append(_type_side(s, slot, strong, people))
    for slot in slots:
        if (
            slot.start in by_slot
            or slot.kind == "verb"
            or any(s.start < slot.end and slot.start < s.end for s in cut)
        ):
            continue
        name = body[slot.start : slot.end]
        if (
            normalize_name(name) in people
            or not any(ch.islower() for ch in name[1:])
            and len(name) <= 3
        ):
            continue  # a player's surname, or a code ("W", "GB", "PCT")
        out.append(_type_side(Span(slot.start, slot.end, "ORG", name), slot, strong, people))
    return sorted(out, key=lambda s: s.start), strong


def _type_side(span: Span, slot: Slot, strong: set[str], people: set[str]) -> Span:
    place = find_place(span.canonical)
    if place is not None and place.kind == "country":
        return (
            span
            if span.label in ("GPE", "LOC")
            else replace(span, label="GPE", canonical=place.name, ref_id=place.ref_id)
        )
    if (
        span.label == "PERSON"
        and place is None
        and (
            slot.kind == "verb"
            or count_tokens(span.canonical) > 1
            or normalize_name(span.canonical) in people
        )
    ):
        # a player: "Sinner beat Djokovic", "Ernie Els 68 70", a surname of the article's people
        return span
    if slot.kind == "verb" and span.label not in ("GPE", "LOC", "FAC", "PERSON", "ORG"):
        return span
    strong.add(normalize_name(span.canonical))
    return replace(span, label="ORG", ref_id=None)
