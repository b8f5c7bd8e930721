-- Views for analysts. CREATE OR REPLACE: applied after sql/schema/*.sql on every writer connection.

-- Who published a story: ONE rule, used by every view below, the summary and the report. First the outlet a reprint
-- note in the cluster names (articles.syndicated_from: "originally published by ..." is the publisher's own word, the
-- canonical's note before its copies', then the most named), then the canonical's metadata (its source_name).
CREATE OR REPLACE VIEW story_outlets AS
WITH notes AS (
    SELECT c.copy_cluster_id, a.syndicated_from AS outlet, bool_or(c.is_canonical) AS on_canonical, count(*) AS n
    FROM copies c JOIN articles a USING (doc_id)
    WHERE a.syndicated_from IS NOT NULL
    GROUP BY ALL),
note AS (
    SELECT copy_cluster_id, arg_min(outlet, (NOT on_canonical, -n, outlet)) AS outlet
    FROM notes GROUP BY ALL)
SELECT k.copy_cluster_id, k.doc_id AS canonical_doc_id,
       coalesce(note.outlet, a.source_name) AS outlet,
       CASE WHEN note.outlet IS NOT NULL THEN 'reprint note'
            WHEN a.source_name IS NOT NULL THEN 'metadata' END AS outlet_from
FROM copies k
JOIN articles a USING (doc_id)
LEFT JOIN note USING (copy_cluster_id)
WHERE k.is_canonical;

-- One row per story as published first: the canonical article of each copy cluster, with its copy count and the
-- story's outlet (view story_outlets).
CREATE OR REPLACE VIEW canonical_articles AS
SELECT a.*, c.copy_cluster_id, s.n_copies, o.outlet
FROM articles a
JOIN copies c USING (doc_id)
JOIN (SELECT copy_cluster_id, count(*) - 1 AS n_copies FROM copies GROUP BY copy_cluster_id) s USING (copy_cluster_id)
JOIN story_outlets o USING (copy_cluster_id)
WHERE c.is_canonical;

-- Which outlets republished whose stories; the original outlet is the story's (view story_outlets).
CREATE OR REPLACE VIEW syndication AS
SELECT c.copy_cluster_id, canon.doc_id AS canonical_doc_id, o.outlet AS original_outlet,
       canon.title AS original_title, copy.doc_id, copy.source_name AS outlet, copy.title, copy.published_date,
       c.similarity
FROM copies c
JOIN story_outlets o USING (copy_cluster_id)
JOIN articles copy ON copy.doc_id = c.doc_id
JOIN articles canon ON canon.doc_id = o.canonical_doc_id
WHERE NOT c.is_canonical;

-- A canonical article counts for its story's outlet (view story_outlets), a copy for its own source_name.
CREATE OR REPLACE VIEW outlets AS
SELECT coalesce(CASE WHEN c.is_canonical THEN o.outlet ELSE a.source_name END, '(unknown)') AS outlet,
       count(*) AS n_articles,
       count(*) FILTER (WHERE c.is_canonical) AS n_original,
       count(*) FILTER (WHERE NOT c.is_canonical) AS n_copies,
       min(a.published_date) AS first_published,
       max(a.published_date) AS last_published
FROM articles a LEFT JOIN copies c USING (doc_id) LEFT JOIN story_outlets o ON o.canonical_doc_id = a.doc_id
GROUP BY 1;

CREATE OR REPLACE VIEW boilerplate_by_kind AS
SELECT kind, count(*) AS n_segments, count(DISTINCT doc_id) AS n_articles,
       -- n_words is written by the cleaner (newsdesk.text.count_words); a row written without it is counted here
       sum(coalesce(n_words, len(regexp_extract_all(text, '[\pL\pN_]+'))))::BIGINT AS n_words
FROM boilerplate_segments
GROUP BY kind;

-- Entity pairs named in the same canonical article.
CREATE OR REPLACE VIEW entity_cooccurrence AS
SELECT ea.entity_id AS entity_a, a.name AS name_a, eb.entity_id AS entity_b, b.name AS name_b,
       count(DISTINCT ea.doc_id) AS n_articles
FROM article_entities ea
JOIN article_entities eb ON ea.doc_id = eb.doc_id AND ea.entity_id < eb.entity_id
JOIN copies c ON c.doc_id = ea.doc_id AND c.is_canonical
JOIN entities a ON a.entity_id = ea.entity_id
JOIN entities b ON b.entity_id = eb.entity_id
GROUP BY ALL;

-- Mentions per entity per month, counting each story once (canonical articles only).
CREATE OR REPLACE VIEW entity_mentions_by_month AS
SELECT e.entity_id, e.name, e.label, date_trunc('month', a.published_date)::DATE AS month,
       count(DISTINCT ae.doc_id) AS n_articles, sum(ae.n_mentions)::BIGINT AS n_mentions
FROM article_entities ae
JOIN copies c ON c.doc_id = ae.doc_id AND c.is_canonical
JOIN articles a ON a.doc_id = ae.doc_id
JOIN entities e ON e.entity_id = ae.entity_id
GROUP BY ALL;

-- Every input record and what became of it: the reconciliation an operator checks per batch.
CREATE OR REPLACE VIEW batch_accounting AS
SELECT b.batch_id,
       (SELECT count(*) FROM documents d WHERE d.batch_id = b.batch_id) AS n_documents,
       (SELECT count(*) FROM quarantine q WHERE q.batch_id = b.batch_id AND q.stage = 'ingest') AS n_quarantined_inputs,
       (SELECT count(*) FROM articles a WHERE a.batch_id = b.batch_id) AS n_articles,
       (SELECT count(*) FROM quarantine q WHERE q.batch_id = b.batch_id AND q.stage = 'clean') AS n_quarantined_articles
FROM batches b;

-- Story threads, article by article in publication order (newsdesk thread prints this).
CREATE OR REPLACE VIEW thread_timeline AS
SELECT ta.thread_id, t.label, ta.published_at, ta.hours_since_first, ta.role,
       coalesce(CASE WHEN c.is_canonical THEN so.outlet END, a.source_name, '(unknown)') AS outlet, a.title,
       ta.doc_id, CASE WHEN ta.role = 'copy' THEN k.doc_id END AS copy_of
FROM thread_articles ta
JOIN threads t USING (thread_id)
JOIN articles a USING (doc_id)
LEFT JOIN copies c USING (doc_id)
LEFT JOIN copies k ON k.copy_cluster_id = c.copy_cluster_id AND k.is_canonical
LEFT JOIN story_outlets so ON so.copy_cluster_id = c.copy_cluster_id;

-- Who copies whom: outlet of the canonical article x outlet of each syndicated copy, from copies.
CREATE OR REPLACE VIEW outlet_syndication AS
SELECT coalesce(so.outlet, '(unknown)') AS original_outlet,
       coalesce(copy.source_name, '(unknown)') AS copying_outlet,
       count(*) AS n_copies,
       count(DISTINCT k.copy_cluster_id) AS n_stories,
       median(date_diff('second', tk.published_at, tc.published_at) / 3600.0) AS median_delay_hours
FROM copies c
JOIN copies k ON k.copy_cluster_id = c.copy_cluster_id AND k.is_canonical
JOIN articles copy ON copy.doc_id = c.doc_id
LEFT JOIN story_outlets so ON so.copy_cluster_id = c.copy_cluster_id
LEFT JOIN thread_articles tc ON tc.doc_id = c.doc_id
LEFT JOIN thread_articles tk ON tk.doc_id = k.doc_id
WHERE NOT c.is_canonical
GROUP BY ALL;

-- The ten largest threads of each week (by articles published that week, copies included).
CREATE OR REPLACE VIEW top_threads_by_week AS
SELECT week, rank, thread_id, label, n_articles, n_outlets
FROM (SELECT date_trunc('week', ta.published_at)::DATE AS week, ta.thread_id, any_value(t.label) AS label,
             count(*) AS n_articles, count(DISTINCT a.source_name) AS n_outlets,
             row_number() OVER (PARTITION BY date_trunc('week', ta.published_at)::DATE
                                ORDER BY count(*) DESC, ta.thread_id) AS rank
      FROM thread_articles ta JOIN threads t USING (thread_id) JOIN articles a USING (doc_id)
      GROUP BY 1, 2)
WHERE rank <= 10;
