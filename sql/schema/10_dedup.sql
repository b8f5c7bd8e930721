-- Deduplication tables. Applied after 00_core.sql; every statement is idempotent.

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
