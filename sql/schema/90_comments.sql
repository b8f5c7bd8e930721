-- The data dictionary: what every table and column holds, for an analyst. It is the single source of the README's
-- table list (scripts/data_dictionary.py) and of the Dagster asset column schemas (assets/dictionary.py); read it
-- back with duckdb_tables() / duckdb_columns(). Applied after the other schema files on every writer connection;
-- COMMENT ON only sets a value, so applying it again changes nothing. View comments are in sql/view_comments.sql
-- (views are re-created after this file, which drops their comments).

COMMENT ON TABLE batches IS 'One row per ingested batch (landing folder): its input counts. Rewritten each time the batch is ingested again.';
COMMENT ON COLUMN batches.batch_id IS 'The landing folder name; also the Dagster partition key.';
COMMENT ON COLUMN batches.landing_path IS 'Path of the batch folder when it was last ingested.';
COMMENT ON COLUMN batches.n_files IS 'Data files found in the folder (hidden files and _SUCCESS-style markers not counted).';
COMMENT ON COLUMN batches.n_records IS 'Input records read: n_documents + n_quarantined.';
COMMENT ON COLUMN batches.n_documents IS 'Records that became rows of documents.';
COMMENT ON COLUMN batches.n_quarantined IS 'Records (or whole files) quarantined at ingest, duplicates of other batches included.';
COMMENT ON COLUMN batches.first_ingested_at IS 'UTC time the batch was first ingested; a re-run keeps it.';

COMMENT ON TABLE documents IS 'One row per readable input record (one article as delivered: a file, a JSON line or object, a WARC record). Every input record is here or in quarantine with stage ingest.';
COMMENT ON COLUMN documents.doc_id IS 'Deterministic id (20 hex characters of a SHA-256 of batch, file and record key); the same id in every other table.';
COMMENT ON COLUMN documents.batch_id IS 'The batch (batches.batch_id) the record came in.';
COMMENT ON COLUMN documents.source_path IS 'File path relative to the batch folder.';
COMMENT ON COLUMN documents.external_id IS 'The record''s own id: the JSON id field, the WARC record id, else the file name.';
COMMENT ON COLUMN documents.format IS 'Input format: txt, html, jsonl, json or warc (a .gz file gets the format inside it).';
COMMENT ON COLUMN documents.content_type IS 'text or html: which cleaner the record goes through.';
COMMENT ON COLUMN documents.sha256 IS 'SHA-256 (hex) of the record''s raw bytes; a record byte-identical to one of another batch is quarantined as duplicate_record.';
COMMENT ON COLUMN documents.n_bytes IS 'Size of the record''s raw bytes.';
COMMENT ON COLUMN documents.encoding IS 'Text encoding the bytes were decoded with (utf-8, or the detected code page); NULL for records of a JSON or JSONL file.';
COMMENT ON COLUMN documents.ingested_at IS 'UTC time this record was first ingested; re-running the batch keeps it.';

COMMENT ON TABLE document_contents IS 'One row per document input (doc_id and sha256): its decoded text or HTML and the metadata fields its record carried, so later stages re-run without the landing folder. A run in progress adds the contents of changed inputs beside the published ones; publishing the batch drops those no document reads any more.';
COMMENT ON COLUMN document_contents.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN document_contents.batch_id IS 'The batch (batches.batch_id) the record came in.';
COMMENT ON COLUMN document_contents.content IS 'The decoded input: plain text or HTML, before boilerplate removal.';
COMMENT ON COLUMN document_contents.url IS 'URL given by the record (JSON url field, WARC target URI); NULL when none.';
COMMENT ON COLUMN document_contents.title IS 'Title given by the record (JSON title field); NULL when none.';
COMMENT ON COLUMN document_contents.published IS 'Publication date as the record gave it (JSON published or date field, WARC-Date), unparsed; articles.published_date is the parsed date.';
COMMENT ON COLUMN document_contents.source IS 'Outlet named by the record (JSON source field); it wins over the site name found in the page.';

