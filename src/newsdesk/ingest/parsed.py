"""What a parser yields: an article record, a problem (a part of the input that is quarantined), or
a note about something in the file that is not an input (a WARC protocol record, a refused field
value)."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.records import InputArticle


@dataclass(frozen=True, kw_only=True)
class ParsedRecord(InputArticle):
    """One article found in a file: its key inside the file, raw bytes, and decoded content."""

    # unique within the file: "" for one-article files, the JSON id or line number otherwise
    record_key: str
    data: bytes


@dataclass(frozen=True)
class Problem:
    """A part of a file that could not be read, with a reason code and a sentence for a person."""

    reason: str
    detail: str
    record_key: str = ""
    n_bytes: int | None = None


@dataclass(frozen=True)
class Note:
    """Something a file holds that is not an input and not lost either: counted in the stage's stats
    under `kind` (never in total/kept/dropped), with a sentence for the log."""

    kind: str  # warc_protocol_records | refused_fields
    detail: str
    record_key: str = ""


Parsed = ParsedRecord | Problem | Note
