-- Entity tables. Applied after 10_dedup.sql; every statement is idempotent.

CREATE TABLE IF NOT EXISTS entity_mentions (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    start_char      INTEGER NOT NULL,  -- offsets into articles.body
    end_char        INTEGER NOT NULL,
    text            VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,  -- PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    entity_id       VARCHAR NOT NULL
);

-- One row per entity per article: how prominent the entity is there.
CREATE TABLE IF NOT EXISTS article_entities (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    entity_id       VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,  -- the full name this article uses for the entity
    n_mentions      INTEGER NOT NULL,
    in_title        BOOLEAN NOT NULL,
    first_char      INTEGER NOT NULL   -- offset of the first mention in the body
);
ALTER TABLE article_entities ADD COLUMN IF NOT EXISTS salience DOUBLE;  -- 0..1: title, mentions, position
ALTER TABLE article_entities ADD COLUMN IF NOT EXISTS is_about BOOLEAN; -- the article is about it, not just naming it

CREATE TABLE IF NOT EXISTS entities (
    entity_id       VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,
    n_articles      INTEGER NOT NULL,
    aliases         VARCHAR[] NOT NULL
);
ALTER TABLE entities ADD COLUMN IF NOT EXISTS ref_id VARCHAR;  -- iso:XX (countries), geonames:N (cities, states)
ALTER TABLE article_entities ADD COLUMN IF NOT EXISTS ref_id VARCHAR;
-- The id the article alone gave the name, before corpus-level aliases (entity_aliases) were applied.
ALTER TABLE entity_mentions ADD COLUMN IF NOT EXISTS local_id VARCHAR;
ALTER TABLE article_entities ADD COLUMN IF NOT EXISTS local_id VARCHAR;

-- Evidence seen inside one article that two names are one entity ("NATO" spelled out as "North Atlantic Treaty
-- Organization" in the same article).
CREATE TABLE IF NOT EXISTS entity_evidence (
    doc_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    alias_id        VARCHAR NOT NULL,  -- the id the short form has on its own (a bare "NATO")
    entity_id       VARCHAR NOT NULL,  -- the id of the full name
    rule            VARCHAR NOT NULL
);

-- Corpus-level aliases derived from all evidence: an alias whose evidence points to exactly one entity joins it
-- (an acronym two organisations share, like AMA, joins neither).
CREATE TABLE IF NOT EXISTS entity_aliases (
    alias_id        VARCHAR NOT NULL,
    entity_id       VARCHAR NOT NULL,
    rule            VARCHAR NOT NULL,
    n_articles      INTEGER NOT NULL
);
-- The label this article settled on for the entity, and whether it rests on strong evidence there (a corporate
-- suffix or ticker, a team slot in a results line, a dateline, reference data, a full person name): the views
-- from which the corpus-level label in `entities` is decided (newsdesk.entities.corpus_labels).
ALTER TABLE article_entities ADD COLUMN IF NOT EXISTS label VARCHAR;
ALTER TABLE article_entities ADD COLUMN IF NOT EXISTS strong_label BOOLEAN;
