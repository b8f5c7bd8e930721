#!/usr/bin/env bash
# Debian's PostgreSQL server for the DuckLake tests (tests/pgserver.py starts a throwaway cluster from its
# binaries in a temp dir; nothing here starts or configures a system service). Idempotent; needs root or sudo.
set -euo pipefail
have_server() {
    command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if have_server && getent passwd postgres >/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do  # a mirror hiccup should not fail the whole test run
    if $SUDO apt-get update -qq && \
       $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; then
        ls -d /usr/lib/postgresql/*/bin
        exit 0
    fi
    echo "apt-get failed (attempt $attempt), retrying" >&2
    sleep $((attempt * 10))
done
exit 1
