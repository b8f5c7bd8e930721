"""Corpus-level aliases: apply what articles showed ("NATO" = "North Atlantic Treaty Organization") to every
article, in the database, so the result does not depend on the order in which batches arrive."""

from __future__ import annotations

import duckdb


def refresh_aliases(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Rebuild `entity_aliases` from all evidence; return the alias ids whose target changed (or appeared or went)."""
    before = dict(con.execute("SELECT alias_id, entity_id FROM entity_aliases").fetchall())
    rows = con.execute(
        """SELECT alias_id, min(entity_id), min(rule), count(DISTINCT doc_id) FROM entity_evidence
           WHERE alias_id <> entity_id GROUP BY alias_id HAVING count(DISTINCT entity_id) = 1""").fetchall()
    after = {alias: target for alias, target, _, _ in rows}
    con.execute("DELETE FROM entity_aliases")
    if rows:
        con.executemany("INSERT INTO entity_aliases VALUES (?, ?, ?, ?)", rows)
    return {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}


def apply_aliases(con: duckdb.DuckDBPyConnection, batch_id: str, changed: set[str]) -> set[str]:
    """Point the batch's rows, and every row of a changed alias, at their canonical id. Returns the canonical ids
    that gained or lost rows (their `entities` rows need recomputing)."""
    changed_list = sorted(changed)
    touched = {r[0] for r in con.execute(
        "SELECT DISTINCT entity_id FROM article_entities WHERE local_id IN (SELECT unnest(?::VARCHAR[]))",
        [changed_list]).fetchall()}
    for table in ("entity_mentions", "article_entities"):
        con.execute(
            f"""UPDATE {table} t SET entity_id = coalesce(a.entity_id, t.local_id)
                FROM (SELECT t2.local_id, al.entity_id FROM (SELECT DISTINCT local_id FROM {table}
                        WHERE batch_id = ? OR local_id IN (SELECT unnest(?::VARCHAR[]))) t2
                      LEFT JOIN entity_aliases al ON al.alias_id = t2.local_id) a
                WHERE t.local_id = a.local_id""",
            [batch_id, changed_list])
    touched |= {r[0] for r in con.execute(
        """SELECT DISTINCT entity_id FROM article_entities
           WHERE batch_id = ? OR local_id IN (SELECT unnest(?::VARCHAR[]))""", [batch_id, changed_list]).fetchall()}
    return touched
