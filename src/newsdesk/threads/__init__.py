"""Story threads: the articles about one real-world event, across outlets and days, built batch by
batch.

`features` turns an article into weighted keys (title and lead words, entities, dateline place),
`model` scores an article against a thread, `assign` attaches a batch's articles to threads (or
opens and merges them), and `publish` runs that inside the transaction that publishes the batch (all
SQL in newsdesk.store.thread_tables).
"""
