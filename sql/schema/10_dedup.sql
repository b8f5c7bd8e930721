-- Deduplication tables. Applied after 00_core.sql; every statement is idempotent.

-- The first index layout keyed its rows by VARCHAR doc_id and stored full MinHash arrays; at corpus scale that is
-- gigabytes of strings. The index is a cache of the articles table: re-materialize article_copies to rebuild it.
DROP TABLE IF EXISTS lsh_bands;
DROP TABLE IF EXISTS passage_fingerprints;
DROP TABLE IF EXISTS article_signatures;

-- Dedup index: one row per indexed article; doc_key (a 64-bit hash of doc_id) keys the large tables below.
CREATE TABLE IF NOT EXISTS dedup_docs (
    doc_id          VARCHAR NOT NULL,
    doc_key         UBIGINT NOT NULL,
    batch_id        VARCHAR NOT NULL,
    n_tokens        INTEGER NOT NULL,
    n_shingles      INTEGER NOT NULL
);
-- MinHash LSH band keys (32 bands x 4 rows of a 128-value rensa signature): a shared key makes a candidate.
CREATE TABLE IF NOT EXISTS dedup_bands (
    band_key        UBIGINT NOT NULL,  -- hash of (band number, band values)
    doc_key         UBIGINT NOT NULL
);
-- Winnowed fingerprints of word 8-grams: candidates for partial copies and shared passages (story links).
CREATE TABLE IF NOT EXISTS dedup_fingerprints (
    fingerprint     UBIGINT NOT NULL,
    doc_key         UBIGINT NOT NULL
);
-- Fingerprints found in more articles than DedupConfig.common_fingerprint_docs, with their exact article
-- count: boilerplate (or a text syndicated everywhere). They make no candidates and no shared passages.
CREATE TABLE IF NOT EXISTS dedup_common (
    fingerprint     UBIGINT NOT NULL,
    n_docs          INTEGER NOT NULL
);

-- Verified relations between two articles (doc_id_a < doc_id_b). relation = 'copy' or 'story'.
CREATE TABLE IF NOT EXISTS article_pairs (
    doc_id_a        VARCHAR NOT NULL,
    doc_id_b        VARCHAR NOT NULL,
    relation        VARCHAR NOT NULL,
    containment     DOUBLE NOT NULL,   -- share of the shorter body's shingles found in the other (boilerplate out)
    jaccard         DOUBLE NOT NULL,
    shared_words    INTEGER NOT NULL,  -- words inside shared passages of 8+ words
    n_passages      INTEGER NOT NULL
);

-- Every article in exactly one copy cluster. The cluster id is the doc_id of its member ingested first and stays
-- put when later batches add copies; `is_canonical` marks the original (see README) and may move.
CREATE TABLE IF NOT EXISTS copies (
    doc_id          VARCHAR NOT NULL,
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
    passages        VARCHAR[] NOT NULL  -- the shared passages, as they read in doc_id_a
);
-- Where each passage is: character offsets [start, stop) in each body, one entry per element of `passages`.
ALTER TABLE story_links ADD COLUMN IF NOT EXISTS spans_a STRUCT(start INTEGER, stop INTEGER)[];
ALTER TABLE story_links ADD COLUMN IF NOT EXISTS spans_b STRUCT(start INTEGER, stop INTEGER)[];
