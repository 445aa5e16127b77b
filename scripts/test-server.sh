#!/usr/bin/env bash
# The service's end-to-end suite on production parts: PostgreSQL 15 (Debian's
# package, a throwaway trust-auth cluster on 127.0.0.1). Installs what is
# missing (idempotent), starts it on loopback only, runs the same tests that run
# on the embedded default, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/initdb" ]; then
    echo "installing postgresql (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
fi

RUN=$(mktemp -d /tmp/conversor-services.XXXXXX)
chmod 755 "$RUN"
PG_PORT=${PG_PORT:-55432}
as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
cleanup() {
    as_pg "$PG_BIN/pg_ctl -D $RUN/pg -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$RUN"
}
trap cleanup EXIT

mkdir -p "$RUN/pg"
[ "$(id -u)" = 0 ] && chown postgres "$RUN/pg"
as_pg "$PG_BIN/initdb -D $RUN/pg -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N" >/dev/null
as_pg "$PG_BIN/pg_ctl -D $RUN/pg -l $RUN/pg/log -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $RUN/pg -c fsync=off -c max_connections=200' -w start" >/dev/null
echo "postgresql on 127.0.0.1:$PG_PORT"

export CONVERSOR_TEST_PG_ADMIN="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
start=$(date +%s)
cargo test -p conversor-server --test e2e
echo "server e2e on PostgreSQL: $(( $(date +%s) - start )) s"
