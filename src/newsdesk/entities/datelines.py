"""Datelines: the place that opens a wire story's first line ("DUNMORE , Scotland 1998-02-14",
"OSLO, March 3 (Wire) -", "Oslo (Wire) -") is a place, whatever the model makes of a word in
capitals."""

from __future__ import annotations

import re

# A place in capitals at a line start (at most 60 characters: a line of 10^6 capitals was matched
# to its end and given back one character at a time), then a comma and a capitalised word, an ISO
# date, a month and a day, or a bracket.
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[^\W\d_a-z](?:[^\W\d_a-z]|[.'’ -]){0,58}[^\W\d_a-z])"
    r"(?=[ \t]*,[ \t]*[A-Z]|[ \t]+\d{4}-\d\d-\d\d|[ \t]*,?[ \t]+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
    r"Sep|Oct|Nov|Dec)[a-z]*\.?[ \t]+\d|[ \t]*\()",
    re.MULTILINE,
)
# A place in any case at a line start, then a short bracketed agency name and a dash.
_WIRE_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3})(?:,[^\n(]{0,40})?[ \t]*"
    r"\([A-Z][\w ]{1,20}\)[ \t]*[-–—]",
    re.MULTILINE,
)


def dateline_places(text: str) -> list[tuple[int, int]]:
    """(start, end) of the place that opens each dateline of `text`."""
    found = {m.span("place") for m in _DATELINE.finditer(text)}
    found |= {m.span("place") for m in _WIRE_DATELINE.finditer(text)}
    return sorted(found)
