-- What did not become an article, per stage and reason, with the records each stage saw (ingest: input records;
-- clean: readable documents).
SELECT q.stage, q.reason, count(*) AS n,
       CASE q.stage WHEN 'ingest' THEN (SELECT count(*) FROM documents) + (SELECT count(*) FROM quarantine
                                                                        WHERE stage = 'ingest')
                    ELSE (SELECT count(*) FROM documents) END AS n_seen
FROM quarantine q
GROUP BY q.stage, q.reason
ORDER BY CASE q.stage WHEN 'ingest' THEN 0 WHEN 'clean' THEN 1 ELSE 2 END, n DESC, q.reason;
