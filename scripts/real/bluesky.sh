#!/usr/bin/env bash
# The AT Protocol's own server for tests/real/test_bluesky.py: @atproto/pds and @did-plc/server from
# npm, at the versions scripts/real/bluesky/package-lock.json pins, installed (never started: the tests
# start it, see scripts/real/bluesky/start.mjs) into $REFRAIN_REAL_SERVICES/bluesky, and bluesky.json
# written there to say where. An install that matches the lock file is kept from one run to the next.
#   scripts/real/bluesky.sh setup
# Needs Node >= 18.7 with npm, and what node-gyp builds better-sqlite3 with (make, g++, python3, the
# Node headers): installed from Debian when missing and run as root. npm reaches only its registry:
# better-sqlite3's prebuilt binary cannot be downloaded, so it is compiled (about a minute).
set -euo pipefail
here=$(cd "$(dirname "$0")/bluesky" && pwd)
root=${REFRAIN_REAL_SERVICES:-/tmp/refrain-real}
target=$root/bluesky

case "${1:-setup}" in
setup) ;;
*) echo "usage: $0 setup" >&2; exit 2 ;;
esac

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "bluesky: missing ${missing[*]}; install them (or run this as root)" >&2
        exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$target"
cp "$here/package.json" "$here/package-lock.json" "$here/start.mjs" "$target/"
stamp=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)
started=$(date +%s)
if [ "$(cat "$target/node_modules/.refrain-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "bluesky: the PDS is already installed in $target (same lock file)"
else
    # Node's headers for node-gyp: the system's (Debian's and NodeSource's packages ship them), since
    # node-gyp's own download would leave the registry
    for headers in /usr /usr/local; do
        if [ -f "$headers/include/node/node_api.h" ]; then
            export npm_config_nodedir=$headers
            break
        fi
    done
    (cd "$target" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$stamp" >"$target/node_modules/.refrain-stamp"
    echo "bluesky: installed in $(( $(date +%s) - started )) s, $(du -sh "$target/node_modules" | cut -f1) of node_modules"
fi
# the native module is the part that can fail to load (built for another Node): fail here, not in a test
(cd "$target" && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()")

python3 - "$root/bluesky.json" "$target" "$(command -v node)" <<'PY'
import json, sys
path, target, node = sys.argv[1:]
json.dump({"node": node, "start": f"{target}/start.mjs", "folder": target}, open(path, "w"), indent=2)
PY
echo "bluesky: wrote $root/bluesky.json"
