"""What an extraction path returns: one type for the HTML and the plain-text path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from newsdesk.records import Segment


@dataclass
class Extraction:
    """The article body, every removed block with its kind and why, and the metadata the input
    showed.

    A field the path cannot know stays None (a text dump has no site name; `language` is left to the
    caller when the path did not detect it on the way)."""

    body: str
    segments: list[Segment] = field(default_factory=list)
    title: str | None = None
    published_date: date | None = None
    author: str | None = None
    source_name: str | None = None
    syndicated_from: str | None = None
    url: str | None = None
    language: str | None = None
