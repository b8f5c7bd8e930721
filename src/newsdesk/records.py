"""Typed records passed between stages: one record type per stage output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from newsdesk.text import count_words


@dataclass(frozen=True, kw_only=True)
class InputArticle:
    """One article as its input file states it: id, decoded content and the metadata it gives."""

    external_id: str  # JSONL/JSON `id`, WARC record id, or the file name
    content: str
    content_type: str  # text | html
    url: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None
    encoding: str | None = None


@dataclass(frozen=True, kw_only=True)
class RawDocument(InputArticle):
    """One input article as read from a batch file, before any cleaning."""

    doc_id: str
    batch_id: str
    source_path: str  # relative to the batch directory
    format: str  # txt | html | jsonl | json | warc
    sha256: str  # of the record's raw bytes
    n_bytes: int


@dataclass(frozen=True)
class QuarantineItem:
    """An input (file, record or article) that could not be processed, with a reason a person
    reads."""

    batch_id: str
    source_path: str
    stage: str  # ingest | clean
    reason: str  # short code: empty_file, binary_content, ...
    detail: str  # one sentence for a person
    n_bytes: int | None = None
    sha256: str | None = None
    external_id: str | None = None
    doc_id: str | None = None
    duplicate_of: str | None = None  # for duplicate_record: the doc_id of the document kept instead


@dataclass(frozen=True)
class Segment:
    """A piece of the input removed from the article body, kept with its kind and why."""

    position: int  # block index in the input
    kind: str  # one of newsdesk.clean.kinds.KINDS
    text: str
    reason: str


@dataclass
class Extraction:
    """What an extraction path returns (HTML and plain text alike): the article body, every removed
    block with its kind and why, and the metadata the input showed.

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


@dataclass
class CleanArticle(Extraction):
    """The article after boilerplate removal, with the metadata the input showed."""

    doc_id: str = field(kw_only=True)

    @cached_property
    def n_words(self) -> int:
        # Cached, and pickled with the article: the worker that cleaned it counts its words once.
        return count_words(self.body)


@dataclass(frozen=True)
class Mention:
    """One named-entity mention in an article body; offsets index `CleanArticle.body`."""

    doc_id: str
    start_char: int
    end_char: int
    text: str
    label: str
    entity_id: str
    canonical_name: str
    ref_id: str | None = None  # iso:XX for countries, geonames:N for cities and states


@dataclass(frozen=True)
class ArticleInfo:
    """What the canonical rule of a copy cluster looks at."""

    doc_id: str
    published_date: date | None
    source_name: str | None
    syndicated_from: str | None
    n_words: int
    ingested_at: datetime | None = (
        None  # first ingestion of its document: the cluster id follows the earliest
    )


@dataclass(frozen=True)
class CopyRow:
    """One article's place in its copy cluster."""

    doc_id: str
    copy_cluster_id: str
    is_canonical: bool
    similarity: float
