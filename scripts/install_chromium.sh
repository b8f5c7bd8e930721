#!/usr/bin/env bash
# Debian's Chromium for the live-UI test (headless screenshot of the asset graph). Nothing downloads a browser
# at test time; this installs the distribution package once. Needs root or sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do  # a mirror hiccup should not fail the whole test run
    if $SUDO apt-get update -qq && \
       $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; then
        chromium --version
        exit 0
    fi
    echo "apt-get failed (attempt $attempt), retrying" >&2
    sleep $((attempt * 10))
done
exit 1
