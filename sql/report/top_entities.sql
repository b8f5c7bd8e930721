-- The entities of the given labels named in the most stories (canonical articles, so a story copied ten times counts
-- once), with the latest story naming each. Bound: the labels, the number of entities.
SELECT e.entity_id, e.name, e.label, count(DISTINCT ae.doc_id) AS n_articles,
       arg_max(a.doc_id, (a.published_date, a.doc_id)) AS latest_doc_id,
       arg_max(a.title, (a.published_date, a.doc_id)) AS latest_title
FROM article_entities ae
JOIN copies c ON c.doc_id = ae.doc_id AND c.is_canonical
JOIN articles a ON a.doc_id = ae.doc_id
JOIN entities e ON e.entity_id = ae.entity_id
WHERE e.label IN (SELECT unnest(?::VARCHAR[]))
GROUP BY e.entity_id, e.name, e.label
ORDER BY n_articles DESC, e.name, e.entity_id
LIMIT ?;
