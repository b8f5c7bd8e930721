"""Block-level boilerplate patterns shared by the text and HTML paths.

Each rule looks at one block (a line or paragraph) alone and returns a Verdict with its kind and why.
Context (position, neighbours, the title) is the job of `newsdesk.clean.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsdesk.clean import kinds
from newsdesk.clean.dates import DATE_LINE, parse_date

_NAME = r"[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|da|van|von|al|bin|del|la|le))*"


@dataclass(frozen=True)
class Verdict:
    kind: str
    reason: str
    meta: dict[str, object] = field(default_factory=dict)
    opens_section: bool = False  # a heading such as "Check Also" or "About X": the next blocks belong to it


def _rx(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


REPRINT_PATTERNS = (
    _rx(r"\b(?:this|the)\s+(?:article|story|piece|post|report|column|op-ed|interview)\s+(?:was\s+|is\s+|has\s+been\s+)?"
        r"(?:originally|first)\s+(?:published|appeared|posted|ran)\s+(?:by|in|on|at)\s+(?P<src>.+?)"
        r"(?:\s+(?:and|,)\s+(?:is\s+)?(?:re(?:printed|published|produced|posted)|shared|used)\b.*|\s+on\s+\w+\s+\d.*"
        r"|\s+under\b.*)?\s*[.!]?\s*$"),
    _rx(r"^(?:this\s+(?:article|story)\s+(?:is|was)\s+)?(?:re(?:printed|published|produced|posted))\s+"
        r"(?:here\s+)?(?:with\s+(?:kind\s+)?permission\s+)?(?:from|of|by)\s+(?P<src>.+?)\s*(?:under\b.*|with\b.*)?[.!]?\s*$"),
    _rx(r"^(?:originally\s+(?:published|appeared)|first\s+published)\s+(?:by|in|on|at)\s+(?P<src>.+?)\s*[.!]?\s*$"),
    _rx(r"^continue\s+reading\s+(?:at|on)\s+(?P<src>.+?)\s*[.!]?\s*$"),
    _rx(r"^(?:source|via|courtesy(?:\s+of)?)\s*:\s*(?P<src>[^.]{2,60}?)\s*\.?\s*$"),
)
PROMO_PATTERNS = (
    _rx(r"\bjoin\s+(?:us|our|the)\b.{0,60}\b(?:telegram|whatsapp|channel|group|community|discord|signal|"
        r"facebook|movement)\b"),
    _rx(r"^(?:download|get|install)\s+(?:our|the)\s+(?:free\s+|new\s+|official\s+)?(?:\w+\s+)?app\b"),
    _rx(r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|promoted(?:\s+content)?|paid\s+content|"
        r"story\s+continues\s+below(?:\s+advertisement)?|continue\s+reading\s+below)\W*$"),
    _rx(r"^(?:support|donate|help)\b.{0,60}\b(?:journalism|reporting|donat\w+|patreon|contribution)\b"),
    _rx(r"\b(?:click|tap)\s+here\s+(?:to|for)\b"),
    _rx(r"\bfollow\s+(?:us|@\w+)\s+on\s+(?:twitter|facebook|instagram|telegram|x|linkedin|tiktok|youtube)\b"),
    _rx(r"\bby\s+clicking\s+here\b"),
)
SUBSCRIPTION_PATTERNS = (
    _rx(r"^(?:subscribe|sign\s+up|register|get\s+(?:our|the))\b.{0,120}\b(?:newsletter|updates|inbox|briefing|"
        r"digest|alerts|free|today|now|daily|weekly)\b"),
    _rx(r"\bsubscribe\s+(?:to|now|today|for)\b"),
    _rx(r"\b(?:already\s+a\s+subscriber|log\s+in\s+to\s+(?:continue|read)|subscribers?\s+only|"
        r"unlimited\s+(?:digital\s+)?access|free\s+articles?\s+(?:left|remaining))\b"),
    _rx(r"\b(?:sign\s+up|subscribe)\b.{0,80}\bnewsletters?\b|\bnewsletters?\b.{0,80}\b(?:sign\s+up|subscribe)\b"),
    # what a newsletter form says around its button
    _rx(r"^\W*(?:[\w'’]+\s+){0,4}newsletters?\W*$|\bthanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing)\b|"
        r"\bkeep\s+an\s+eye\s+on\s+your\s+inbox\b|\berror\s+processing\s+your\s+subscription\b"),
)
RELATED_MARKER = _rx(
    r"^\(?(?:check\s+also|read\s+more|read\s+also|also\s+read|see\s+also|related(?:\s+(?:articles?|stories|posts|"
    r"coverage|news|content|reading|topics))?|more\s+(?:from|on|stories|news|like\s+this)\b[^:]{0,30}|"
    r"recommended(?:\s+for\s+you)?|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|further\s+reading|"
    r"must\s+read|trending(?:\s+now)?|popular(?:\s+stories)?|top\s+stories|latest\s+(?:news|stories)|"
    r"also\s+on\s+[\w.]+|don['’]t\s+miss|editor['’]s\s+picks?|what\s+to\s+read\s+next|see\s+more|read\s+next|"
    # the same markers in the other languages of the feeds
    r"leggi\s+anche(?:\s+su)?|lesen\s+sie\s+auch|lire\s+aussi|(?:leia|veja)\s+(?:também|mais)|"
    r"(?:lea|lee|ver)\s+también|читайте\s+также)\s*(?:[:|»›>–—-]+\s*|(?<=\.com|\.org|\.net)\s+|\.{3}\s*$|…\s*$|$)(?P<rest>.*)$"
)
CAPTION_PATTERNS = (
    _rx(r"\((?:screenshot|screen\s*grab|photo|photos|file\s+photo|picture|image|video|ap\s+photo|reuters|afp|"
        r"getty(?:\s+images)?|epa|credit|courtesy|illustration|handout)\b[^)]*\)\s*\W?\s*$"),
    _rx(r"^(?:photo|image|picture|credit|photograph|caption|pictured|illustration|video)s?\s*(?:credit|by)?\s*[:|]"),
    _rx(r"(?:^|[.)]\s)(?:photo|image|picture|photograph)s?\s*(?:credit|by)?\s*:\s*\w[^.]{0,60}$"),
    _rx(r"(?:photos?|images?|pictures?)\s*©|©\s*[\w&. -]{2,40},?\s*(?:19|20)\d\d\W*$|[a-z]\.(?:Reuters|AP|AFP|EPA)\s*$"),
    _rx(r"(?:^|\s|/)(?:getty\s+images|shutterstock|ap\s+photo|istock(?:photo)?|alamy|afp\s+via\s+getty|"
        r"reuters/|pool\s+photo|file\s+photo|handout\s+photo)\b"),
    # "Firstname Lastname / Agency / AGENCY" credit lines
    re.compile(r"^" + _NAME + r"\s*/\s*[A-Z][\w&.'’-]*(?:\s*/\s*\w+)*"),
)
NAVIGATION_PATTERNS = (
    _rx(r"^(?:(?:share|tweet|email|e-mail|print|copy\s+link|facebook|twitter|linkedin|whatsapp|pinterest|reddit|"
        r"telegram|messenger|comment|save|x)(?:\s+(?:this|on|via|article|story|page|link))*\s*[|/·•,]?\s*)+$"),
    _rx(r"^(?:tags?|filed\s+under|categories|category|topics?|keywords|sections?)\s*:"),
    _rx(r"\bcookies?\b.{0,80}\b(?:accept|consent|policy|use|preferences)\b"),
    _rx(r"^(?:home|news)\s*(?:[>»/|›]\s*[\w&' -]+){1,5}$"),
    _rx(r"^(?:©|\(c\)|copyright\b).{0,120}$|\ball\s+rights\s+reserved\b"),
    _rx(r"^(?:skip\s+to\s+(?:main\s+)?content|menu|search|log\s*in|sign\s+in|back\s+to\s+top|next\s+article|"
        r"previous\s+article|show\s+more|load\s+more|view\s+(?:all|more)|close|toggle\s+navigation)\W*$"),
    _rx(r"^(?:\d+\s+)?(?:shares?|views?|reads?)\W*$"),
    _rx(r"^(?:order\s+reprints|print\s+(?:this\s+)?article|tags?|share\s+(?:this\s+)?(?:story|article))\W*$|"
        r"\bshare\s+it\s+with\s+a\s+friend\b|\bnon-commercial\s+use\s+only\b|\bpresentation-ready\s+copies\b"),
    # a raw timestamp, a [shortcode]...[/shortcode] (bare links stay: articles list sources as links)
    _rx(r"^\d{4}-\d\d-\d\dT\d\d:\d\d[\d:.+Z-]*$|^\[\w+\b[^\]]*\].*\[/\w+\]$"),
)
COMMENT_PATTERNS = (
    _rx(r"^(?:\d+\s+)?comments?\W*$|^(?:leave|post|add)\s+a\s+(?:comment|reply)\b|^view\s+(?:\d+\s+)?comments\b|"
        r"^(?:show|hide)\s+comments\b|\bcomments\s+are\s+(?:closed|moderated)\b"),
)
BIO_HEADING = re.compile(r"^(?:[Aa]bout\s+(?:the\s+)?[Aa]uthors?|ABOUT\s+THE\s+AUTHORS?|[Aa]bout\s+(?P<name>" + _NAME + r"))\s*:?\s*$")
BIO_SENTENCE = re.compile(
    r"^(?P<name>" + _NAME + r")\s+(?:is|was|has\s+been)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:writer|journalist|reporter|correspondent|editor|contributor|columnist|author|freelancer|blogger|"
    r"producer|analyst|fellow|intern)\b"
)
AUTHOR_CONTACT = _rx(r"^(?:write\s+to|contact|email|e-mail|reach)\s+.{1,60}?\s+(?:at|@|:)\s+\S+@\S+\.\w+\W*$")
BYLINE = re.compile(r"^(?:[Bb]y|BY)\s+(?P<name>" + _NAME + r")(?:\s*(?:,|\band\b|\||-|–|—)\s*.{0,80})?\s*$")
DATE_STAMP = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\b\s*", re.I)


_BULLET = re.compile(r"^(?:[-•*·▪►]\s+)+")
_UPDATED_AT = _rx(r"^(?:updated|posted|published)(?:\s+(?:at|on))?\s+\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*\w{0,4}\W*$")


def match_block(text: str) -> Verdict | None:
    """Classify one block on its own text; None means no rule fired (the block may be article text)."""
    stripped = _BULLET.sub("", text.strip())  # extractors write list items as "- item"
    words = len(stripped.split())
    if words == 0:
        return Verdict(kinds.OTHER, "empty block")
    for pattern in REPRINT_PATTERNS:
        match = pattern.search(stripped)
        if match and words <= 60:
            source = clean_source(match.group("src"))
            return Verdict(kinds.REPRINT, "syndication note", {"syndicated_from": source} if source else {})
    if words <= 40 and any(p.search(stripped) for p in PROMO_PATTERNS):
        return Verdict(kinds.PROMO, "promotional line")
    if words <= 50 and any(p.search(stripped) for p in SUBSCRIPTION_PATTERNS):
        return Verdict(kinds.SUBSCRIPTION, "subscription or newsletter prompt")
    if words <= 25 and AUTHOR_CONTACT.match(stripped):
        return Verdict(kinds.AUTHOR_BIO, "author contact line")
    if words <= 25 and (match := BIO_HEADING.match(stripped)):
        meta = {"author": match.group("name")} if match.group("name") else {}
        return Verdict(kinds.AUTHOR_BIO, "author heading", meta, opens_section=True)
    if words <= 30 and (match := RELATED_MARKER.match(stripped)):
        rest = match.group("rest").strip()
        return Verdict(kinds.RELATED, "related-link marker" if not rest else "related-link teaser",
                       opens_section=not rest)
    if words <= 60 and any(p.search(stripped) for p in CAPTION_PATTERNS):
        return Verdict(kinds.CAPTION, "photo caption or credit")
    if words <= 20 and any(p.search(stripped) for p in NAVIGATION_PATTERNS):
        return Verdict(kinds.NAVIGATION, "navigation, sharing or footer line")
    if words <= 12 and any(p.search(stripped) for p in COMMENT_PATTERNS):
        return Verdict(kinds.COMMENT, "comments widget")
    if words <= 8 and _UPDATED_AT.match(stripped):
        return Verdict(kinds.DATELINE, "update time")
    if words <= 14 and DATE_LINE.match(stripped):
        found = parse_date(stripped)
        return Verdict(kinds.DATELINE, "date line", {"published_date": found} if found else {})
    if words <= 16 and (match := BYLINE.match(stripped)):
        return Verdict(kinds.DATELINE, "byline", {"author": match.group("name")})
    return None


def clean_source(raw: str) -> str | None:
    """Trim an outlet name taken from a syndication note ("Radio Free Asia and is ..." -> "Radio Free Asia")."""
    source = re.split(r"\s+(?:and|under|with|on|in)\s+(?:is|was|the|a|permission|kind|\w+\s+\d)", raw, maxsplit=1)[0]
    source = re.sub(r"^(?:the\s+website\s+of\s+)", "", source.strip(" .,:;\"'“”‘’"), flags=re.I)
    source = re.sub(r"^the\s+", "", source)  # "by the Eastern Wire" -> "Eastern Wire"; "The Guardian" stays
    source = source.strip(" .,:;\"'“”‘’")
    return source if 0 < len(source) <= 80 else None


def is_bio_sentence(text: str) -> bool:
    return bool(BIO_SENTENCE.match(text.strip()))
