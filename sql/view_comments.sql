-- The data dictionary of the views (see sql/schema/90_comments.sql for the tables). Applied after sql/views.sql:
-- CREATE OR REPLACE VIEW drops a view's comments, so they are set again each time the views are.

COMMENT ON VIEW story_outlets IS 'One row per story (copy cluster): who published it, the one rule every view, newsdesk summary and the report use: the outlet a reprint note in the cluster names, else the canonical article''s source_name.';
COMMENT ON COLUMN story_outlets.copy_cluster_id IS 'The copy cluster (copies.copy_cluster_id).';
COMMENT ON COLUMN story_outlets.canonical_doc_id IS 'The canonical article of the cluster (articles.doc_id).';
COMMENT ON COLUMN story_outlets.outlet IS 'The story''s outlet: the syndicated_from of the canonical, else the one most copies name, else the canonical''s source_name; NULL when none is known.';
COMMENT ON COLUMN story_outlets.outlet_from IS 'Where outlet comes from: reprint note (articles.syndicated_from), metadata (articles.source_name), or NULL.';

COMMENT ON VIEW canonical_articles IS 'One row per story as first published: the canonical article of each copy cluster, every articles column plus its cluster and copy count.';
COMMENT ON COLUMN canonical_articles.doc_id IS 'The canonical article (articles.doc_id).';
COMMENT ON COLUMN canonical_articles.batch_id IS 'The batch (batches.batch_id) of the article.';
COMMENT ON COLUMN canonical_articles.title IS 'Headline (articles.title).';
COMMENT ON COLUMN canonical_articles.published_date IS 'Publication date (articles.published_date).';
COMMENT ON COLUMN canonical_articles.author IS 'Byline author (articles.author).';
COMMENT ON COLUMN canonical_articles.source_name IS 'Outlet its metadata names (articles.source_name); the story''s outlet is column outlet.';
COMMENT ON COLUMN canonical_articles.syndicated_from IS 'Outlet named in a reprint note (articles.syndicated_from).';
COMMENT ON COLUMN canonical_articles.url IS 'URL (articles.url).';
COMMENT ON COLUMN canonical_articles.language IS 'ISO 639-1 code (articles.language).';
COMMENT ON COLUMN canonical_articles.body IS 'Cleaned text (articles.body).';
COMMENT ON COLUMN canonical_articles.n_words IS 'Words in body (articles.n_words).';
COMMENT ON COLUMN canonical_articles.copy_cluster_id IS 'The copy cluster (copies.copy_cluster_id).';
COMMENT ON COLUMN canonical_articles.n_copies IS 'Other articles in the cluster: 0 when the story was published once.';
COMMENT ON COLUMN canonical_articles.outlet IS 'The story''s outlet (story_outlets.outlet): a reprint note''s outlet, else source_name.';

COMMENT ON VIEW syndication IS 'One row per syndicated copy: which outlet republished whose story, and how closely.';
COMMENT ON COLUMN syndication.canonical_doc_id IS 'The canonical article of the cluster (articles.doc_id).';
COMMENT ON COLUMN syndication.copy_cluster_id IS 'The copy cluster (copies.copy_cluster_id).';
COMMENT ON COLUMN syndication.original_outlet IS 'The story''s outlet (story_outlets.outlet): the outlet a reprint note in the cluster names, else the canonical''s source_name.';
COMMENT ON COLUMN syndication.original_title IS 'Title of the canonical article.';
COMMENT ON COLUMN syndication.doc_id IS 'The copy (articles.doc_id).';
COMMENT ON COLUMN syndication.outlet IS 'Outlet that published the copy (its source_name).';
COMMENT ON COLUMN syndication.title IS 'Title of the copy.';
COMMENT ON COLUMN syndication.published_date IS 'Publication date of the copy.';
COMMENT ON COLUMN syndication.similarity IS 'Containment (0 to 1) of the copy against the canonical (copies.similarity).';

COMMENT ON VIEW outlets IS 'One row per outlet: how many articles it published, original or copied, and when. A canonical article counts for its story''s outlet (story_outlets.outlet), a copy for its source_name; (unknown) when none.';
COMMENT ON COLUMN outlets.outlet IS 'Outlet name, or (unknown) for articles without one.';
COMMENT ON COLUMN outlets.n_articles IS 'Its articles, copies included.';
COMMENT ON COLUMN outlets.n_original IS 'Its articles that are canonical in their copy cluster.';
COMMENT ON COLUMN outlets.n_copies IS 'Its articles that are copies of another outlet''s (or its own) canonical article.';
COMMENT ON COLUMN outlets.first_published IS 'Earliest published_date of its articles.';
COMMENT ON COLUMN outlets.last_published IS 'Latest published_date of its articles.';

COMMENT ON VIEW boilerplate_by_kind IS 'One row per kind of removed text (boilerplate_segments.kind): how much the cleaner removed.';
COMMENT ON COLUMN boilerplate_by_kind.kind IS 'Kind of removed piece (boilerplate_segments.kind).';
COMMENT ON COLUMN boilerplate_by_kind.n_segments IS 'Pieces removed.';
COMMENT ON COLUMN boilerplate_by_kind.n_articles IS 'Articles that had at least one such piece.';
COMMENT ON COLUMN boilerplate_by_kind.n_words IS 'Words removed (compare with the sum of articles.n_words).';

