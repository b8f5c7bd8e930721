-- Inputs that did not become articles, with the reason.
SELECT batch_id, source_path, stage, reason, detail FROM quarantine ORDER BY batch_id, source_path;
