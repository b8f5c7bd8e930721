"""Corpus-level spelling variants of person names: "Xi Jingping" (one article) joins "Xi Jinping" (many).

Guarded three ways, because two real people can be one letter apart: the names differ by one edit in a surname
of five letters or more, the rare spelling is rare and the common one clearly more common, and the two share at
least two other entities named alongside them while never appearing in the same article.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb

MAX_RARE_ARTICLES = 3
MIN_SHARED_CONTEXT = 2


def one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1 (written out: a library for one comparison is not worth a dependency)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def close_spelling(a: str, b: str) -> bool:
    wa, wb = a.casefold().split(), b.casefold().split()
    if len(wa) < 2 or len(wa) != len(wb) or wa[:-1] != wb[:-1]:
        return False
    return min(len(wa[-1]), len(wb[-1])) >= 5 and one_edit_apart(wa[-1], wb[-1])


def find_spelling_evidence(con: duckdb.DuckDBPyConnection, batch_id: str) -> list[tuple[str, str, str]]:
    """(doc_id, alias_id, entity_id) for rare person spellings that should join a common one; one side of each
    pair is named in this batch."""
    people = con.execute(
        """SELECT ae.local_id, any_value(ae.name), count(DISTINCT ae.doc_id), bool_or(ae.batch_id = ?)
           FROM article_entities ae
           WHERE ae.local_id IN (SELECT DISTINCT local_id FROM entity_mentions WHERE label = 'PERSON')
             AND split_part(lower(ae.name), ' ', 1) IN (
                 SELECT DISTINCT split_part(lower(name), ' ', 1) FROM article_entities WHERE batch_id = ?)
           GROUP BY ae.local_id""", [batch_id, batch_id]).fetchall()
    blocks: dict[tuple[str, ...], list[tuple[str, str, int, bool]]] = defaultdict(list)
    for local_id, name, n_articles, in_batch in people:
        words = name.casefold().split()
        if len(words) >= 2:
            blocks[(*words[:-1], str(len(words)))].append((local_id, name, n_articles, in_batch))
    pairs = []
    for members in blocks.values():
        for rare in members:
            if rare[2] > MAX_RARE_ARTICLES:
                continue
            for common in members:
                if (common[0] != rare[0] and (rare[3] or common[3]) and common[2] >= 2 * rare[2]
                        and close_spelling(rare[1], common[1])):
                    pairs.append((rare[0], common[0]))
    return [row for rare, common in pairs for row in _guarded(con, rare, common)]


def _guarded(con: duckdb.DuckDBPyConnection, rare: str, common: str) -> list[tuple[str, str, str]]:
    together, shared = con.execute(
        """WITH r AS (SELECT DISTINCT doc_id FROM article_entities WHERE local_id = ?),
                c AS (SELECT DISTINCT doc_id FROM article_entities WHERE local_id = ?)
           SELECT (SELECT count(*) FROM r JOIN c USING (doc_id)),
                  (SELECT count(*) FROM (
                      SELECT DISTINCT entity_id FROM article_entities
                      WHERE doc_id IN (SELECT doc_id FROM r) AND local_id NOT IN (?, ?)
                      INTERSECT
                      SELECT DISTINCT entity_id FROM article_entities
                      WHERE doc_id IN (SELECT doc_id FROM c) AND local_id NOT IN (?, ?)))""",
        [rare, common, rare, common, rare, common]).fetchone()
    if together or shared < MIN_SHARED_CONTEXT:
        return []
    docs = con.execute("SELECT DISTINCT doc_id FROM article_entities WHERE local_id = ? ORDER BY 1", [rare]).fetchall()
    return [(doc_id, rare, common) for (doc_id,) in docs]