COMMENT ON TABLE quarantine IS 'One row per input that did not become a row of the next table, with a reason code and a sentence. Nothing is dropped silently: each record is in documents or here (stage ingest), each document in articles or here (stage clean).';
COMMENT ON COLUMN quarantine.batch_id IS 'The batch (batches.batch_id) the input came in.';
COMMENT ON COLUMN quarantine.source_path IS 'File path relative to the batch folder (empty when a later stage failed on a document without one).';
COMMENT ON COLUMN quarantine.external_id IS 'The record''s id (documents.external_id), or its position (line:N) when ingest could not read the record; NULL for a problem with a whole file.';
COMMENT ON COLUMN quarantine.doc_id IS 'The document (documents.doc_id) for rows of stages after ingest and for duplicate_record; otherwise NULL.';
COMMENT ON COLUMN quarantine.stage IS 'Stage that quarantined it: ingest, clean, dedup or entities.';
COMMENT ON COLUMN quarantine.reason IS 'Reason code. At ingest: empty_file, empty_record, binary_content, undecodable, invalid_json, invalid_record, invalid_field, no_content, no_records, duplicate_id, duplicate_record, invalid_warc, truncated_warc, unsupported_warc_record, unsupported_content_type, warc_revisit, http_status, unsupported_content_encoding, corrupt_gzip, truncated_gzip, file_too_large, record_too_large, file_changed_while_reading, unreadable, read_timeout, not_a_regular_file, unsupported_format, symlink_outside_batch, symlink_loop, marker_file, hidden_file, hidden_folder (what each means: the ingest reasons module). At clean: no_article_text. At any stage: <stage>_error, <stage>_timeout, <stage>_crash, <stage>_oom (the program failed on this input, ran past its time limit, died, or ran out of memory on it; the rest of the batch went on).';
COMMENT ON COLUMN quarantine.detail IS 'What happened, in a sentence for a person (line numbers, limits, the error message).';
COMMENT ON COLUMN quarantine.n_bytes IS 'Size of the input in bytes, when known.';
COMMENT ON COLUMN quarantine.sha256 IS 'SHA-256 (hex) of the input''s raw bytes, when known.';

COMMENT ON TABLE articles IS 'One row per cleaned article: a document with its boilerplate removed and its metadata filled in. Syndicated copies are separate rows; see copies and the canonical_articles view.';
COMMENT ON COLUMN articles.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN articles.batch_id IS 'The batch (batches.batch_id) the article came in.';
COMMENT ON COLUMN articles.title IS 'Headline: the record''s title field, else the one found in the page or text.';
COMMENT ON COLUMN articles.published_date IS 'Publication date: the record''s date field, else a date found in the page or text; NULL when none.';
COMMENT ON COLUMN articles.author IS 'Byline author found in the page or text; NULL when none.';
COMMENT ON COLUMN articles.source_name IS 'Outlet that published this copy: the record''s source field, else the site name in the page.';
COMMENT ON COLUMN articles.syndicated_from IS 'Outlet named in a reprint note ("originally published by ..."); NULL when the article names none.';
COMMENT ON COLUMN articles.url IS 'URL of this copy, when the record or page gives one.';
COMMENT ON COLUMN articles.language IS 'ISO 639-1 code detected from the body (py3langid); NULL when too short to tell. Only English (or undetected) articles get entities.';
COMMENT ON COLUMN articles.body IS 'The article text after boilerplate removal; entity character offsets point into it.';
COMMENT ON COLUMN articles.n_words IS 'Words in body (letter/digit runs, the same count as boilerplate_segments.n_words).';

