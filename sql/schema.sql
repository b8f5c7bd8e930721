-- newsdesk tables. Applied on every writer connection; every statement is idempotent.
-- One row per thing; batch_id on every per-batch table so a batch is replaced with delete+insert.

CREATE TABLE IF NOT EXISTS batches (
    batch_id        VARCHAR PRIMARY KEY,
    landing_path    VARCHAR,
    n_files         INTEGER,
    n_records       INTEGER,   -- documents + quarantined inputs
    n_documents     INTEGER,
    n_quarantined   INTEGER,
    first_ingested_at TIMESTAMP
);

-- Every readable input record (one article). doc_id is deterministic: hash of batch, file and record key.
CREATE TABLE IF NOT EXISTS documents (
    doc_id          VARCHAR PRIMARY KEY,
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
-- without the landing directory.
CREATE TABLE IF NOT EXISTS document_contents (
    doc_id          VARCHAR PRIMARY KEY,
    batch_id        VARCHAR NOT NULL,
    content         VARCHAR NOT NULL,
    url             VARCHAR,
    title           VARCHAR,
    published       VARCHAR,
    source          VARCHAR
);

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
    doc_id          VARCHAR PRIMARY KEY,
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
                                       -- navigation, dateline, duplicate, comment, other
    reason          VARCHAR NOT NULL,
    text            VARCHAR NOT NULL
);

-- Dedup index: one MinHash signature per article and its LSH band keys, so a new batch is compared with the
-- whole corpus inside DuckDB.
CREATE TABLE IF NOT EXISTS article_signatures (
    doc_id          VARCHAR PRIMARY KEY,
    batch_id        VARCHAR NOT NULL,
    n_shingles      INTEGER NOT NULL,
    minhash         UINTEGER[] NOT NULL
);
CREATE TABLE IF NOT EXISTS lsh_bands (
    band_key        UBIGINT NOT NULL,  -- hash of (band number, band values)
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL
);
-- Winnowed fingerprints of word 8-grams: candidates for shared passages (story links).
CREATE TABLE IF NOT EXISTS passage_fingerprints (
    fingerprint     UBIGINT NOT NULL,
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL
);

-- Verified relations between two articles (doc_id_a < doc_id_b). relation = 'copy' or 'story'.
CREATE TABLE IF NOT EXISTS article_pairs (
    doc_id_a        VARCHAR NOT NULL,
    doc_id_b        VARCHAR NOT NULL,
    relation        VARCHAR NOT NULL,
    containment     DOUBLE NOT NULL,   -- share of the shorter body's shingles found in the other
    jaccard         DOUBLE NOT NULL,
    shared_words    INTEGER NOT NULL,  -- words inside shared passages of 8+ words
    n_passages      INTEGER NOT NULL,
    PRIMARY KEY (doc_id_a, doc_id_b)
);

-- Every article in exactly one copy cluster; the cluster id is the canonical article's doc_id.
CREATE TABLE IF NOT EXISTS copies (
    doc_id          VARCHAR PRIMARY KEY,
    copy_cluster_id VARCHAR NOT NULL,
    is_canonical    BOOLEAN NOT NULL,
    similarity      DOUBLE NOT NULL    -- containment against the canonical article (1.0 for the canonical)
);

-- Different write-ups that share verbatim passages (wire quotes, statements) but are not copies.
CREATE TABLE IF NOT EXISTS story_links (
    doc_id_a        VARCHAR NOT NULL,
    doc_id_b        VARCHAR NOT NULL,
    shared_words    INTEGER NOT NULL,
    n_passages      INTEGER NOT NULL,
    passages        VARCHAR[] NOT NULL, -- the shared passages, as they read in doc_id_a
    PRIMARY KEY (doc_id_a, doc_id_b)
);

CREATE TABLE IF NOT EXISTS entity_mentions (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    start_char      INTEGER NOT NULL,  -- offsets into articles.body
    end_char        INTEGER NOT NULL,
    text            VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,  -- PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    entity_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS article_entities (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    entity_id       VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,  -- the full name this article uses for the entity
    n_mentions      INTEGER NOT NULL,
    in_title        BOOLEAN NOT NULL,
    first_char      INTEGER NOT NULL,  -- offset of the first mention in the body
    PRIMARY KEY (doc_id, entity_id)
);

CREATE TABLE IF NOT EXISTS entities (
    entity_id       VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,
    n_articles      INTEGER NOT NULL,
    aliases         VARCHAR[] NOT NULL
);
