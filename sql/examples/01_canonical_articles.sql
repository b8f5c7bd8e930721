-- Stories as first published, with how many outlets republished them.
SELECT title, outlet, published_date, n_copies, n_words
FROM canonical_articles
ORDER BY n_copies DESC, published_date NULLS LAST, title
LIMIT 20;
