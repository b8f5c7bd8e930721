"""Every reason code the ingest stage writes to `quarantine.reason`, with what it means: one list,
which the data dictionary's comment on that column and a test check against (a new code without an
entry fails the test)."""

INGEST_REASONS = {
    "empty_file": "the file (or its only record) holds no visible text",
    "empty_record": "a record whose text field is blank",
    "binary_content": "bytes that are not text (an image, an archive)",
    "undecodable": "text in no encoding that fits its bytes",
    "invalid_json": "a JSON file or JSONL line that does not parse",
    "invalid_record": "a JSON value that is not an object",
    "invalid_field": "a record whose text field has a type that cannot be text",
    "no_content": "a record with neither a text nor an html field",
    "no_records": (
        "a file that holds no record at all (an empty array, a WARC of protocol records only)"
    ),
    "duplicate_id": "a record repeating an id used before in the same file",
    "duplicate_record": "byte-identical to a document already ingested (duplicate_of names it)",
    "invalid_warc": "not a WARC archive",
    "truncated_warc": "a WARC archive cut off (the records before the cut are documents)",
    "unsupported_warc_record": "a WARC record kind that carries no page",
    "unsupported_content_type": "a WARC response whose media type is not text, HTML or JSON",
    "warc_revisit": "a WARC revisit record (a pointer to a capture, not a page)",
    "http_status": "a WARC response with a non-2xx HTTP status (an error page)",
    "unsupported_content_encoding": (
        "a WARC response body compressed in a way the pipeline does not "
        "undo within a memory bound (br, or an unknown coding)"
    ),
    "corrupt_gzip": "not a valid gzip or deflate stream (a file, or a WARC response body)",
    "truncated_gzip": "a gzip stream cut off",
    "file_too_large": "over the size limit, or decompresses past it (never read or inflated whole)",
    "record_too_large": "one record over the size limit for an article, or its compressed body "
    "inflates past it",
    "file_changed_while_reading": "the file changed while it was read",
    "unreadable": "the file or folder cannot be read (permissions, a broken link, an I/O error)",
    "read_timeout": "reading the file took longer than the time limit (a hung mount)",
    "not_a_regular_file": "a FIFO, socket or device: never opened",
    "unsupported_format": "a file type the pipeline does not read",
    "symlink_outside_batch": "a symbolic link pointing outside the batch folder",
    "symlink_loop": "a symbolic link that never resolves or points to a folder containing it",
    "marker_file": (
        "a completion marker in a sub-folder "
        "(only the batch's own top-level markers are not inputs)"
    ),
    "hidden_file": "a hidden file (its name starts with a dot)",
    "hidden_folder": "a hidden folder (not opened)",
}
