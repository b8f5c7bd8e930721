"""Storage: every SQL statement runs on a connection a `Store` hands out (see store.store)."""

from newsdesk.store.store import Connection, Published, Store, StoreError

__all__ = ["Connection", "Published", "Store", "StoreError"]
