#!/usr/bin/env bash
# Run a command beside a private PostgreSQL cluster and a private redis-server (Debian's packages),
# with REFRAIN_TEST_DATABASE_URL and REFRAIN_TEST_REDIS_URL pointing at them; both are stopped
# and removed afterwards. CI runs the test suite through it:  scripts/with-services.sh ./test.sh
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$PG_BIN" ] || ! command -v redis-server >/dev/null; then
    echo "needs Debian's postgresql and redis-server: apt-get install -y postgresql redis-server" >&2
    exit 1
fi
HERE=$(mktemp -d /tmp/refrain-services.XXXXXX)
as_postgres() {  # initdb refuses to run as root
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_services() {
    as_postgres "$PG_BIN/pg_ctl" -D "$HERE/pgdata" -m immediate stop >/dev/null 2>&1 || true
    if [ -f "$HERE/redis.pid" ]; then
        redis_pid=$(cat "$HERE/redis.pid")
        kill "$redis_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$HERE" 2>/dev/null || true
}
trap stop_services EXIT
[ "$(id -u)" = 0 ] && chown postgres "$HERE"
as_postgres "$PG_BIN/initdb" -D "$HERE/pgdata" -A trust -U postgres >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$HERE/pgdata" -l "$HERE/postgres.log" -w \
    -o "-c listen_addresses='' -k $HERE -p 5432 -c fsync=off -c full_page_writes=off" start >/dev/null
"$PG_BIN/psql" -h "$HERE" -U postgres -qc "CREATE DATABASE refrain_test"
redis-server --port 0 --unixsocket "$HERE/redis.sock" --unixsocketperm 777 --save "" --appendonly no \
    --dir "$HERE" --pidfile "$HERE/redis.pid" --logfile "$HERE/redis.log" --daemonize yes
for _ in $(seq 50); do [ -S "$HERE/redis.sock" ] && break; sleep 0.1; done
export REFRAIN_TEST_DATABASE_URL="postgresql+psycopg://postgres@/refrain_test?host=$HERE&port=5432"
export REFRAIN_TEST_REDIS_URL="unix://$HERE/redis.sock"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') and $(redis-server --version | awk '{print $3}') in $HERE"
"$@"
