"""Copy clusters from verified copy pairs, anchored on a canonical article instead of long chains.

Canonical rule (the article a reader would call the original), in order:
1. an outlet another member names in its reprint note ("originally published by X") — the attributed
   original;
2. the earliest publication date (unknown dates last);
3. not itself marked as a reprint;
4. the most complete text (most words);
5. the smallest doc_id, so the choice never depends on processing order.
Every other article joins the cluster of the first canonical it is *directly* verified as a copy of
(verified on demand when no stored pair says so); an article linked only through a chain of copies
starts a cluster of its own. A cluster is a function of its copy component alone, so processing
order cannot change it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from newsdesk.records import ArticleInfo, CopyRow


def _norm(name: str | None) -> str:
    return " ".join((name or "").lower().split())


def canonical_order(infos: Iterable[ArticleInfo]) -> list[ArticleInfo]:
    """Articles sorted from the best canonical candidate to the worst (see the module docstring)."""
    infos = list(infos)
    attributed = {_norm(i.syndicated_from) for i in infos if i.syndicated_from}
    return sorted(
        infos,
        key=lambda i: (
            _norm(i.source_name) not in attributed or not i.source_name,
            i.published_date is None,
            i.published_date or date.max,
            i.syndicated_from is not None,
            -i.n_words,
            i.doc_id,
        ),
    )


def connected_components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    adjacency: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        adjacency[node]
    for a, b in edges:
        adjacency[a].add(b)
        adjacency[b].add(a)
    seen: set[str] = set()
    components = []
    for start in sorted(adjacency):
        if start in seen:
            continue
        stack, component = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            component.append(node)
            for nxt in adjacency[node] - seen:
                seen.add(nxt)
                stack.append(nxt)
        components.append(sorted(component))
    return components


def cluster_component(
    infos: Iterable[ArticleInfo], copy_of: Callable[[str, str], float | None]
) -> list[CopyRow]:
    """Assign every article of one copy component to exactly one cluster.

    The best remaining canonical candidate founds a cluster; every remaining article that
    `copy_of(canonical, article)` verifies directly (returning its similarity, else None) joins it;
    the rest start over. A chain a~b~c therefore never puts a and c together unless c is itself a
    copy of a.
    """
    rows: list[CopyRow] = []
    remaining = canonical_order(infos)
    while remaining:
        canon, rest = remaining[0], []
        members = [(canon, 1.0)]
        for other in remaining[1:]:
            similarity = copy_of(canon.doc_id, other.doc_id)
            if similarity is None:
                rest.append(other)
            else:
                members.append((other, round(similarity, 4)))
        cluster_id = stable_id([info for info, _ in members])
        rows.extend(
            CopyRow(info.doc_id, cluster_id, info is canon, similarity)
            for info, similarity in members
        )
        remaining = rest
    return rows


def stable_id(members: list[ArticleInfo]) -> str:
    """A cluster's id: the doc_id of its earliest published member (unknown dates last; ties: the
    smallest doc_id, itself a hash of batch, file and record key).

    Only what the articles say decides it, never when they were ingested: a serial build and
    concurrent runs of the same corpus name every cluster alike. Unlike the canonical (which prefers
    an attributed original, then completeness), it moves only when a member published earlier
    joins."""
    return min(
        members, key=lambda i: (i.published_date is None, i.published_date or date.max, i.doc_id)
    ).doc_id
