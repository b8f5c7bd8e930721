-- What the cleaner removed, by kind, and what could not be processed at all.
SELECT kind, n_segments, n_articles, n_words FROM boilerplate_by_kind ORDER BY n_words DESC;
