#!/usr/bin/env bash
# Bounded load test of the embedded service on loopback (not part of CI's
# pass/fail): status reads and small uploads with hey (requests/s, p50, p99),
# then conversions per minute with 1 and 2 `conversor worker` processes.
# Usage: scripts/load-test.sh [SECONDS_PER_PHASE=10] [ORDERS_PER_BATCH=60]
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
exec python3 scripts/load_test.py "$BIN" "$SAMPLE" "$SECS" "$BATCH"
