-- Pairs of the given entities named in the same stories, with the number of stories they share.
-- Bound: the entity ids (twice).
SELECT entity_a, entity_b, n_articles
FROM entity_cooccurrence
WHERE entity_a IN (SELECT unnest(?::VARCHAR[])) AND entity_b IN (SELECT unnest(?::VARCHAR[]))
ORDER BY n_articles DESC, entity_a, entity_b;
