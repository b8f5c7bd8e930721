"""Plain-Python entry point: texts in, linked entity mentions out (offsets, labels, canonical names).

The Dagster asset, the benchmarks and tests call this; it needs no database and no Dagster. It runs in the calling
process: the entity stage spreads chunks of articles over `NerConfig.n_process` workers itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language

from newsdesk.config import NerConfig
from newsdesk.entities.linking import LinkOptions, link_mentions
from newsdesk.entities.ner import find_spans, load_model
from newsdesk.records import Mention

__all__ = ["LinkOptions", "NerConfig", "annotate_texts", "Mention"]
DEFAULT_NER, DEFAULT_OPTIONS = NerConfig(), LinkOptions()  # frozen: safe to share as defaults


def annotate_texts(texts: Sequence[str], titles: Sequence[str | None] | None = None, *,
                   nlp: Language | None = None, config: NerConfig = DEFAULT_NER,
                   options: LinkOptions = DEFAULT_OPTIONS, doc_ids: Sequence[str] | None = None) -> list[list[Mention]]:
    """NER and document-level linking for each text, with production's model and batch size (`NerConfig`);
    `options` switches components off for ablations."""
    nlp = nlp or load_model(config.model)
    ids = list(doc_ids) if doc_ids is not None else [str(i) for i in range(len(texts))]
    titles = list(titles) if titles is not None else [None] * len(texts)
    out = []
    for doc_id, text, title, spans in zip(ids, texts, titles, find_spans(nlp, list(texts), config.batch_size)):
        out.append(link_mentions(doc_id, text, spans, options=options, title=title))
    return out
