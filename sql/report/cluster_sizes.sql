-- How many copy clusters have each size (articles in the cluster: the canonical and its copies).
SELECT n_copies + 1 AS size, count(*) AS n_clusters
FROM canonical_articles
GROUP BY ALL
ORDER BY size;
