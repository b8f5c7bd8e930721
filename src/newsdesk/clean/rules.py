"""Block-level boilerplate rules: one registry both paths and the line classifier read.

Each rule looks at one block (a line or paragraph) alone; the first rule that fires gives the block
its kind and the reason. Context (position, neighbours, the title) is the job of
`newsdesk.clean.context`. The line classifier's rule features are the kinds of this registry, so the
model file stores `rules_digest()` and a test fails when a rule changes without the model being
retrained.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from newsdesk.clean import kinds
from newsdesk.clean.dates import DATE_LINE, parse_date
from newsdesk.text import count_tokens

_NAME = r"[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|da|van|von|al|bin|del|la|le))*"


@dataclass(frozen=True)
class Verdict:
    kind: str
    reason: str
    meta: dict[str, object] = field(default_factory=dict)
    opens_section: bool = (
        False  # a heading such as "Check Also" or "About X": the next blocks belong to it
    )
    rule: str = ""  # the registry rule that fired ("" for verdicts from context or the classifier)


Details = Callable[[re.Match[str]], tuple[str | None, dict[str, object], bool]]


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    reason: str
    max_words: (
        int  # longer blocks are never this kind (a paragraph that mentions a newsletter is prose)
    )
    pattern: re.Pattern[str]
    anchored: bool = False  # the pattern must match at the block's start
    details: Details | None = None  # (reason override, metadata, opens a section) from the match


def _rx(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _reprint(match: re.Match[str]) -> tuple[str | None, dict[str, object], bool]:
    source = clean_source(match.group("src"))
    return None, ({"syndicated_from": source} if source else {}), False


def _bio_heading(match: re.Match[str]) -> tuple[str | None, dict[str, object], bool]:
    return None, ({"author": match.group("name")} if match.group("name") else {}), True


def _related(match: re.Match[str]) -> tuple[str | None, dict[str, object], bool]:
    rest = match.group("rest").strip()
    return ("related-link teaser" if rest else None), {}, not rest


def _date_line(match: re.Match[str]) -> tuple[str | None, dict[str, object], bool]:
    found = parse_date(match.string)
    return None, ({"published_date": found} if found else {}), False


def _byline(match: re.Match[str]) -> tuple[str | None, dict[str, object], bool]:
    return None, {"author": match.group("name")}, False


RELATED_MARKER = _rx(
    r"^\(?(?:check\s+also|read\s+more|read\s+also|also\s+read|see\s+also|"
    r"related(?:\s+(?:articles?|stories|posts|coverage|news|content|reading|topics))?|"
    r"more\s+(?:from|on|stories|news|like\s+this)\b[^:]{0,30}|recommended(?:\s+for\s+you)?|"
    r"you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|further\s+reading|must\s+read|"
    r"trending(?:\s+now)?|popular(?:\s+stories)?|top\s+stories|latest\s+(?:news|stories)|"
    r"also\s+on\s+[\w.]+|don['’]t\s+miss|editor['’]s\s+picks?|what\s+to\s+read\s+next|"
    r"see\s+more|read\s+next|"
    # the same markers in the other languages of the feeds
    r"leggi\s+anche(?:\s+su)?|lesen\s+sie\s+auch|lire\s+aussi|(?:leia|veja)\s+(?:também|mais)|"
    r"(?:lea|lee|ver)\s+también|читайте\s+также)\s*(?:[:|»›>–—-]+\s*|(?<=\.com|\.org|\.net)\s+|"
    r"\.{3}\s*$|…\s*$|$)(?P<rest>.*)$"
)
BIO_HEADING = re.compile(
    r"^(?:[Aa]bout\s+(?:the\s+)?[Aa]uthors?|ABOUT\s+THE\s+AUTHORS?|[Aa]bout\s+(?P<name>"
    + _NAME
    + r"))\s*:?\s*$"
)
BIO_SENTENCE = re.compile(
    r"^(?P<name>" + _NAME + r")\s+(?:is|was|has\s+been)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:writer|journalist|reporter|correspondent|editor|contributor|columnist|author|freelancer|"
    r"blogger|producer|analyst|fellow|intern)\b"
)
BYLINE = re.compile(
    r"^(?:[Bb]y|BY)\s+(?P<name>" + _NAME + r")(?:\s*(?:,|\band\b|\||-|–|—)\s*.{0,80})?\s*$"
)
DATE_STAMP = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\b\s*", re.I)
_BULLET = re.compile(r"^(?:[-•*·▪►]\s+)+")  # extractors write list items as "- item"

_REPRINT, _PROMO, _SUBSCRIPTION = (
    "syndication note",
    "promotional line",
    "subscription or newsletter prompt",
)
_CAPTION, _NAV = "photo caption or credit", "navigation, sharing or footer line"

RULES: tuple[Rule, ...] = (
    Rule(
        "reprint.originally_published",
        kinds.REPRINT,
        _REPRINT,
        60,
        _rx(
            r"\b(?:this|the)\s+(?:article|story|piece|post|report|column|op-ed|interview)"
            r"\s+(?:was\s+|is\s+|has\s+been\s+)?(?:originally|first)"
            r"\s+(?:published|appeared|posted|ran)\s+(?:by|in|on|at)\s+(?P<src>.+?)"
            r"(?:\s+(?:and|,)\s+(?:is\s+)?(?:re(?:printed|published|produced|posted)|shared|used)"
            r"\b.*|\s+on\s+\w+\s+\d.*|\s+under\b.*)?\s*[.!]?\s*$"
        ),
        details=_reprint,
    ),
    Rule(
        "reprint.reprinted_from",
        kinds.REPRINT,
        _REPRINT,
        60,
        _rx(
            r"^(?:this\s+(?:article|story)\s+(?:is|was)\s+)"
            r"?(?:re(?:printed|published|produced|posted))\s+(?:here\s+)"
            r"?(?:with\s+(?:kind\s+)?permission\s+)?(?:from|of|by)\s+(?P<src>.+?)"
            r"\s*(?:under\b.*|with\b.*)?[.!]?\s*$"
        ),
        details=_reprint,
    ),
    Rule(
        "reprint.first_published",
        kinds.REPRINT,
        _REPRINT,
        60,
        _rx(
            r"^(?:originally\s+(?:published|appeared)|first\s+published)\s+(?:by|in|on|at)"
            r"\s+(?P<src>.+?)\s*[.!]?\s*$"
        ),
        details=_reprint,
    ),
    Rule(
        "reprint.continue_reading_at",
        kinds.REPRINT,
        _REPRINT,
        60,
        _rx(r"^continue\s+reading\s+(?:at|on)\s+(?P<src>.+?)\s*[.!]?\s*$"),
        details=_reprint,
    ),
    Rule(
        "reprint.source_label",
        kinds.REPRINT,
        _REPRINT,
        60,
        _rx(r"^(?:source|via|courtesy(?:\s+of)?)\s*:\s*(?P<src>[^.]{2,60}?)\s*\.?\s*$"),
        details=_reprint,
    ),
    Rule(
        "promo.join_channel",
        kinds.PROMO,
        _PROMO,
        40,
        _rx(
            r"\bjoin\s+(?:us|our|the)\b.{0,60}\b(?:telegram|whatsapp|channel|group|community|"
            r"discord|signal|facebook|movement)\b"
        ),
    ),
    Rule(
        "promo.get_the_app",
        kinds.PROMO,
        _PROMO,
        40,
        _rx(
            r"^(?:download|get|install)\s+(?:our|the)\s+(?:free\s+|new\s+|"
            r"official\s+)?(?:\w+\s+)?app\b"
        ),
    ),
    Rule(
        "promo.advert_label",
        kinds.PROMO,
        _PROMO,
        40,
        _rx(
            r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|promoted(?:\s+content)?|"
            r"paid\s+content|story\s+continues\s+below(?:\s+advertisement)?|"
            r"continue\s+reading\s+below)\W*$"
        ),
    ),
    Rule(
        "promo.donate",
        kinds.PROMO,
        _PROMO,
        40,
        _rx(
            r"^(?:support|donate|help)\b.{0,60}\b(?:journalism|reporting|donat\w+|"
            r"patreon|contribution)\b"
        ),
    ),
    Rule(
        "promo.click_here", kinds.PROMO, _PROMO, 40, _rx(r"\b(?:click|tap)\s+here\s+(?:to|for)\b")
    ),
    Rule(
        "promo.follow_us",
        kinds.PROMO,
        _PROMO,
        40,
        _rx(
            r"\bfollow\s+(?:us|@\w+)\s+on\s+(?:twitter|facebook|instagram|telegram|x|"
            r"linkedin|tiktok|youtube)\b"
        ),
    ),
    Rule("promo.by_clicking_here", kinds.PROMO, _PROMO, 40, _rx(r"\bby\s+clicking\s+here\b")),
    Rule(
        "subscription.sign_up_for",
        kinds.SUBSCRIPTION,
        _SUBSCRIPTION,
        50,
        _rx(
            r"^(?:subscribe|sign\s+up|register|get\s+(?:our|the))"
            r"\b.{0,120}\b(?:newsletter|updates|inbox|briefing|digest|alerts|free|"
            r"today|now|daily|weekly)\b"
        ),
    ),
    Rule(
        "subscription.subscribe_to",
        kinds.SUBSCRIPTION,
        _SUBSCRIPTION,
        50,
        _rx(r"\bsubscribe\s+(?:to|now|today|for)\b"),
    ),
    Rule(
        "subscription.paywall",
        kinds.SUBSCRIPTION,
        _SUBSCRIPTION,
        50,
        _rx(
            r"\b(?:already\s+a\s+subscriber|log\s+in\s+to\s+(?:continue|read)|subscribers?\s+only|"
            r"unlimited\s+(?:digital\s+)?access|free\s+articles?\s+(?:left|remaining))\b"
        ),
    ),
    Rule(
        "subscription.newsletter_signup",
        kinds.SUBSCRIPTION,
        _SUBSCRIPTION,
        50,
        _rx(
            r"\b(?:sign\s+up|subscribe)\b.{0,80}\bnewsletters?\b|"
            r"\bnewsletters?\b.{0,80}\b(?:sign\s+up|subscribe)\b"
        ),
    ),
    # what a newsletter form says around its button
    Rule(
        "subscription.newsletter_form",
        kinds.SUBSCRIPTION,
        _SUBSCRIPTION,
        50,
        _rx(
            r"^\W*(?:[\w'’]+\s+){0,4}newsletters?\W*$|\bthanks?\s+(?:you\s+)"
            r"?for\s+(?:signing\s+up|subscribing)\b|\bkeep\s+an\s+eye\s+on\s+your\s+inbox\b|"
            r"\berror\s+processing\s+your\s+subscription\b"
        ),
    ),
    Rule(
        "bio.contact_line",
        kinds.AUTHOR_BIO,
        "author contact line",
        25,
        _rx(
            r"^(?:write\s+to|contact|email|e-mail|reach)\s+.{1,60}?\s+(?:at|@|:)\s+\S+@\S+\.\w+\W*$"
        ),
        anchored=True,
    ),
    Rule(
        "bio.heading",
        kinds.AUTHOR_BIO,
        "author heading",
        25,
        BIO_HEADING,
        anchored=True,
        details=_bio_heading,
    ),
    Rule(
        "related.marker",
        kinds.RELATED,
        "related-link marker",
        30,
        RELATED_MARKER,
        anchored=True,
        details=_related,
    ),
    Rule(
        "caption.parenthesised_credit",
        kinds.CAPTION,
        _CAPTION,
        60,
        _rx(
            r"\((?:screenshot|screen\s*grab|photo|photos|file\s+photo|picture|image|video|"
            r"ap\s+photo|reuters|afp|getty(?:\s+images)?|epa|credit|courtesy|illustration|"
            r"handout)\b[^)]*\)\s*\W?\s*$"
        ),
    ),
    Rule(
        "caption.label",
        kinds.CAPTION,
        _CAPTION,
        60,
        _rx(
            r"^(?:photo|image|picture|credit|photograph|caption|pictured|illustration|video)"
            r"s?\s*(?:credit|by)?\s*[:|]"
        ),
    ),
    Rule(
        "caption.photo_by",
        kinds.CAPTION,
        _CAPTION,
        60,
        _rx(
            r"(?:^|[.)]\s)(?:photo|image|picture|photograph)s?\s*(?:credit|by)?\s*:\s*\w[^.]{0,60}$"
        ),
    ),
    Rule(
        "caption.copyright_credit",
        kinds.CAPTION,
        _CAPTION,
        60,
        _rx(
            r"(?:photos?|images?|pictures?)\s*©|©\s*[\w&. -]{2,40},?\s*(?:19|20)\d\d\W*$"
            r"|[a-z]\.(?:Reuters|AP|AFP|EPA)\s*$"
        ),
    ),
    Rule(
        "caption.agency",
        kinds.CAPTION,
        _CAPTION,
        60,
        _rx(
            r"(?:^|\s|/)(?:getty\s+images|shutterstock|ap\s+photo|istock(?:photo)?|alamy|"
            r"afp\s+via\s+getty|reuters/|pool\s+photo|file\s+photo|handout\s+photo)\b"
        ),
    ),
    # "Firstname Lastname / Agency / AGENCY" credit lines
    Rule(
        "caption.name_slash_agency",
        kinds.CAPTION,
        _CAPTION,
        60,
        re.compile(r"^" + _NAME + r"\s*/\s*[A-Z][\w&.'’-]*(?:\s*/\s*\w+)*"),
        anchored=True,
    ),
    Rule(
        "navigation.share_buttons",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(
            r"^(?:(?:share|tweet|email|e-mail|print|copy\s+link|facebook|twitter|linkedin|whatsapp|"
            r"pinterest|reddit|telegram|messenger|comment|save|x)"
            r"(?:\s+(?:this|on|via|article|story|page|link))*\s*[|/·•,]?\s*)+$"
        ),
    ),
    Rule(
        "navigation.tags",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(r"^(?:tags?|filed\s+under|categories|category|topics?|keywords|sections?)\s*:"),
    ),
    Rule(
        "navigation.cookies",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(r"\bcookies?\b.{0,80}\b(?:accept|consent|policy|use|preferences)\b"),
    ),
    Rule(
        "navigation.breadcrumb",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(r"^(?:home|news)\s*(?:[>»/|›]\s*[\w&' -]+){1,5}$"),
    ),
    Rule(
        "navigation.copyright",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(r"^(?:©|\(c\)|copyright\b).{0,120}$|\ball\s+rights\s+reserved\b"),
    ),
    Rule(
        "navigation.controls",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(
            r"^(?:skip\s+to\s+(?:main\s+)?content|menu|search|log\s*in|sign\s+in|back\s+to\s+top|"
            r"next\s+article|previous\s+article|show\s+more|load\s+more|view\s+(?:all|more)|close|"
            r"toggle\s+navigation)\W*$"
        ),
    ),
    Rule(
        "navigation.counters",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(r"^(?:\d+\s+)?(?:shares?|views?|reads?)\W*$"),
    ),
    Rule(
        "navigation.article_tools",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(
            r"^(?:order\s+reprints|print\s+(?:this\s+)?article|tags?|share\s+(?:this\s+)"
            r"?(?:story|article))\W*$|\bshare\s+it\s+with\s+a\s+friend\b|"
            r"\bnon-commercial\s+use\s+only\b|\bpresentation-ready\s+copies\b"
        ),
    ),
    # a raw timestamp, a [shortcode]...[/shortcode] (bare links stay: articles list sources as
    # links)
    Rule(
        "navigation.raw_markup",
        kinds.NAVIGATION,
        _NAV,
        20,
        _rx(r"^\d{4}-\d\d-\d\dT\d\d:\d\d[\d:.+Z-]*$|^\[\w+\b[^\]]*\].*\[/\w+\]$"),
    ),
    Rule(
        "comment.widget",
        kinds.COMMENT,
        "comments widget",
        12,
        _rx(
            r"^(?:\d+\s+)?comments?\W*$|^(?:leave|post|add)\s+a\s+(?:comment|reply)\b|"
            r"^view\s+(?:\d+\s+)?comments\b|^(?:show|hide)\s+comments\b|"
            r"\bcomments\s+are\s+(?:closed|moderated)\b"
        ),
    ),
    Rule(
        "dateline.update_time",
        kinds.DATELINE,
        "update time",
        8,
        _rx(
            r"^(?:updated|posted|published)(?:\s+(?:at|on))"
            r"?\s+\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*\w{0,4}\W*$"
        ),
        anchored=True,
    ),
    Rule(
        "dateline.date",
        kinds.DATELINE,
        "date line",
        14,
        DATE_LINE,
        anchored=True,
        details=_date_line,
    ),
    Rule("dateline.byline", kinds.DATELINE, "byline", 16, BYLINE, anchored=True, details=_byline),
)
RULE_KINDS: tuple[str, ...] = tuple(dict.fromkeys(rule.kind for rule in RULES))
_LONGEST = 200  # no rule names a block longer than this (checked below)
assert all(rule.max_words <= _LONGEST for rule in RULES)


def match_block(text: str, rules: tuple[Rule, ...] = RULES) -> Verdict | None:
    """Classify one block on its own text; None means no rule fired (the block may be article
    text)."""
    text = text.strip()
    stripped = _BULLET.sub("", text) if text[:1] in _BULLET_CHARS else text
    words = count_tokens(stripped)
    if words == 0:
        return Verdict(kinds.OTHER, "empty block")
    for rule, find in _finders(rules)[min(words, _LONGEST + 1)]:
        match = find(stripped)
        if match is None:
            continue
        reason, meta, opens = rule.details(match) if rule.details else (None, {}, False)
        return Verdict(rule.kind, reason or rule.reason, meta, opens, rule.name)
    return None


_BULLET_CHARS = "-•*·▪►"
Finder = Callable[[str], "re.Match[str] | None"]


_FINDERS: dict[int, tuple[tuple[Rule, ...], list[tuple[tuple[Rule, Finder], ...]]]] = {}


def _finders(rules: tuple[Rule, ...]) -> list[tuple[tuple[Rule, Finder], ...]]:
    # Per block length, the rules that may fire, with their bound match/search: this loop runs for
    # every line of every page (the page's leftover lines included), so it does no lookups it can do
    # once. Keyed by identity (hashing 40 rules per call would cost what it saves); the tuple is
    # kept so its id stays its own.
    found = _FINDERS.get(id(rules))
    if found is None or found[0] is not rules:
        if len(_FINDERS) > 32:  # only ablations make rule sets of their own
            _FINDERS.clear()
        finds: list[tuple[Rule, Finder]] = [
            (rule, rule.pattern.match if rule.anchored else rule.pattern.search) for rule in rules
        ]
        table = [tuple(f for f in finds if f[0].max_words >= n) for n in range(_LONGEST + 2)]
        _FINDERS[id(rules)] = (rules, table)
        return table
    return found[1]


def rules_digest(rules: tuple[Rule, ...] = RULES) -> str:
    """A fingerprint of everything that decides which kind a rule gives a block (order, limits,
    patterns)."""
    spec = [
        [r.name, r.kind, r.max_words, r.pattern.pattern, int(r.pattern.flags), r.anchored]
        for r in rules
    ]
    payload = json.dumps(
        {"bullet": _BULLET.pattern, "rules": spec}, ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def clean_source(raw: str) -> str | None:
    """Trim an outlet name taken from a syndication note ("Radio Free Asia and is ..." -> "Radio
    Free Asia")."""
    source = re.split(
        r"\s+(?:and|under|with|on|in)\s+(?:is|was|the|a|permission|kind|\w+\s+\d)", raw, maxsplit=1
    )[0]
    source = re.sub(r"^(?:the\s+website\s+of\s+)", "", source.strip(" .,:;\"'“”‘’"), flags=re.I)
    source = re.sub(
        r"^the\s+", "", source
    )  # "by the Eastern Wire" -> "Eastern Wire"; "The Guardian" stays
    source = source.strip(" .,:;\"'“”‘’")
    return source if 0 < len(source) <= 80 else None


def is_bio_sentence(text: str) -> bool:
    return bool(BIO_SENTENCE.match(text.strip()))
