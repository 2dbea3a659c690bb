#!/usr/bin/env bash
# CI's stage against the real services that ship as packages: Debian's WordPress (with MariaDB and
# Apache) and the AT Protocol's own server from npm. Each scripts/real/<service>.sh installs what it
# needs (apt-get as root, npm), starts the service and writes what the tests need to know into
# $REFRAIN_REAL_SERVICES/<service>.json; then tests/real runs against them.
#   scripts/real-services.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
export REFRAIN_REAL_SERVICES=${REFRAIN_REAL_SERVICES:-/tmp/refrain-real}
mkdir -p "$REFRAIN_REAL_SERVICES"
started=$(date +%s)
for service in scripts/real/*.sh; do
    echo "== setting up $(basename "$service" .sh)"
    bash "$service" setup
done
echo "== set up in $(( $(date +%s) - started )) s; the tests against the real services"
./test.sh tests/real -p no:cacheprovider "$@"
