-- The latest batches: what each brought in (view batch_accounting) and how many of its articles are copies of a
-- story already in the corpus or in the batch. Bound: the number of batches.
SELECT b.batch_id, b.first_ingested_at, ba.n_documents + ba.n_quarantined_inputs AS n_records,
       ba.n_articles,
       (SELECT count(*) FROM copies c JOIN articles a USING (doc_id)
        WHERE a.batch_id = b.batch_id AND NOT c.is_canonical) AS n_copies,
       ba.n_quarantined_inputs + ba.n_quarantined_articles AS n_quarantined,
       (SELECT count(DISTINCT ae.entity_id) FROM article_entities ae WHERE ae.batch_id = b.batch_id) AS n_entities
FROM batches b JOIN batch_accounting ba USING (batch_id)
ORDER BY b.first_ingested_at DESC NULLS LAST, b.batch_id
LIMIT ?;
