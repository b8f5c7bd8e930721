-- The entities named in the most stories (canonical articles, so a story copied ten times counts once).
-- Bound: the number of entities.
SELECT e.entity_id, e.name, e.label, count(DISTINCT ae.doc_id) AS n_articles
FROM article_entities ae
JOIN copies c ON c.doc_id = ae.doc_id AND c.is_canonical
JOIN entities e ON e.entity_id = ae.entity_id
GROUP BY ALL
ORDER BY n_articles DESC, e.name, e.entity_id
LIMIT ?;