COMMENT ON TABLE boilerplate_segments IS 'One row per piece of text the cleaner removed from a document, with its kind and why.';
COMMENT ON COLUMN boilerplate_segments.doc_id IS 'The article (articles.doc_id) the piece was removed from.';
COMMENT ON COLUMN boilerplate_segments.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN boilerplate_segments.position IS 'Index of the block (paragraph or line) in the input, from 0.';
COMMENT ON COLUMN boilerplate_segments.kind IS 'What the piece is, one of: promo, subscription, author_bio, related_link, caption, reprint_note, navigation, headline, dateline, duplicate, comment, noise, other. headline is the title line (its text is articles.title); dateline covers date lines and bylines; duplicate is a paragraph repeated later in the body; noise is text no article holds (dividers of dots or dashes, character noise, link farms; its text is cut to the first 1000 characters).';
COMMENT ON COLUMN boilerplate_segments.reason IS 'Which rule or model removed it, in words (e.g. "promotional line", "page text outside the article").';
COMMENT ON COLUMN boilerplate_segments.text IS 'The removed text.';
COMMENT ON COLUMN boilerplate_segments.n_words IS 'Words in text, counted like articles.n_words, so removed and kept words add up.';

COMMENT ON TABLE dedup_docs IS 'Dedup index, one row per indexed article (internal: a cache of articles, rebuilt by re-materializing article_copies).';
COMMENT ON COLUMN dedup_docs.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN dedup_docs.doc_key IS '64-bit hash (xxh3) of doc_id that stands for the article in dedup_bands and dedup_fingerprints.';
COMMENT ON COLUMN dedup_docs.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN dedup_docs.n_tokens IS 'Words in the cleaned body as the dedup tokenizer counts them.';
COMMENT ON COLUMN dedup_docs.n_shingles IS 'Distinct 5-word shingles of the body (the MinHash input).';

COMMENT ON TABLE dedup_bands IS 'Dedup index (internal): one row per MinHash LSH band of an article; two articles sharing a band key are candidate copies.';
COMMENT ON COLUMN dedup_bands.band_key IS 'Hash of a band number and its 4 MinHash values (32 bands of a 128-value signature).';
COMMENT ON COLUMN dedup_bands.doc_key IS 'The article (dedup_docs.doc_key).';

COMMENT ON TABLE dedup_fingerprints IS 'Dedup index (internal): one row per winnowed fingerprint of word 8-grams of an article; shared fingerprints find partial copies and shared passages.';
COMMENT ON COLUMN dedup_fingerprints.fingerprint IS 'Hash of an 8-word passage, kept by winnowing.';
COMMENT ON COLUMN dedup_fingerprints.doc_key IS 'The article (dedup_docs.doc_key).';

COMMENT ON TABLE dedup_common IS 'Dedup index (internal): fingerprints found in too many articles to mean a copy (boilerplate or text syndicated everywhere); they make no candidates and no shared passages.';
COMMENT ON COLUMN dedup_common.fingerprint IS 'The fingerprint (dedup_fingerprints.fingerprint).';
COMMENT ON COLUMN dedup_common.n_docs IS 'Articles that contain it.';

COMMENT ON TABLE article_pairs IS 'One row per verified relation between two articles: copy (the same text, syndicated or trimmed) or story (different write-ups sharing verbatim passages).';
COMMENT ON COLUMN article_pairs.doc_id_a IS 'One article (articles.doc_id); always the smaller of the two ids.';
COMMENT ON COLUMN article_pairs.doc_id_b IS 'The other article (articles.doc_id); always the larger id.';
COMMENT ON COLUMN article_pairs.relation IS 'copy or story.';
COMMENT ON COLUMN article_pairs.containment IS 'Share (0 to 1) of the shorter body''s 5-word shingles found in the other, common boilerplate left out.';
COMMENT ON COLUMN article_pairs.jaccard IS 'Jaccard similarity (0 to 1) of the two bodies'' 5-word shingle sets.';
COMMENT ON COLUMN article_pairs.shared_words IS 'Words inside passages of 8 or more words that both bodies contain.';
COMMENT ON COLUMN article_pairs.n_passages IS 'Number of such shared passages.';

COMMENT ON TABLE copies IS 'One row per deduplicated article: the copy cluster it belongs to. Every article indexed for dedup is in exactly one cluster (alone if it has no copies).';
COMMENT ON COLUMN copies.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN copies.copy_cluster_id IS 'The cluster: the doc_id of its member ingested first (documents.ingested_at, ties: smallest doc_id). It stays put when later batches add copies; the canonical article is the row with is_canonical.';
COMMENT ON COLUMN copies.is_canonical IS 'True for the one article of the cluster treated as the original (see the README for the rule).';
COMMENT ON COLUMN copies.similarity IS 'Containment (0 to 1) of this article against the canonical; 1.0 for the canonical itself.';

