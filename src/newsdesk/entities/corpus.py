"""Corpus-level entity linking, run when a batch is published (in the publishing transaction).

Aliases from in-article evidence ("NATO" = "North Atlantic Treaty Organization") and rare spelling
variants of person names are applied to every article in the database, so the result does not depend
on the order in which batches arrive. The rules live here and in `spelling` / `corpus_labels`; the
rows come from the store.
"""

from __future__ import annotations

from collections import defaultdict

from newsdesk.entities.corpus_labels import LabelView, corpus_label
from newsdesk.entities.spelling import MIN_SHARED_CONTEXT, PersonName, spelling_pairs
from newsdesk.store import entity_tables
from newsdesk.store.store import Connection


def link_corpus(con: Connection, batch_id: str, touched: set[str]) -> set[str]:
    """After the batch's rows are published: spelling variants, aliases and the `entities` rows of
    everything the batch touched (`touched`: what its previous rows pointed at). Returns the entity
    ids recomputed."""
    entity_tables.add_evidence(
        con, batch_id, find_spelling_evidence(con, batch_id), rule="spelling"
    )
    changed = entity_tables.refresh_aliases(con)
    touched = touched | entity_tables.apply_aliases(con, batch_id, changed) | changed
    refresh_entities(con, sorted(touched))
    return touched


def find_spelling_evidence(con: Connection, batch_id: str) -> list[tuple[str, str, str]]:
    """(doc_id, alias_id, entity_id) for rare person spellings that should join a common one; one
    side of each pair is named in this batch (see newsdesk.entities.spelling for the rules)."""
    pairs = spelling_pairs([PersonName(*row) for row in entity_tables.person_names(con, batch_id)])
    return entity_tables.apart_with_shared_context(con, pairs, MIN_SHARED_CONTEXT)


def refresh_entities(con: Connection, entity_ids: list[str]) -> None:
    """Recompute the `entities` rows of the given ids. The label follows the evidence across
    articles (newsdesk.entities.corpus_labels), not the raw count of mentions."""
    if not entity_ids:
        return
    views: dict[str, list[LabelView]] = defaultdict(list)
    for entity_id, label, n_mentions, strong in entity_tables.label_evidence(con, entity_ids):
        if label is not None:
            views[entity_id].append(LabelView(label, int(n_mentions), bool(strong)))
    entity_tables.replace_entities(con, entity_ids, {e: corpus_label(v) for e, v in views.items()})
