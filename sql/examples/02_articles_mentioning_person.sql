-- Canonical articles that mention a person, with the other people named in them.
SELECT a.title, a.published_date, list(DISTINCT o.name ORDER BY o.name) FILTER (WHERE o.name IS NOT NULL) AS also_named
FROM entities e
JOIN article_entities ae ON ae.entity_id = e.entity_id
JOIN canonical_articles a ON a.doc_id = ae.doc_id
LEFT JOIN article_entities ao ON ao.doc_id = ae.doc_id AND ao.entity_id <> e.entity_id
LEFT JOIN entities o ON o.entity_id = ao.entity_id AND o.label = 'PERSON'
WHERE e.name = 'Ines Varga' AND e.label = 'PERSON'
GROUP BY ALL
ORDER BY a.published_date;
