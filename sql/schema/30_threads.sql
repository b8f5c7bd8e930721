-- Story threads (newsdesk.threads). Applied after 20_entities.sql; every statement is idempotent. Written in the
-- transaction that publishes a batch, so readers see a batch's articles and their threads together.

CREATE TABLE IF NOT EXISTS threads (
    thread_id       VARCHAR NOT NULL,  -- from the content hash of the article that opened it; never changes
    label           VARCHAR,           -- title of the first report
    first_seen      TIMESTAMP NOT NULL,
    last_seen       TIMESTAMP NOT NULL,
    n_articles      INTEGER NOT NULL,
    n_outlets       INTEGER NOT NULL,
    n_copies        INTEGER NOT NULL,
    top_entities    VARCHAR[] NOT NULL
);

-- Every published article in exactly one thread.
CREATE TABLE IF NOT EXISTS thread_articles (
    thread_id       VARCHAR NOT NULL,
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,  -- first_report | copy | follow_up
    hours_since_first DOUBLE NOT NULL,
    published_at    TIMESTAMP NOT NULL, -- parsed from document_contents.published (hour kept), else the date
    time_source     VARCHAR NOT NULL   -- published | date | ingested: where published_at came from
);

-- A merge: thread merged_id joined thread_id when a bridging article (or a copy) arrived; merged_id is gone.
CREATE TABLE IF NOT EXISTS thread_merges (
    thread_id       VARCHAR NOT NULL,
    merged_id       VARCHAR NOT NULL,
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL   -- bridge | copy
);

-- What threading compared (internal): weighted keys of each threaded article that is not a copy.
CREATE TABLE IF NOT EXISTS thread_features (
    doc_id          VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,  -- t (title/lead word) | e (entity) | p (dateline place)
    feature         BIGINT NOT NULL,
    weight          DOUBLE NOT NULL,
    published_at    TIMESTAMP          -- the article's thread_articles.published_at (NULL: written before it)
);
ALTER TABLE thread_features ADD COLUMN IF NOT EXISTS published_at TIMESTAMP;

-- Threading's document frequencies (internal): a key's count is the sum of its rows, kept per batch.
CREATE TABLE IF NOT EXISTS thread_key_counts (
    feature         BIGINT NOT NULL,
    n_articles      BIGINT NOT NULL
);
-- Counted once from thread_features in a database threaded before this table existed.
INSERT INTO thread_key_counts
SELECT feature, count(*) FROM thread_features
WHERE NOT EXISTS (SELECT 1 FROM thread_key_counts)
GROUP BY feature;
