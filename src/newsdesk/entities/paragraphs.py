"""The model reads article bodies paragraph by paragraph, and a paragraph it has read once in this
process is not read again.

A syndicated story reaches the batch from several outlets with its own intro, trims and edits, so
its copies share most paragraphs without sharing a body (on the 10k throughput batch, 18 % of the
distinct bodies' characters are in paragraphs another body holds too). Paragraph by paragraph, the
model's output for a paragraph does not depend on what else the article or the batch holds, so a
result can be reused whatever the order, chunking or worker; an entity can no longer run across a
blank line. The export sorts articles that share a paragraph next to each other
(`store.entity_tables.NER_INPUTS_SQL`), so most repeats meet in one worker.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsdesk.config import NerConfig
from newsdesk.entities.ner import RawSpan, find_spans
from newsdesk.parallel import working_on
from newsdesk.text import line_spans

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

BREAK = "\n\n"
# Paragraphs remembered per process (by model): ~20 MB at most; a repeat is usually a few
# articles away in the export order.
CACHE_PARAGRAPHS = 20_000


def split_long(text: str, max_chars: int) -> list[tuple[int, int]]:
    """[start, end) pieces of at most max_chars, cut after the last line break, else the last
    space, in the second half of the window."""
    pieces, start = [], 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind("\n"), window.rfind(" "))
        end = start + (cut + 1 if cut > max_chars // 2 else max_chars)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def paragraph_pieces(body: str, max_chars: int) -> Iterator[tuple[int, int]]:
    """[start, end) of each paragraph of `body` (text between blank lines), a paragraph longer
    than max_chars in pieces (`split_long`); blank paragraphs are left out."""
    for start, end in line_spans(body, BREAK):
        if body[start:end].strip():
            yield from ((start + a, start + b) for a, b in split_long(body[start:end], max_chars))


@dataclass
class _Read:
    """One paragraph's result: its token count and its spans (offsets within the paragraph)."""

    tokens: int
    spans: list[RawSpan] = field(default_factory=list)


Key = tuple[str, str]  # (model, paragraph)
_CACHE: OrderedDict[Key, _Read] = OrderedDict()


def forget() -> None:
    """Empty this process's paragraph cache (a benchmark that times the same texts twice)."""
    _CACHE.clear()


def _remember(key: Key, read: _Read) -> None:
    _CACHE[key] = read
    if len(_CACHE) > CACHE_PARAGRAPHS:
        _CACHE.popitem(last=False)


def read_bodies(
    nlp: Language,
    bodies: list[str],
    config: NerConfig,
) -> tuple[dict[str, list[RawSpan]], dict[str, int]]:
    """Named-entity spans of each distinct body (offsets in the body) and the characters of it
    left out of NER: past `config.max_tokens` tokens an article is not read further (the model's
    cost grows with tokens, so a pathological text is cut before the model). Tokenising says which
    article it is on (an overrun is blamed on it); the model then runs over all of them at once,
    time-boxed by its token count (newsdesk.parallel)."""
    to_run: list[Doc] = []
    queued: dict[Key, int] = {}  # paragraph -> its Doc in to_run
    known: dict[Key, _Read] = {}  # paragraphs already read, for this call (the cache may evict)
    parts: dict[str, list[tuple[int, Key | int]]] = {}  # body -> (start, paragraph or cut Doc)
    left_out: dict[str, int] = {}
    for i, body in enumerate(bodies):
        if body in parts:
            continue
        working_on(i)
        used, cut_at = 0, len(body)  # cut_at: the first character not read
        own: list[tuple[int, Key | int]] = []
        for start, end in paragraph_pieces(body, config.max_chars):
            budget = config.max_tokens - used
            if budget <= 0:
                cut_at = start
                break
            key = (config.model, body[start:end])
            tokens = _tokens(key, known, queued, to_run)
            if tokens is not None and tokens <= budget:
                used += tokens
                own.append((start, key))
                continue
            doc = nlp.make_doc(key[1])
            if len(doc) > budget:  # the article's last piece read, cut at the budget
                cut_at = start + doc[budget].idx
                own.append((start, len(to_run)))
                to_run.append(doc[:budget].as_doc())
                break
            queued[key] = len(to_run)
            to_run.append(doc)
            used += len(doc)
            own.append((start, key))
        parts[body], left_out[body] = own, len(body) - cut_at
    working_on(None, weight=sum(len(d) for d in to_run) / config.max_tokens)
    found = [spans for batch in _batches(nlp, to_run, config.batch_tokens) for spans in batch]
    for key, index in queued.items():
        known[key] = _Read(len(to_run[index]), found[index])
        _remember(key, known[key])
    out = {
        body: [
            RawSpan(s.start_char + start, s.end_char + start, s.text, s.label)
            for start, ref in own
            for s in (found[ref] if isinstance(ref, int) else known[ref].spans)
        ]
        for body, own in parts.items()
    }
    return out, left_out


def _batches(nlp: Language, docs: list[Doc], max_tokens: int) -> Iterator[list[list[RawSpan]]]:
    """The model over consecutive runs of docs of at most `max_tokens` tokens (a longer doc runs
    alone): paragraphs are short, and batches of a few thousand tokens run ~10 % faster than 16
    whole articles, in less memory."""
    start = 0
    while start < len(docs):
        end, tokens = start + 1, len(docs[start])
        while end < len(docs) and tokens + len(docs[end]) <= max_tokens:
            tokens += len(docs[end])
            end += 1
        yield list(find_spans(nlp, docs[start:end], end - start))
        start = end


def _tokens(
    key: Key, known: dict[Key, _Read], queued: dict[Key, int], docs: list[Doc]
) -> int | None:
    """The paragraph's token count if it was read before or is queued to be (then `known` holds
    it once this call's model run is done)."""
    if key in queued:
        return len(docs[queued[key]])
    read = known.get(key)
    if read is None and (read := _CACHE.get(key)) is not None:
        _CACHE.move_to_end(key)  # least recently used goes first
    if read is None:
        return None
    known[key] = read
    return read.tokens
