"""Ingestion: batch files on disk to RawDocument records, or QuarantineItem rows with a reason.

walk (the reader's listing) -> fileread (bounded, regular files only) -> formats (dispatch; decode,
sniff, jsonrec, warc) -> batch (documents, duplicates, rows for files that yield nothing) -> stage
(the DuckDB write). inventory is the accounting check's own listing, independent of walk.
"""
