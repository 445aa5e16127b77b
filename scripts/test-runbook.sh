#!/usr/bin/env bash
# The support runbook's commands, exactly as it prints them, run from the
# repository root against a running `conversor serve` (embedded default, test
# mode: Mercado Pago played by the in-process sandbox) on a free port with a
# temporary data dir. Checks outputs and exit codes.
set -euo pipefail
cd "$(dirname "$0")/.."

# jq and `python` (the runbook's spelling) from the distribution when missing.
need=()
command -v jq >/dev/null || need+=(jq)
command -v python >/dev/null || need+=(python-is-python3)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${need[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; }
fi

SAMPLE=../shared/corpus/mpp/generated/task-costs/task-costs-project2010-mpp14.mpp
if [ ! -f "$SAMPLE" ]; then echo "skipping runbook test: $SAMPLE missing"; exit 0; fi

# The release binary when it is up to date, else the debug build.
BIN=target/release/conversor
if [ ! -x "$BIN" ] || [ -n "$(find server/src server/migrations server/templates -newer "$BIN" -print -quit)" ]; then
    cargo build -q -p conversor-server
    BIN=target/debug/conversor
fi
echo "using $BIN"

DATA=$(mktemp -d /tmp/conversor-runbook.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$DATA"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- serve log (tail)"; tail -20 "$DATA/serve.log" || true; exit 1; }

# No in-process workers (a `conversor worker` process converts, so the logs
# come from two processes), no reconciliation (the lost notification stays lost).
export CONVERSOR_DATA_DIR=$DATA CONVERSOR_RECONCILE_SECS=0 CONVERSOR_POLL_MS=50
unset CONVERSOR_ADMIN_TOKEN MP_ACCESS_TOKEN DATABASE_URL S3_ENDPOINT SMTP_SERVER
"$BIN" serve --bind 127.0.0.1:0 --workers 0 >"$DATA/serve.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 200); do [ -s "$DATA/serve.addr" ] && break; [ "$i" = 200 ] && fail "serve did not start"; sleep 0.1; done
BASE="http://$(cat "$DATA/serve.addr")"
export CONVERSOR_URL=$BASE
echo "service on $BASE"

[ -f "$DATA/admin-token" ] || fail "no admin-token written"
[ "$(stat -c %a "$DATA/admin-token")" = 600 ] || fail "admin-token is not 0600"

# An order paid with PIX, approved at "Mercado Pago" but its notification lost.
created=$(curl -sS -F name="Ana Souza" -F email=ana@example.com -F "file=@$SAMPLE;filename=plano.mpp" "$BASE/api/orders")
order_id=$(jq -r .id <<<"$created"); access=$(jq -r .access_token <<<"$created")
[ -n "$order_id" ] && [ "$order_id" != null ] || fail "upload: $created"
payment_id=$(curl -sS -H 'content-type: application/json' -d '{"method":"pix"}' "$BASE/api/orders/$order_id/payments?token=$access" | jq -r .id)
# The creation notice is processed in the background: let it finish, or it would see the approval.
for i in $(seq 1 200); do grep -q "\"payment_id\":\"$payment_id\",\"outcome\":\"not_approved\"" "$DATA/serve.log" && break; [ "$i" = 200 ] && fail "creation notice not processed"; sleep 0.05; done
curl -sS -o /dev/null -X POST "$BASE/sandbox/mp/sandbox/payments/$payment_id/approve?notify=false"
echo "order $order_id, payment $payment_id approved without notification"

run() { # run EXPECTED_EXIT COMMAND...: prints the output, checks the exit code
    local want=$1; shift
    echo "\$ $*"
    set +e; out=$("$@" 2>&1); code=$?; set -e
    echo "$out" | sed 's/^/  /'
    [ "$code" = "$want" ] || fail "exit $code, wanted $want: $*"
}

# Runbook 1) Pagamento não reconhecido.
run 2 python scripts/check_payment_status.py --order "$order_id"
grep -q "DIVERGÊNCIA" <<<"$out" && grep -q "PENDING" <<<"$out" || fail "mismatch not explained"
run 0 python scripts/check_payment_status.py --order "$order_id" --fix
grep -q "CORRIGIDO" <<<"$out" || fail "not fixed"
run 0 python scripts/check_payment_status.py --order "$order_id" --fix
grep -q "Sem divergência" <<<"$out" || fail "second check should be consistent"
status=$(curl -sS "$BASE/api/orders/$order_id?token=$access" | jq -r .status)
[ "$status" = PAID ] || fail "status $status after --fix"

# Reprocessar order (PAID with no worker yet), then a worker process converts it.
run 0 python scripts/requeue_order.py --order "$order_id"
grep -q "reenfileirado" <<<"$out" || fail "requeue message"
"$BIN" worker >"$DATA/worker.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 300); do
    status=$(curl -sS "$BASE/api/orders/$order_id?token=$access" | jq -r .status)
    [ "$status" = COMPLETED ] && break
    [ "$i" = 300 ] && fail "order stuck at $status"
    sleep 0.1
done
paid_events=$(curl -sS "$BASE/api/orders/$order_id?token=$access" | jq '[.events[] | select(.to_status == "PAID" and .from_status != "PAID")] | length')
[ "$paid_events" = 1 ] || fail "moved to PAID $paid_events times"
run 1 python scripts/requeue_order.py --order "$order_id"
grep -q "COMPLETED" <<<"$out" || fail "requeue of a completed order should say why"

# Runbook 3) Download expirado: a new link, with and without --expires.
run 0 python scripts/generate_presigned.py --object "results/$order_id.xml" --expires 86400
url=$(head -1 <<<"$out")
grep -q "24 h" <<<"$out" || fail "validity not shown"
code=$(curl -sS -o "$DATA/result.xml" -w '%{http_code}' "$url")
[ "$code" = 200 ] && grep -q "<Project" "$DATA/result.xml" || fail "download through the new link: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' "${url%?}0")
[ "$code" = 403 ] || code=$(curl -sS -o /dev/null -w '%{http_code}' "${url%?}1")
[ "$code" = 403 ] || fail "tampered link answered $code"
run 0 python scripts/generate_presigned.py --object "results/$order_id.xml"
grep -q "24 h" <<<"$out" || fail "default validity is not 24 h"
run 1 python scripts/generate_presigned.py --object "results/$order_id.xml" --expires 999999999
run 1 python scripts/generate_presigned.py --object "uploads/$order_id.mpp"

# Verificar health.
echo "\$ curl -sS $BASE/health | jq ."
health=$(curl -sS "$BASE/health" | jq .) || fail "health | jq"
echo "$health" | sed 's/^/  /'
[ "$(jq -r .status <<<"$health")" = ok ] || fail "health not ok"

# Logs across app and workers.
run 0 "$BIN" admin logs --order "$order_id" --tail 500
grep -q '"process":"serve:' <<<"$out" && grep -q '"process":"worker:' <<<"$out" || fail "logs miss a process"

run 0 "$BIN" admin order --order "$order_id"
[ "$(jq -r .order.status <<<"$out")" = COMPLETED ] || fail "admin order"
jq -e '[.events[] | select(.actor | test("requeue_order.py"))] | length == 1' <<<"$out" >/dev/null || fail "requeue not recorded with its actor"

# The other admin commands: LGPD register and CSV, an incident on /status.
run 0 "$BIN" admin privacy register --kind access --order "$order_id" --notes "pedido ao DPO"
run 0 "$BIN" admin privacy csv --out "$DATA/privacy-requests.csv"
grep -q "^id,kind,email,order_id,status,requested_at,due_at" "$DATA/privacy-requests.csv" && grep -q ",access,ana@example.com,$order_id,open," "$DATA/privacy-requests.csv" || fail "privacy-requests.csv"
curl -sS "$BASE/status" | grep -q "Todos os sistemas operacionais" || fail "status page"
run 0 "$BIN" admin incident open --priority P2 --title "Fila de conversão lenta" --summary "Investigando."
curl -sS "$BASE/status" | grep -q "Fila de conversão lenta" || fail "incident not on /status"

# Wrong token and a stopped service: clear errors and exit codes.
run 3 env CONVERSOR_ADMIN_TOKEN=wrong python scripts/requeue_order.py --order "$order_id"
run 4 env CONVERSOR_URL=http://127.0.0.1:9 python scripts/check_payment_status.py --order "$order_id"
echo "runbook commands: ok"