COMMENT ON VIEW entity_cooccurrence IS 'One row per pair of entities named in the same canonical article (each story counted once), entity_a < entity_b.';
COMMENT ON COLUMN entity_cooccurrence.entity_a IS 'One entity (entities.entity_id); the smaller id.';
COMMENT ON COLUMN entity_cooccurrence.name_a IS 'Its name (entities.name).';
COMMENT ON COLUMN entity_cooccurrence.entity_b IS 'The other entity (entities.entity_id); the larger id.';
COMMENT ON COLUMN entity_cooccurrence.name_b IS 'Its name (entities.name).';
COMMENT ON COLUMN entity_cooccurrence.n_articles IS 'Canonical articles naming both.';

COMMENT ON VIEW entity_mentions_by_month IS 'One row per entity per month of publication: how many stories named it (canonical articles only, so each story counts once).';
COMMENT ON COLUMN entity_mentions_by_month.entity_id IS 'The entity (entities.entity_id).';
COMMENT ON COLUMN entity_mentions_by_month.name IS 'Its name (entities.name).';
COMMENT ON COLUMN entity_mentions_by_month.label IS 'Its label (entities.label).';
COMMENT ON COLUMN entity_mentions_by_month.month IS 'First day of the month of published_date; NULL for articles without a date.';
COMMENT ON COLUMN entity_mentions_by_month.n_articles IS 'Canonical articles that month naming it.';
COMMENT ON COLUMN entity_mentions_by_month.n_mentions IS 'Its mentions in those articles.';

COMMENT ON VIEW batch_accounting IS 'One row per batch: what became of its input records, the reconciliation an operator checks (documents + quarantined inputs = records read; articles + quarantined articles = documents).';
COMMENT ON COLUMN batch_accounting.batch_id IS 'The batch (batches.batch_id).';
COMMENT ON COLUMN batch_accounting.n_documents IS 'Rows of documents.';
COMMENT ON COLUMN batch_accounting.n_quarantined_inputs IS 'Rows of quarantine with stage ingest.';
COMMENT ON COLUMN batch_accounting.n_articles IS 'Rows of articles.';
COMMENT ON COLUMN batch_accounting.n_quarantined_articles IS 'Rows of quarantine with stage clean.';

COMMENT ON VIEW thread_timeline IS 'One row per article of each story thread, for reading a thread in publication order (ORDER BY thread_id, published_at).';
COMMENT ON COLUMN thread_timeline.thread_id IS 'The thread (threads.thread_id).';
COMMENT ON COLUMN thread_timeline.label IS 'The thread''s label (threads.label).';
COMMENT ON COLUMN thread_timeline.published_at IS 'Publication time used for threading (thread_articles.published_at).';
COMMENT ON COLUMN thread_timeline.hours_since_first IS 'Hours since the thread''s first article.';
COMMENT ON COLUMN thread_timeline.role IS 'first_report, copy or follow_up (thread_articles.role).';
COMMENT ON COLUMN thread_timeline.outlet IS 'Outlet of the article: for a story''s canonical article the story''s outlet (story_outlets.outlet), else articles.source_name; (unknown) when none.';
COMMENT ON COLUMN thread_timeline.title IS 'Title of the article.';
COMMENT ON COLUMN thread_timeline.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN thread_timeline.copy_of IS 'For a copy: the canonical article it copies (articles.doc_id); NULL otherwise.';

COMMENT ON VIEW outlet_syndication IS 'One row per pair of outlets where the second republished stories of the first (from copies): who copies whom, how often, how fast.';
COMMENT ON COLUMN outlet_syndication.original_outlet IS 'The story''s outlet (story_outlets.outlet: a reprint note in the cluster, else the canonical''s source_name; (unknown) when none).';
COMMENT ON COLUMN outlet_syndication.copying_outlet IS 'Outlet of the syndicated copy ((unknown) when none).';
COMMENT ON COLUMN outlet_syndication.n_copies IS 'Copies it published of the original outlet''s stories.';
COMMENT ON COLUMN outlet_syndication.n_stories IS 'Distinct copy clusters (stories) those copies belong to.';
COMMENT ON COLUMN outlet_syndication.median_delay_hours IS 'Median hours from the canonical''s publication to the copy''s (thread_articles.published_at; negative when the copy carries an earlier time).';

COMMENT ON VIEW top_threads_by_week IS 'The ten largest story threads of each week, by articles published that week (copies included).';
COMMENT ON COLUMN top_threads_by_week.week IS 'Monday of the week (of thread_articles.published_at).';
COMMENT ON COLUMN top_threads_by_week.rank IS '1 for the thread with most articles that week (ties: thread_id).';
COMMENT ON COLUMN top_threads_by_week.thread_id IS 'The thread (threads.thread_id).';
COMMENT ON COLUMN top_threads_by_week.label IS 'The thread''s label (threads.label).';
COMMENT ON COLUMN top_threads_by_week.n_articles IS 'Its articles published that week.';
COMMENT ON COLUMN top_threads_by_week.n_outlets IS 'Distinct outlets among them.';
