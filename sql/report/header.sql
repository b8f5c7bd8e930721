-- The report's header: what the corpus holds as of the snapshot.
SELECT (SELECT count(*) FROM batches) AS n_batches,
       (SELECT max(first_ingested_at) FROM batches) AS last_batch_ingested_at,
       (SELECT count(*) FROM articles) AS n_articles,
       (SELECT count(*) FROM copies WHERE is_canonical) AS n_stories,
       (SELECT min(published_date) FROM articles) AS first_published,
       (SELECT max(published_date) FROM articles) AS last_published,
       (SELECT count(*) FROM articles WHERE published_date IS NULL) AS n_undated,
       (SELECT count(*) FROM quarantine) AS n_quarantined;
