"""Thread one published batch, inside the transaction that publishes it (called by
newsdesk.publish.PublishSink).

Reads the batch's articles (with copies, story links and entities, all published a moment ago in the
same transaction), loads only the candidate threads (sharing a rare key with the batch, or holding a
story-link partner, within the time window), runs `assign`, and writes memberships, merges and
thread summaries.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta

import duckdb

from newsdesk.store import thread_keys as tk
from newsdesk.store import thread_tables as tt
from newsdesk.threads.assign import Unit, assign
from newsdesk.threads.features import (
    ENTITY,
    INGESTED,
    PLACE,
    TERM,
    Article,
    dateline,
    key,
    published_at,
    story_entities,
    text_terms,
)
from newsdesk.threads.model import Idf, Scored, ThreadState
from newsdesk.threads.params import DEFAULT, ThreadParams


def load_units(
    con: duckdb.DuckDBPyConnection, batch_id: str, params: ThreadParams
) -> tuple[list[Unit], dict, dict]:
    """The batch's articles grouped by copy cluster, one unit per cluster (its canonical, else its
    earliest)."""
    rows = tt.batch_articles(con, batch_id)
    ents: dict[str, dict[str, float]] = defaultdict(dict)
    for doc_id, entity_id, weight in tt.batch_entities(con, batch_id):
        ents[doc_id][entity_id] = float(weight)
    articles, clusters, canonical, sources = {}, defaultdict(list), {}, {}
    for doc_id, title, lead, raw, day, ingested, outlet, cluster, is_canonical in rows:
        place = dateline(lead)
        when, source = published_at(raw, day, ingested or datetime(1970, 1, 1))
        articles[doc_id] = Article(
            doc_id,
            when,
            text_terms(title, lead, params),
            story_entities(ents.get(doc_id, {}), lead, params),
            key(PLACE, place) if place else None,
            title,
            outlet,
            source != INGESTED,
        )
        sources[doc_id] = source
        clusters[cluster].append(doc_id)
        canonical[doc_id] = bool(is_canonical)
    threaded = defaultdict(set)
    for cluster, thread_id in tt.threaded_copies(con, sorted(clusters)):
        threaded[cluster].add(thread_id)
    links = defaultdict(set)
    for doc_id, partner in tt.story_partners(con, sorted(articles)):
        links[doc_id].add(partner)
    units = []
    for cluster, docs in sorted(clusters.items()):
        docs.sort(key=lambda d: (not canonical[d], articles[d].published, d))
        rep = docs[0]
        units.append(
            Unit(
                articles[rep],
                docs[1:],
                threaded.get(cluster, set()),
                {p for d in docs for p in links.get(d, ())} - set(docs),
            )
        )
    return units, articles, sources


def unit_keys(unit: Unit) -> list[int]:
    return [*unit.article.terms, *unit.article.entities]


def thread_batch(
    con: duckdb.DuckDBPyConnection, batch_id: str, params: ThreadParams = DEFAULT
) -> dict[str, int]:
    """Attach the batch's articles to threads; returns stats for the stage summary."""
    touched = tt.forget_batch(con, batch_id)
    tt.refresh_threads(
        con, sorted(touched)
    )  # a thread left empty goes now, so a re-run opens it under its id
    units, articles, sources = load_units(con, batch_id, params)
    if not units:
        tt.refresh_threads(con, sorted(touched))
        return {"threads_touched": len(touched)}
    keys = sorted({k for u in units for k in unit_keys(u)})
    df, n_docs = tk.document_frequencies(con, keys)
    known = dict(df)  # before the batch counts in: keys no threaded article carries find nothing
    for u in units:  # the batch counts in its own frequencies, whatever else is there
        for k in set(unit_keys(u)):
            df[k] = df.get(k, 0) + 1
    idf = Idf(df, n_docs + len(units))
    times = [a.published for a in articles.values() if a.dated]
    window = timedelta(days=params.window_days)
    # an undated article (ingestion time only) may belong to any time: its candidates are not
    # bounded by time
    lo, hi = (
        (min(times) - window, max(times) + window)
        if len(times) == len(articles)
        else (datetime(1, 1, 1), datetime(9999, 1, 1))
    )
    partners = sorted({p for u in units for p in u.links} - set(articles))
    max_df = max(5, int(params.rare_entity_share * idf.n_docs))
    rare = [k for k in keys if 0 < known.get(k, 0) <= max_df]
    candidates = tk.candidate_threads(con, rare, partners, lo, hi)
    threads, owner_of = load_threads(con, candidates, lo, hi, partners, idf)
    # A copy joins its cluster's thread even when that thread is no candidate by keys or time
    # (another run published the cluster's first copy in another order): it takes part, with its
    # members unloaded.
    for unit in units:
        for thread_id in unit.threaded:
            threads.setdefault(thread_id, ThreadState(thread_id))
    first = tt.first_seen(con, sorted(threads))
    for thread_id, state in threads.items():
        if state.members:
            first.setdefault(thread_id, min(m.article.published for m in state.members))
    for unit in units:
        for thread_id in unit.threaded:
            first.setdefault(thread_id, unit.article.published)
    hashes = tt.content_hashes(con, [u.article.doc_id for u in units])
    taken = tt.existing_ids(
        con, ["t" + hashes.get(u.article.doc_id, u.article.doc_id)[:16] for u in units]
    )

    def new_id(article: Article) -> str:
        base = "t" + hashes.get(article.doc_id, article.doc_id)[:16]
        return (
            base
            if base not in taken
            else "t" + hashlib.sha256(article.doc_id.encode()).hexdigest()[:16]
        )

    out = assign(units, threads, first, idf, params, new_id, owner_of)
    features = [
        (u.article.doc_id, kind, k, w)
        for u in units
        for kind, weights in ((TERM, u.article.terms), (ENTITY, u.article.entities))
        for k, w in weights.items()
    ]
    features += [
        (u.article.doc_id, PLACE, u.article.place, 1.0)
        for u in units
        if u.article.place is not None
    ]
    published = {d: (articles[d].published, sources[d]) for d in out.assigned}
    tt.write_batch(
        con,
        batch_id,
        out.assigned,
        published,
        features,
        [(m.kept, m.merged, m.doc_id, m.reason) for m in out.merges],
    )
    merged = {m.merged for m in out.merges}
    tt.refresh_threads(
        con, sorted((touched | set(out.assigned.values()) | {m.kept for m in out.merges}) - merged)
    )
    return {
        "threads_opened": len(out.opened),
        "threads_joined": len(set(out.assigned.values()) - set(out.opened)),
        "threads_merged": len(out.merges),
        "thread_candidates": len(candidates),
    }


def load_threads(
    con: duckdb.DuckDBPyConnection,
    candidates: list[str],
    lo: datetime,
    hi: datetime,
    partners: list[str],
    idf: Idf,
) -> tuple[dict[str, ThreadState], dict[str, str]]:
    members: dict[tuple[str, str], Article] = {}
    rows = tk.thread_members(con, candidates, lo, hi, partners)
    for thread_id, doc_id, when, source, kind, feature, weight in rows:
        art = members.setdefault(
            (thread_id, doc_id), Article(doc_id, when, dated=source != INGESTED)
        )
        if kind == TERM:
            art.terms[int(feature)] = float(weight)
        elif kind == ENTITY:
            art.entities[int(feature)] = float(weight)
        else:
            art.place = int(feature)
    threads: dict[str, ThreadState] = {}
    for (thread_id, _), art in sorted(members.items()):
        threads.setdefault(thread_id, ThreadState(thread_id)).add(Scored.of(art, idf))
    return threads, {doc_id: thread_id for thread_id, doc_id in members}
