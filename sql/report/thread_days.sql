-- The given threads' articles per day and outlet, originals and copies apart. Days count from the
-- day of the thread's earliest dated article; articles timed only by their ingestion
-- (time_source = 'ingested') say nothing about the event's days, so their day is NULL.
-- Bound: the thread ids.
WITH rows AS (
    SELECT tl.thread_id, tl.outlet, tl.role = 'copy' AS is_copy,
           CASE WHEN ta.time_source <> 'ingested' THEN tl.published_at::DATE END AS day
    FROM thread_timeline tl
    JOIN thread_articles ta USING (doc_id)
    WHERE tl.thread_id IN (SELECT unnest(?::VARCHAR[]))
)
SELECT thread_id,
       date_diff('day', min(day) OVER (PARTITION BY thread_id), day) AS day,
       outlet,
       count(*) FILTER (WHERE NOT is_copy) AS n_original,
       count(*) FILTER (WHERE is_copy) AS n_copies
FROM rows
GROUP BY thread_id, day, outlet
ORDER BY thread_id, day NULLS LAST, outlet;
