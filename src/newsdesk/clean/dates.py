"""Date cues in text: ISO stamps, "April 3, 2022", "3 April 2022", "03.04.2022"."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTHS.update({name[:3]: num for name, num in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)

DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)"),
    re.compile(_MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)", re.I),
    re.compile(
        r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)", re.I
    ),
    re.compile(r"(?P<y>(?:19|20)\d\d)/(?P<m>\d\d)/(?P<d>\d\d)"),
    re.compile(r"(?P<d>\d\d)\.(?P<m>\d\d)\.(?P<y>(?:19|20)\d\d)"),
)
_DATE_ANY = "|".join(f"(?:{p.pattern})" for p in DATE_PATTERNS)
# A line that is only a date, optionally with a "Published"/"Updated" label and a time.
DATE_LINE = re.compile(
    r"^\W*(?:(?:published|updated|posted|last updated|first published|date)\s*(?:on|at)?\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?P<date>" + re.sub(r"\?P<\w+>", "", _DATE_ANY) + r")"
    r"(?:\s*(?:,|at|-|–|\|)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\W*$",
    re.I,
)


def parse_date(text: str) -> date | None:
    """The first valid calendar date written in `text`, or None."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            found = _to_date(match)
            if found:
                return found
    return None


def _to_date(match: re.Match[str]) -> date | None:
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else _MONTHS.get(parts["mon"].lower().rstrip("."))
    try:
        return date(int(parts["y"]), month or 0, int(parts["d"]))
    except (TypeError, ValueError):
        return None


def parse_iso_date(value: str | None) -> date | None:
    """Parse a metadata date such as '2022-04-03' or '2022-04-03T10:00:00Z'."""
    if not value:
        return None
    return parse_date(value.strip()[:40])
