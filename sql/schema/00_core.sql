-- newsdesk tables. Applied once per process (Store.ensure_schema), inside a transaction; every statement is
-- idempotent. One row per thing; batch_id on every per-batch table so a batch is replaced with delete+insert.
-- No PRIMARY KEY / UNIQUE constraints: DuckLake has none, and the writers keep keys unique themselves (each
-- transaction deletes the keys it is about to insert). Databases made before keep theirs; nothing relies on them.

CREATE TABLE IF NOT EXISTS batches (
    batch_id        VARCHAR NOT NULL,
    landing_path    VARCHAR,
    n_files         INTEGER,
    n_records       INTEGER,   -- documents + quarantined inputs
    n_documents     INTEGER,
    n_quarantined   INTEGER,
    first_ingested_at TIMESTAMP
);

-- Every readable input record (one article). doc_id is deterministic: hash of batch, file and record key.
CREATE TABLE IF NOT EXISTS documents (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    source_path     VARCHAR NOT NULL,  -- relative to the batch directory
    external_id     VARCHAR,           -- the JSON `id`, the WARC record id, or the file name
    format          VARCHAR NOT NULL,  -- txt | html | jsonl | json | warc
    content_type    VARCHAR NOT NULL,  -- text | html
    sha256          VARCHAR NOT NULL,  -- of the record's raw bytes
    n_bytes         BIGINT NOT NULL,
    encoding        VARCHAR,
    ingested_at     TIMESTAMP NOT NULL -- first time this record was ingested; a re-run keeps it
);

-- The decoded input of each document and the metadata its record carried, so later stages can re-run
-- without the landing directory. Keyed by (doc_id, sha256): a batch run in progress adds the contents of its new
-- inputs beside those the published documents were read from; publishing the batch drops the unused ones.
CREATE TABLE IF NOT EXISTS document_contents (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    content         VARCHAR NOT NULL,
    url             VARCHAR,
    title           VARCHAR,
    published       VARCHAR,
    source          VARCHAR
);
ALTER TABLE document_contents ADD COLUMN IF NOT EXISTS sha256 VARCHAR;

-- Inputs that did not become articles, with a reason code and a sentence for a person. Nothing is dropped
-- silently: every input record is in documents or here (stage = ingest), and every document is in
-- articles or here (stage = clean).
CREATE TABLE IF NOT EXISTS quarantine (
    batch_id        VARCHAR NOT NULL,
    source_path     VARCHAR NOT NULL,
    external_id     VARCHAR,
    doc_id          VARCHAR,
    stage           VARCHAR NOT NULL,  -- ingest | clean
    reason          VARCHAR NOT NULL,
    detail          VARCHAR NOT NULL,
    n_bytes         BIGINT,
    sha256          VARCHAR
);

CREATE TABLE IF NOT EXISTS articles (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    title           VARCHAR,
    published_date  DATE,
    author          VARCHAR,
    source_name     VARCHAR,   -- the outlet that published this copy
    syndicated_from VARCHAR,   -- the outlet named in a reprint note ("originally published by ...")
    url             VARCHAR,
    language        VARCHAR,   -- ISO 639-1; non-English articles are kept but get no entities
    body            VARCHAR NOT NULL,
    n_words         INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS boilerplate_segments (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    position        INTEGER NOT NULL,  -- block index in the input
    kind            VARCHAR NOT NULL,  -- promo, subscription, author_bio, related_link, caption, reprint_note,
                                       -- navigation, headline, dateline, duplicate, comment, noise, other
    reason          VARCHAR NOT NULL,
    text            VARCHAR NOT NULL
);
-- Words in each removed piece, counted by the same definition as articles.n_words (newsdesk.text.count_words), so
-- the share of words removed divides like by like. Rows written before the column existed are counted once here.
ALTER TABLE boilerplate_segments ADD COLUMN IF NOT EXISTS n_words INTEGER;
UPDATE boilerplate_segments SET n_words = len(regexp_extract_all(text, '[\pL\pN_]+')) WHERE n_words IS NULL;

-- The _SUCCESS file a batch's published run processed (the landing sensor does not run it again for it).
ALTER TABLE batches ADD COLUMN IF NOT EXISTS marker_mtime_ns BIGINT;
-- A quarantined duplicate names the document it duplicates: when that document goes, the duplicate comes back.
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR;
-- Batches that must be processed again (a document they duplicated went away); the landing sensor runs them.
CREATE TABLE IF NOT EXISTS batch_requests (
    batch_id        VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,
    requested_at    TIMESTAMP NOT NULL
);
