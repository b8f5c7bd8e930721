-- The largest story threads (more than one article), with their outlets and first report as view
-- thread_timeline names them (the story_outlets rule). Bound: the number of threads.
WITH top AS (
    SELECT thread_id, label, n_articles, n_copies, first_seen
    FROM threads
    WHERE n_articles > 1
    ORDER BY n_articles DESC, first_seen, thread_id
    LIMIT ?
)
SELECT t.thread_id, t.label, t.n_articles, t.n_copies,
       count(DISTINCT tl.outlet) FILTER (WHERE tl.outlet <> '(unknown)') AS n_outlets,
       -- NULL when the first report is timed only by its ingestion (time_source = 'ingested')
       min(tl.published_at) FILTER (WHERE tl.role = 'first_report' AND ta.time_source <> 'ingested')
           AS first_report_at,
       arg_min(tl.outlet, (tl.role <> 'first_report', tl.published_at, tl.doc_id)) AS first_outlet
FROM top t
JOIN thread_timeline tl USING (thread_id)
JOIN thread_articles ta ON ta.doc_id = tl.doc_id
GROUP BY t.thread_id, t.label, t.n_articles, t.n_copies, t.first_seen
ORDER BY t.n_articles DESC, t.first_seen, t.thread_id;
