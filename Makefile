# The README's commands. `make demo` and `make test` set everything up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
export DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: setup chromium postgres demo test test-fast lint ui clean-data

$(VENV)/.installed: requirements.lock requirements-pip.lock requirements-models.lock pyproject.toml scripts/setup.sh
	VENV=$(VENV) scripts/setup.sh
	touch $@

setup: $(VENV)/.installed

chromium:  ## Debian's Chromium, for the live-UI test's screenshot
	scripts/install_chromium.sh

postgres:  ## Debian's PostgreSQL binaries, for the DuckLake tests (they start their own server in a temp dir)
	scripts/install_postgres.sh

demo: setup  ## process the bundled sample batch into data/newsdesk.duckdb and print what it produced
	$(PY) -m pipelines demo

test: setup chromium postgres lint  ## the whole test suite (what CI runs: .ci/run)
	NEWSDESK_REQUIRE_POSTGRES=1 $(PY) -m pytest -n 2 --dist loadgroup --durations=25

test-fast: setup  ## the edit-test loop (about a minute): everything but real pipeline runs, servers and browsers
	$(PY) -m pytest -m "not slow and not live" -q

lint:  ## ruff and mypy, pinned in requirements.lock
	$(VENV)/bin/ruff check src pipelines assets tests benchmarks scripts examples
	$(VENV)/bin/mypy

# `dg dev` (dagster-dg-cli) serves dg projects; this is a classic workspace, so `dagster dev -w workspace.yaml` it is,
# without its notice that `dg dev` supersedes it (`newsdesk ui` runs it, after refusing a temporary DAGSTER_HOME).
ui: setup  ## the Dagster UI on http://127.0.0.1:3000 with the sensor, schedule and run history
	$(VENV)/bin/newsdesk ui

clean-data:  ## forget all processed data and run history (keeps dagster_home/dagster.yaml)
	rm -rf data/newsdesk*.duckdb data/newsdesk*.leases data/.staging dagster_home/storage dagster_home/history dagster_home/logs dagster_home/schedules
