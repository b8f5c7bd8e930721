-- People and organisations named together most often (each story counted once).
SELECT name_a, name_b, n_articles FROM entity_cooccurrence ORDER BY n_articles DESC, name_a, name_b LIMIT 20;
