-- Pairs of the given entities named in the same stories (canonical articles), with the number of stories they share
-- and the latest of them. Bound: the entity ids. The numbers are the view entity_cooccurrence's (a test holds them
-- equal); the view pairs every entity of every story before anything can filter it (12 s on 200k articles), this
-- query pairs only these.
WITH named AS (
    SELECT ae.doc_id, ae.entity_id
    FROM article_entities ae
    JOIN copies c ON c.doc_id = ae.doc_id AND c.is_canonical
    WHERE ae.entity_id IN (SELECT unnest(?::VARCHAR[]))
)
SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(DISTINCT a.doc_id) AS n_articles,
       arg_max(x.title, (x.published_date, x.doc_id)) AS latest_title
FROM named a
JOIN named b ON a.doc_id = b.doc_id AND a.entity_id < b.entity_id
JOIN articles x ON x.doc_id = a.doc_id
GROUP BY ALL
ORDER BY n_articles DESC, entity_a, entity_b;