COMMENT ON TABLE story_links IS 'One row per pair of different write-ups that share verbatim passages (wire quotes, statements) but are not copies; the story rows of article_pairs with the passages themselves.';
COMMENT ON COLUMN story_links.doc_id_a IS 'One article (articles.doc_id); the smaller id.';
COMMENT ON COLUMN story_links.doc_id_b IS 'The other article (articles.doc_id); the larger id.';
COMMENT ON COLUMN story_links.shared_words IS 'Words inside the shared passages.';
COMMENT ON COLUMN story_links.n_passages IS 'Number of shared passages.';
COMMENT ON COLUMN story_links.passages IS 'The shared passages as they read in doc_id_a.';
COMMENT ON COLUMN story_links.spans_a IS 'Character offsets [start, stop) of each passage in the body of doc_id_a, one per element of passages.';
COMMENT ON COLUMN story_links.spans_b IS 'Character offsets [start, stop) of each passage in the body of doc_id_b, one per element of passages.';

COMMENT ON TABLE entity_mentions IS 'One row per named-entity mention found by spaCy in an English article body.';
COMMENT ON COLUMN entity_mentions.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN entity_mentions.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN entity_mentions.start_char IS 'Character offset of the mention''s start in articles.body.';
COMMENT ON COLUMN entity_mentions.end_char IS 'Character offset just after the mention''s end in articles.body.';
COMMENT ON COLUMN entity_mentions.text IS 'The mention as written in the body.';
COMMENT ON COLUMN entity_mentions.label IS 'spaCy entity label: PERSON, ORG, GPE, LOC, NORP, EVENT, FAC, PRODUCT, ...';
COMMENT ON COLUMN entity_mentions.entity_id IS 'The canonical entity (entities.entity_id) after corpus-level aliases; join on this.';
COMMENT ON COLUMN entity_mentions.local_id IS 'The id this article alone gave the name, before corpus-level aliases (entity_aliases) were applied; equals entity_id unless an alias joined it to another entity.';

COMMENT ON TABLE article_entities IS 'One row per entity per article: how often and how prominently the article names it.';
COMMENT ON COLUMN article_entities.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN article_entities.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN article_entities.entity_id IS 'The canonical entity (entities.entity_id) after corpus-level aliases; join on this.';
COMMENT ON COLUMN article_entities.name IS 'The full name this article uses for the entity (surnames and short forms resolved within the article).';
COMMENT ON COLUMN article_entities.n_mentions IS 'Mentions of the entity in the body.';
COMMENT ON COLUMN article_entities.in_title IS 'True when the title names the entity.';
COMMENT ON COLUMN article_entities.first_char IS 'Character offset of the first mention in articles.body.';
COMMENT ON COLUMN article_entities.salience IS 'Prominence from 0 to 1: in the title 0.5, mentions up to 0.3 (saturating at 5), earliness up to 0.2.';
COMMENT ON COLUMN article_entities.is_about IS 'True when the article is about the entity, not just naming it: in the title, or named 3+ times with the first mention in the first quarter.';
COMMENT ON COLUMN article_entities.ref_id IS 'Reference id of a place: iso:XX for countries, geonames:N for cities and states; NULL otherwise.';
COMMENT ON COLUMN article_entities.local_id IS 'The id this article alone gave the name, before corpus-level aliases (entity_aliases) were applied; equals entity_id unless an alias joined it to another entity.';

