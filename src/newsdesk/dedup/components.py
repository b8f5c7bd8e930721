"""Copy components around the articles a batch touched, and their clusters (canonical-anchored).

A component is grown from stored copy pairs plus the batch's new copy verdicts; each is then
clustered by `cluster_component`, which checks every member directly against the canonical article,
verifying on demand the pairs that were never candidates. Large components skip on-demand checks and
use stored pairs.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from newsdesk.config import DedupConfig
from newsdesk.dedup.cache import FeatureCache
from newsdesk.dedup.cluster import cluster_component, connected_components
from newsdesk.dedup.verify import COPY, PairVerdict, verify_pair
from newsdesk.records import CopyRow
from newsdesk.store import dedup_index as idx
from newsdesk.store.store import Connection

Pair = tuple[str, str]


def grow_components(
    con: Connection, seeds: set[str], new_copies: dict[Pair, float], config: DedupConfig
) -> tuple[list[list[str]], dict[Pair, float]]:
    """Connected components (through copy pairs) of the seeds and of their current cluster mates."""
    edges: dict[Pair, float] = dict(new_copies)
    adjacency: dict[str, set[str]] = defaultdict(set)
    for a, b in new_copies:
        adjacency[a].add(b)
        adjacency[b].add(a)
    start = seeds | idx.cluster_mates(con, seeds)
    seen, frontier = set(start), set(start)
    while frontier:
        for a, b, containment in idx.copy_edges(con, frontier):
            edges.setdefault((a, b), containment)
            adjacency[a].add(b)
            adjacency[b].add(a)
        frontier = {n for node in frontier for n in adjacency[node]} - seen
        seen |= frontier
    return connected_components(seen, edges), edges


def cluster_components(
    con: Connection,
    components: list[list[str]],
    edges: dict[Pair, float],
    verdicts: dict[Pair, PairVerdict],
    cache: FeatureCache,
    common: np.ndarray,
    config: DedupConfig,
) -> tuple[list[CopyRow], int]:
    """Cluster rows for every member of `components`, and how many pairs had to be verified on
    demand."""
    members = [d for comp in components for d in comp]
    # Only members of multi-article components are ever compared; a 100k batch is mostly singletons,
    # whose bodies would cost ~600 MB for nothing.
    small = {d for comp in components if 1 < len(comp) <= config.max_component for d in comp}
    infos = {i.doc_id: i for i in idx.fetch_infos(con, members)}
    features = cache.get(small, lambda ids: idx.fetch_bodies(con, ids))
    on_demand = 0

    def copy_of(canon: str, other: str) -> float | None:
        nonlocal on_demand
        key = (min(canon, other), max(canon, other))
        if key in edges:
            return edges[key]
        if key in verdicts or canon not in small or canon not in features or other not in features:
            return None  # verified and not a copy, or too large a component to verify every pair
        on_demand += 1
        verdict = verify_pair(features[key[0]], features[key[1]], config, common)
        verdicts[key] = verdict
        return verdict.containment if verdict.relation == COPY else None

    rows: list[CopyRow] = []
    for comp in components:
        known = [
            infos[d] for d in comp if d in infos
        ]  # an article deleted since its pairs were stored drops out
        rows.extend(cluster_component(known, copy_of))
    return rows, on_demand
