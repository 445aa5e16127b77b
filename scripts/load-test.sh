#!/usr/bin/env bash
# Bounded load test of the embedded service on loopback (not part of CI's
# pass/fail): status reads and small uploads with hey (requests/s, p50, p99),
# then conversions per minute with 1 and 2 `conversor worker` processes.
# Usage: scripts/load-test.sh [SECONDS_PER_PHASE=10] [ORDERS_PER_BATCH=60]
# LOAD_BACKEND=pg: the same against PostgreSQL + SeaweedFS (S3) + an SMTP sink,
# started on free ports by scripts/services-up.sh (as scripts/test-server.sh does);
# LOAD_MAIL=outbox keeps e-mails in files instead of the SMTP sink.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
BATCH=${2:-60}
if ! command -v hey >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q hey >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q hey >/dev/null; }
fi
cargo build -q --release -p conversor-server
BIN=$PWD/target/release/conversor
SAMPLE=${SAMPLE:-../shared/corpus/mpp/generated/task-costs/task-costs-project2010-mpp14.mpp}
if [ "${LOAD_BACKEND:-sqlite}" = pg ]; then
    . scripts/services-up.sh
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE conversor_load" >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/conversor_load"
    export S3_ENDPOINT=$CONVERSOR_TEST_S3_ENDPOINT S3_BUCKET=$CONVERSOR_TEST_S3_BUCKET
    export S3_ACCESS_KEY_ID=$CONVERSOR_TEST_S3_KEY S3_SECRET_ACCESS_KEY=$CONVERSOR_TEST_S3_SECRET
    # LOAD_MAIL=outbox: e-mails to files, to tell SMTP's share of a job apart.
    if [ "${LOAD_MAIL:-smtp}" = smtp ]; then export SMTP_SERVER=$CONVERSOR_TEST_SMTP; fi
    echo "backend: PostgreSQL 15 + SeaweedFS (S3), e-mail: ${LOAD_MAIL:-smtp}"
    # Not exec: the services stop on this shell's exit.
    python3 scripts/load_test.py "$BIN" "$SAMPLE" "$SECS" "$BATCH"
else
    exec python3 scripts/load_test.py "$BIN" "$SAMPLE" "$SECS" "$BATCH"
fi
