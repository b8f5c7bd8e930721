-- Different write-ups that share verbatim passages, and the passages themselves.
SELECT a.title AS title_a, b.title AS title_b, l.shared_words, l.passages
FROM story_links l
JOIN articles a ON a.doc_id = l.doc_id_a
JOIN articles b ON b.doc_id = l.doc_id_b
ORDER BY l.shared_words DESC;
