#!/usr/bin/env bash
# The wheel works on its own: built from this checkout, installed (not editable) in a fresh virtualenv,
# then run from an empty folder: `refrain init`, `refrain demo`, `refrain serve`; an owner made with
# `refrain user create` sets a password through the printed link, and every page answers them (the API
# a token from `refrain token create`).
# Run by .ci/run; by hand: scripts/check-wheel.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
server=0
"$PYTHON" -m venv "$work/venv"
pip() { "$work/venv/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither" >&2); }
pip install --quiet --upgrade pip wheel
pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
pip install --quiet "$work"/dist/refrain-*.whl
mkdir "$work/empty" && cd "$work/empty"
unset DATABASE_URL REDIS_URL REFRAIN_INSTANCE PYTHONPATH
export PYTHONPATH=  # the checkout must not be importable from here: only the installed wheel counts
"$work/venv/bin/refrain" init
plan=$("$work/venv/bin/refrain" demo --today 2031-05-10 | sed -n 's/^demo plan \([0-9]*\) loaded.*/\1/p')
port=$("$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/venv/bin/refrain" serve --port "$port" --workers 1 > "$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$base/static/refrain.css" 2>/dev/null && break; sleep 0.5; done
# the owner sets a password through the one-time link, as a person would (its CSRF token included)
link=$("$work/venv/bin/refrain" user create owner@example.com --role owner | tail -n 1)
link="$base/${link#http*://*/}"
jar="$work/cookies"
token=$(curl -fsS -c "$jar" -b "$jar" "$link" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "password=the wheel's own passphrase" "$link"
api_token=$("$work/venv/bin/refrain" token create owner@example.com --label check-wheel | tail -n 1)
failed=0
for page in / "/plans/$plan" "/plans/$plan/edit" "/plans/$plan/calendar?view=month&date=2031-05-01" \
            "/plans/$plan/calendar?view=week&date=2031-05-10" "/plans/$plan/posts" "/plans/$plan/report" \
            "/plans/$plan/evergreen" "/posts/new?plan_id=$plan&channel=twitter" /plans/new /library \
            /posts/1 /library/feeds /library/items/1 /library/media /media /library/metrics /style /style/new /style/1 \
            /style/1/edit /accounts /newsletter /newsletter/signup /tools/utm \
            /static/refrain.css /static/refrain.js /api/v1/channels "/api/v1/plans/$plan/compliance"; do
    status=$(curl -s -o "$work/page" -w '%{http_code}' -b "$jar" -H "Authorization: Bearer $api_token" "$base$page")
    if [ "$status" != 200 ]; then
        echo "check-wheel: $page answered $status" >&2
        failed=1
    fi
done
installed=$("$work/venv/bin/python" -c 'import scheduler, sys; print(scheduler.__file__)')
case "$installed" in
    "$work"/venv/*) ;;
    *) echo "check-wheel: scheduler was imported from $installed, not the wheel" >&2; failed=1 ;;
esac
if [ "$failed" = 0 ]; then
    echo "check-wheel: the wheel installs, and every page answers from an empty folder"
else
    tail -30 "$work/serve.log" >&2
fi
exit "$failed"
