-- BM25 full-text search over titles and bodies (built by the article_search_index asset; needs `LOAD fts`,
-- which `newsdesk shell` does for you).
SELECT a.title, a.source_name, s.score
FROM (SELECT doc_id, fts_main_articles.match_bm25(doc_id, 'bridge repairs') AS score FROM articles) s
JOIN articles a USING (doc_id)
WHERE s.score IS NOT NULL
ORDER BY s.score DESC
LIMIT 10;
