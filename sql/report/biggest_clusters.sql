-- The biggest copy clusters: the canonical article's title, the story's outlet (view story_outlets, the rule every
-- view uses) and every outlet that carried a copy, earliest first. Bound: the number of clusters.
SELECT k.copy_cluster_id, k.title, k.outlet, k.n_copies + 1 AS size,
       (SELECT string_agg(coalesce(a.source_name, '(unknown outlet)'), '; '
                          ORDER BY a.published_date NULLS LAST, a.doc_id)
        FROM copies c JOIN articles a USING (doc_id)
        WHERE c.copy_cluster_id = k.copy_cluster_id AND NOT c.is_canonical) AS copied_by,
       k.doc_id
FROM canonical_articles k
WHERE k.n_copies > 0
ORDER BY size DESC, k.published_date NULLS LAST, k.copy_cluster_id
LIMIT ?;
