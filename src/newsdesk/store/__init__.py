"""DuckDB storage: short-lived connections, schema from sql/, per-batch delete+insert in one transaction."""

from newsdesk.store.db import connect, read_connection, write_transaction

__all__ = ["connect", "read_connection", "write_transaction"]
