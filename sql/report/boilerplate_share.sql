-- Words removed per boilerplate kind, as a share of all input words of the kept articles (their article text plus
-- everything removed from them).
WITH removed AS (SELECT kind, n_segments, n_words FROM boilerplate_by_kind),
     total AS (SELECT (SELECT coalesce(sum(n_words), 0) FROM articles)
                      + (SELECT coalesce(sum(n_words), 0) FROM removed) AS n_input_words)
SELECT kind, n_segments, n_words, n_input_words,
       n_words / nullif(n_input_words, 0) AS share
FROM removed, total
ORDER BY n_words DESC, kind;
