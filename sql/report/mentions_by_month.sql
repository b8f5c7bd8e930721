-- Stories naming each of the given entities, per month of publication (month NULL: undated stories).
-- Bound: the entity ids.
-- The view's month is a DATE; the cast also reads a snapshot published before it was one (a TIMESTAMP then).
SELECT entity_id, CAST(month AS DATE) AS month, n_articles
FROM entity_mentions_by_month
WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY entity_id, month NULLS LAST;
