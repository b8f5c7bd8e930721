-- The biggest copy clusters with their canonical article's title and outlet. Bound: the number of clusters.
SELECT copy_cluster_id, title, source_name, n_copies + 1 AS size
FROM canonical_articles
WHERE n_copies > 0
ORDER BY size DESC, published_date NULLS LAST, copy_cluster_id
LIMIT ?;
