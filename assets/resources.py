"""The one resource: newsdesk's settings and store, resolved once per run (not when the code
location loads).

Its fields are generated from `newsdesk.config.ENVIRONMENT`, one per NEWSDESK_* variable, with the
same help text: each overrides that setting for a run in the launchpad; a field left empty takes the
environment variable, else the default. (Dagster's `EnvVar` is not used because these variables are
optional with defaults, and an unset `EnvVar` fails the launch.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field, PrivateAttr, create_model

from newsdesk.config import ENVIRONMENT, Settings, SettingsError, load_settings
from newsdesk.store.backends import open_store
from newsdesk.store.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _NewsdeskResource(dg.ConfigurableResource):
    """Where newsdesk reads batches and keeps its tables, and how its stages run."""

    _settings: Settings | None = PrivateAttr(default=None)
    _problem: SettingsError | None = PrivateAttr(default=None)
    _store: Store | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Resolve the settings once per run. A bad value is kept and raised by the first asset that
        asks, where it fails with its one line instead of a resource-initialisation traceback."""
        self._settings, self._problem, self._store = None, None, None
        try:
            self._settings = self.resolve_now()
        except SettingsError as exc:
            self._problem = exc

    def given(self) -> dict[str, str]:
        """The NEWSDESK_* values set on this resource's fields (launchpad, tests)."""
        values = {var.name: getattr(self, var.field) for var in ENVIRONMENT}
        return {name: str(value) for name, value in values.items() if value is not None}

    def resolve_now(self) -> Settings:
        """Defaults < environment < the fields set here. Raises SettingsError on a bad value."""
        return load_settings({**os.environ, **self.given()}, root=PROJECT_ROOT)

    def resolve(self) -> Settings:
        """The run's settings (resolved at setup; outside a run, now)."""
        if self._problem is not None:
            raise self._problem
        if self._settings is None:
            self._settings = self.resolve_now()
        return self._settings

    def store(self) -> Store:
        """The run's store, built once from its settings."""
        if self._store is None:
            self._store = open_store(self.resolve())
        return self._store


def _fields() -> dict[str, Any]:
    return {
        var.field: (
            var.kind | None,
            Field(default=None, description=f"{var.help[:1].upper()}{var.help[1:]} ({var.name})"),
        )
        for var in ENVIRONMENT
    }


if TYPE_CHECKING:
    NewsdeskSettings = _NewsdeskResource
else:
    NewsdeskSettings = create_model(
        "NewsdeskSettings", __base__=_NewsdeskResource, __module__=__name__, **_fields()
    )
