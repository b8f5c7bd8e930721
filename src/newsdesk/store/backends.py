"""Which Store the settings ask for: the one place that knows both backends."""

from __future__ import annotations

from newsdesk.config import Settings, StoreSettings
from newsdesk.store.store import Store


def open_store(settings: Settings | StoreSettings) -> Store:
    """The embedded DuckDB file (default) or a DuckLake, as `settings.store.backend` says."""
    store_settings = settings.store if isinstance(settings, Settings) else settings
    if store_settings.backend == "ducklake":
        from newsdesk.store.lake_store import (
            LakeStore,
        )  # lazy: the postgres/ducklake extensions load only here

        return LakeStore(store_settings)
    return Store(store_settings)
