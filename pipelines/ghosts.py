"""`partitions`: list the batch partitions that have no landing folder and no data (ghosts: a typo
in the UI's "Add a partition", or a batch whose folder and rows are both gone), and with --prune
delete them from the instance. Their run history stays; only the grey partition goes."""

from __future__ import annotations

from typing import Any


def ghost_report(instance: Any, prune: bool) -> list[str]:
    """The ghost partitions, each printed as one line; deleted when `prune`. Checked against the
    database (not the snapshot), so a batch whose run is under way is never one."""
    from assets.partitions import BATCHES, ghost_partitions
    from assets.resources import NewsdeskSettings
    from newsdesk.store.batches import stored_batches

    resource = NewsdeskSettings()
    settings = resource.resolve()
    store = resource.store()
    with store.read() as con:
        stored = stored_batches(con)
    ghosts = ghost_partitions(
        instance.get_dynamic_partitions(BATCHES), settings.landing_dir, stored
    )
    for key in ghosts:
        if prune:
            instance.delete_dynamic_partition(BATCHES, key)
        print(
            f"{'deleted' if prune else 'ghost'} partition {key!r}: no folder "
            f"{settings.landing_dir / key}, no rows in the database"
        )
    if not ghosts:
        print(
            f"no ghost partitions (every partition has a folder in {settings.landing_dir} or rows "
            f"in {store.describe()})"
        )
    elif not prune:
        print(
            f"{len(ghosts)} ghost partition{'s' if len(ghosts) != 1 else ''}: run again with "
            "--prune to delete them (their run history stays)"
        )
    return ghosts
