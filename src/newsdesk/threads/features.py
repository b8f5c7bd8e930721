"""What an article contributes to threading: weighted keys of its title and body (the lead counts
most), its entities, its dateline place, and its publication time (parsed from the raw `published`
string, which keeps the hour). Newsroom furniture is no signal: the same reporters, editors and
agencies sign unrelated stories, so credit lines, bylines and the dateline's agency are cut before
words are counted and entities kept."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

import xxhash

from newsdesk.entities.keys import make_entity_id, normalize_name
from newsdesk.threads.params import ThreadParams

TERM, ENTITY, PLACE = "t", "e", "p"
_WORD = re.compile(r"[^\W\d_][\w'’-]*[\w]|[^\W\d_]", re.UNICODE)
# A wire dateline opens the body: "BEIJING, March 30 (Reuters) -", "GENEVA (AP) —", "Paris, 3
# March:".
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z .'-]{1,40}?)(?:,[^\n—–:(-]{0,40})?\s*(?:\([^)]{1,30}\))?\s*[—–:-]\s"
)
# The agency a dateline names in brackets: "(Reuters)", "(Meridian)".
_AGENCY = re.compile(r"^[^\n(]{0,60}\(([A-Z][\w&. ]{1,30})\)\s*[—–:-]")
# Lines that credit people or carry the wire's furniture: "(Reporting by A; Editing by B)",
# "Writing by C", "By Jane Doe", "Our Standards: ...", "© 2025 ...".
_CREDIT = re.compile(
    r"^[ \t(\[]*(?:(?:additional|further)\s+)?"
    r"(?:reporting|writing|editing|compiled|research|graphics|"
    r"production|translation|photos?|video|contributing)\s+by\b[^\n]*$"
    r"|^[ \t]*by\s+[A-Z][^\n]{0,80}$"
    r"|^[ \t(]*(?:our standards:|©|copyright\b|all rights reserved|contact:"
    r"|follow\s+\S+\s+on\s)[^\n]*$",
    re.MULTILINE | re.IGNORECASE,
)
_GROUPS = ("PERSON", "ORG", "GPE", "NORP", "MISC")  # dropped whatever type the model gave it
# Function words and newsroom filler. Our own short list: sklearn's costs ~4 s of imports in every
# publishing process, and words under three letters are dropped anyway.
_STOP = frozenset(
    """
about above after again against all also among and any are around because been before being below
between both but can could did does doing down during each few for from further had has have having
her here hers herself him himself his how into its itself just more most much must nor not now off
once only other our ours ourselves out over own same she should since some such than that the their
theirs them themselves then there these they this those through too under until upon very was were
what when where which while who whom whose why will with within without would you your yours
yourself also amid despite including like near next per via yet another every either neither itself
whether though although however still even ever already almost say said says told tell according new
year week month day last first one two three four five six seven eight nine ten percent cent monday
tuesday wednesday thursday friday saturday sunday today yesterday tomorrow people time times made
make makes may might
""".split()
)


def key(kind: str, value: str) -> int:
    """A signed 64-bit key of a feature (DuckDB BIGINT), the same in every process."""
    return xxhash.xxh3_64_intdigest(f"{kind}:{value}".encode()) - (1 << 63)


@functools.lru_cache(maxsize=1 << 16)  # a batch says the same words again and again
def stem(word: str) -> str:
    """A light stem so 'talks'/'talk', 'sanctions'/'sanction' meet; a real stemmer changed nothing
    measurable."""
    w = word.lower().replace("’", "'").removesuffix("'s")
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith(("ss", "us", "is")):
            return w[: len(w) - len(suffix)] + keep
    return w


def words(text: str) -> list[str]:
    return [s for w in _WORD.findall(text) if len(s := stem(w)) >= 3 and s not in _STOP]


def story_text(body: str) -> str:
    """The body without credit lines, bylines and the dateline's opening (place, date, agency)."""
    text = _CREDIT.sub("", body or "")
    m = _DATELINE.match(text)
    return m.group(1) + " " + text[m.end() :] if m else text


def text_terms(title: str, body: str, params: ThreadParams) -> dict[int, float]:
    """Weighted terms of the title and the body. The event is in the first sentences of a story;
    later paragraphs add its details but also background about other events, so a body word counts
    fully within lead_words and body_weight as much up to body_words (idf then discounts what every
    story says)."""
    counts: dict[str, float] = {}
    for w in words(title or ""):
        counts[w] = counts.get(w, 0.0) + params.title_weight
    tokens = story_text(body).split()[: params.body_words]
    for w in words(" ".join(tokens[: params.lead_words])):
        counts[w] = counts.get(w, 0.0) + 1.0
    for w in words(" ".join(tokens[params.lead_words :])):
        counts[w] = counts.get(w, 0.0) + params.body_weight
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: params.max_terms]
    return {key(TERM, w): float(c) for w, c in top}


def credited(body: str) -> set[str]:
    """Entity ids (in every group) of the names in credit lines and the dateline's agency."""
    text = body or ""
    names = [m.group(1) for m in [_AGENCY.match(text)] if m]
    for line in _CREDIT.finditer(text):
        names += re.split(
            r"\s*(?:[;,()\[\]]|\band\b|\bin\s+[A-Z]\w+|\bby\b)\s*",
            line.group(0),
            flags=re.IGNORECASE,
        )
    found = set()
    for name in names:
        norm = normalize_name(name)
        if norm and len(norm) >= 3:
            found |= {make_entity_id(norm, group) for group in _GROUPS}
    return found


def story_entities(weights: dict[str, float], body: str, params: ThreadParams) -> dict[int, float]:
    """Entity keys of an article, without its credited names and agency, each weighing 1 (rarity,
    the idf, then weighs them): a name in a background paragraph is as good a clue as one in the
    lead, and salience as weight ranked same-thread pairs worse on both gold sets. A name only
    mentioned once at the very end (salience below min_salience) is dropped: that is where credit
    lines sit, and one beyond the 2,000 characters the store hands over is not seen by
    `credited`."""
    skip = credited(body)
    return {
        key(ENTITY, e): 1.0
        for e, w in weights.items()
        if e not in skip and w >= params.min_salience
    }


def dateline(body: str) -> str | None:
    m = _DATELINE.match(body or "")
    if not m:
        return None
    place = m.group(1).strip().lower()
    return place if len(place) >= 3 else None


PUBLISHED, DATE, INGESTED = "published", "date", "ingested"


def published_at(raw: str | None, day: date | None, fallback: datetime) -> tuple[datetime, str]:
    """UTC publication time and where it came from: the raw string (ISO 8601 or RFC 2822) when it
    parses, else noon of the parsed date, else the ingestion time (which says nothing about the
    event: see model.decay)."""
    text = (raw or "").strip()
    if text:
        for parse in (
            lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")),
            parsedate_to_datetime,
        ):
            try:
                value = parse(text)
            except (ValueError, TypeError, IndexError):
                continue
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            if value.year >= 1900:
                return value, PUBLISHED
    if day is not None:
        return datetime.combine(day, time(12)), DATE
    return fallback, INGESTED


@dataclass
class Article:
    """One article as threading sees it; `terms` and `entities` are raw weights (tf, salience), idf
    applied later."""

    doc_id: str
    published: datetime
    terms: dict[int, float] = field(default_factory=dict)
    entities: dict[int, float] = field(default_factory=dict)
    place: int | None = None
    title: str = ""
    outlet: str | None = None
    dated: bool = True  # False when the time is only the ingestion time
