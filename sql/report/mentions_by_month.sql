-- Stories naming each of the given entities, per month of publication (month NULL: undated stories).
-- Bound: the entity ids.
SELECT entity_id, month, n_articles
FROM entity_mentions_by_month
WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY entity_id, month NULLS LAST;
