"""Plain-Python entry point: texts in, linked entity mentions out (offsets, labels, canonical
names).

Benchmarks and tests call this; it needs no database and no Dagster, and it runs exactly what the
entity stage runs (`annotate_rows`: the same pieces, token cap, NER and linking), in the calling
process.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.config import NerConfig
from newsdesk.entities.linking import LinkOptions
from newsdesk.entities.stage import DEFAULT_OPTIONS, annotate_rows
from newsdesk.records import Mention

__all__ = ["LinkOptions", "NerConfig", "annotate_texts", "Mention"]
DEFAULT_NER = NerConfig()  # frozen: safe to share as a default


def annotate_texts(
    texts: Sequence[str],
    titles: Sequence[str | None] | None = None,
    *,
    config: NerConfig = DEFAULT_NER,
    options: LinkOptions = DEFAULT_OPTIONS,
    doc_ids: Sequence[str] | None = None,
) -> list[list[Mention]]:
    """NER and document-level linking for each text, with production's model and settings
    (`NerConfig`); `options` switches linking components off for ablations."""
    ids = list(doc_ids) if doc_ids is not None else [str(i) for i in range(len(texts))]
    titles = list(titles) if titles is not None else [None] * len(texts)
    rows = [
        {"doc_id": i, "title": t, "body": text}
        for i, t, text in zip(ids, titles, texts, strict=True)
    ]
    return [annotated[3] for annotated in annotate_rows(rows, config, options)]