COMMENT ON TABLE entities IS 'One row per canonical entity across the corpus, recomputed when its articles change.';
COMMENT ON COLUMN entities.entity_id IS 'Stable id: 16 hex characters of a SHA-1 of the entity class and its key (a reference id such as iso:RU, else the normalized name).';
COMMENT ON COLUMN entities.name IS 'The full name articles use most often.';
COMMENT ON COLUMN entities.label IS 'PERSON, ORG, GPE, ...: decided across articles, those with strong evidence first (article_entities.strong_label), then the number of articles, then mentions.';
COMMENT ON COLUMN entities.n_articles IS 'Articles naming it, syndicated copies included.';
COMMENT ON COLUMN entities.aliases IS 'Every distinct way the mentions write it, sorted.';
COMMENT ON COLUMN entities.ref_id IS 'Reference id of a place: iso:XX for countries, geonames:N for cities and states; NULL otherwise.';

COMMENT ON TABLE entity_evidence IS 'One row per piece of evidence, seen inside one article, that two names are one entity ("NATO" spelled out as "North Atlantic Treaty Organization").';
COMMENT ON COLUMN entity_evidence.doc_id IS 'The article (articles.doc_id) where the evidence was seen.';
COMMENT ON COLUMN entity_evidence.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN entity_evidence.alias_id IS 'The id the short or rare form has on its own (the local_id of a bare "NATO").';
COMMENT ON COLUMN entity_evidence.entity_id IS 'The id of the full name it stands for.';
COMMENT ON COLUMN entity_evidence.rule IS 'acronym (spelled out in the article) or spelling (a rare spelling of a person name sharing context with a common one).';

COMMENT ON TABLE entity_aliases IS 'One row per corpus-level alias derived from all evidence: an alias whose evidence points to exactly one entity joins it (an acronym two organisations share joins neither).';
COMMENT ON COLUMN entity_aliases.alias_id IS 'The local_id that is redirected.';
COMMENT ON COLUMN entity_aliases.entity_id IS 'The entity (entities.entity_id) it now counts as.';
COMMENT ON COLUMN entity_aliases.rule IS 'The evidence rule: acronym or spelling.';
COMMENT ON COLUMN entity_aliases.n_articles IS 'Articles whose evidence supports the alias.';

-- Columns and tables added with the store, pending batches and corpus-level entity labels.
COMMENT ON COLUMN batches.marker_mtime_ns IS 'Modification time (ns) of the _SUCCESS file the published run of the batch processed; the landing sensor does not run the batch again for the same file.';
COMMENT ON TABLE batch_requests IS 'Batches the pipeline asked to process again: a record they held as a duplicate lost its original when another batch was published. The landing sensor (and `python -m pipelines run`) runs them.';
COMMENT ON COLUMN batch_requests.batch_id IS 'The batch to process again.';
COMMENT ON COLUMN batch_requests.reason IS 'Why, as a sentence naming the batch whose publication released the duplicate.';
COMMENT ON COLUMN batch_requests.requested_at IS 'When (UTC) the request was made.';
COMMENT ON COLUMN quarantine.duplicate_of IS 'For reason duplicate_record: the doc_id of the document kept instead. When that document goes, the batch is asked to run again (batch_requests) and the record becomes a document.';
COMMENT ON COLUMN boilerplate_segments.n_words IS 'Words in the removed piece, counted like articles.n_words (newsdesk.text.count_words), so shares of words removed divide like by like.';
COMMENT ON COLUMN document_contents.sha256 IS 'SHA-256 of the raw bytes the content was decoded from (documents.sha256 of the document that reads it).';
COMMENT ON COLUMN article_entities.label IS 'The label this article settled on for the entity (PERSON, ORG, GPE, ...), before the corpus-level decision in entities.label.';
COMMENT ON COLUMN article_entities.strong_label IS 'True when the article gives strong evidence for that label (a corporate suffix or ticker, a team slot in a results line or table, a dateline, reference data, a full person name); entities.label weighs such articles first.';

