#!/usr/bin/env bash
# Re-resolve requirements.in into requirements.lock (versions + hashes). Run after changing requirements.in.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
"$UV" pip compile requirements.in --python-version 3.11 --generate-hashes --index-url https://pypi.org/simple \
    --no-header -o requirements.lock
