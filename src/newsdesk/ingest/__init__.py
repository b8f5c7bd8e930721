"""Ingestion: batch files on disk to RawDocument records, or QuarantineItem rows with a reason."""