-- Story threads (sql/schema/30_threads.sql, newsdesk.threads).
COMMENT ON TABLE threads IS 'One row per story thread: the articles about one real-world event (with their copies, follow-ups and reactions over the following days), grown batch by batch as batches are published.';
COMMENT ON COLUMN threads.thread_id IS 'Stable id: t + 16 hex characters of the SHA-256 of the raw record that opened the thread (documents.sha256). It never changes when later batches arrive; a thread merged into another keeps its id in thread_merges.merged_id.';
COMMENT ON COLUMN threads.label IS 'Title of the first report (the start of its body when it has no title).';
COMMENT ON COLUMN threads.first_seen IS 'Earliest thread_articles.published_at of its articles (UTC).';
COMMENT ON COLUMN threads.last_seen IS 'Latest thread_articles.published_at of its articles (UTC).';
COMMENT ON COLUMN threads.n_articles IS 'Articles in the thread, syndicated copies included.';
COMMENT ON COLUMN threads.n_outlets IS 'Distinct outlets (articles.source_name) among them.';
COMMENT ON COLUMN threads.n_copies IS 'Articles that are syndicated copies (thread_articles.role = copy).';
COMMENT ON COLUMN threads.top_entities IS 'Up to five entity names (entities.name) named by most of its original articles, most first.';

COMMENT ON TABLE thread_articles IS 'One row per published article: the thread it belongs to (every article is in exactly one thread, alone if nothing else is about its event).';
COMMENT ON COLUMN thread_articles.thread_id IS 'The thread (threads.thread_id).';
COMMENT ON COLUMN thread_articles.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN thread_articles.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN thread_articles.role IS 'first_report (the earliest original article of the thread), copy (a syndicated copy: copies.is_canonical is false) or follow_up (any other original article).';
COMMENT ON COLUMN thread_articles.hours_since_first IS 'Hours between the thread''s earliest article and this one (published_at).';
COMMENT ON COLUMN thread_articles.published_at IS 'Publication time (UTC) used for threading: the record''s published string with its hour when it parses, else noon of articles.published_date, else the ingestion time (see time_source).';
COMMENT ON COLUMN thread_articles.time_source IS 'Where published_at came from: published (the raw string), date (articles.published_date) or ingested (documents.ingested_at: the article gave no date, so its time says nothing about the event).';

COMMENT ON TABLE thread_merges IS 'One row per merge of two threads: an article arrived that belongs to both (a bridging follow-up, or a copy whose cluster spans both). The merged thread''s articles moved to the kept one.';
COMMENT ON COLUMN thread_merges.thread_id IS 'The thread kept (threads.thread_id): the one first seen earlier.';
COMMENT ON COLUMN thread_merges.merged_id IS 'The thread that merged into it; no longer in threads.';
COMMENT ON COLUMN thread_merges.doc_id IS 'The article (articles.doc_id) whose arrival merged them.';
COMMENT ON COLUMN thread_merges.batch_id IS 'The batch (batches.batch_id) that brought it.';
COMMENT ON COLUMN thread_merges.reason IS 'bridge (the article is close to both threads'' cores, which are close to each other) or copy (a copy cluster now spans both threads).';

COMMENT ON TABLE thread_features IS 'Threading index (internal): the weighted keys each original article was compared on; candidate threads are found by shared rare keys.';
COMMENT ON COLUMN thread_features.doc_id IS 'The article (articles.doc_id); syndicated copies have no rows (they follow their canonical).';
COMMENT ON COLUMN thread_features.kind IS 't (a word of the title or lead), e (a named entity) or p (the dateline place).';
COMMENT ON COLUMN thread_features.feature IS '64-bit hash (xxh3, signed) of the kind and the word stem, entity id or place.';
COMMENT ON COLUMN thread_features.weight IS 'Term frequency (title words weighted double) for t, salience for e, 1 for p; inverse document frequency is applied when comparing.';
COMMENT ON COLUMN thread_features.published_at IS 'The article''s thread_articles.published_at, so a time window reads only the row groups (data files) of its time; NULL for rows written before this column existed (always read).';
COMMENT ON TABLE thread_key_counts IS 'Threading index (internal): how many threaded articles carry each key (thread_features rows), kept as each batch is threaded instead of recounted; inverse document frequencies and rare keys come from it.';
COMMENT ON COLUMN thread_key_counts.feature IS 'The key (thread_features.feature).';
COMMENT ON COLUMN thread_key_counts.n_articles IS 'Articles carrying it; a key''s count is the sum of its rows (two runs publishing a new key at once each add a row).';
