#!/usr/bin/env bash
# Headless Chromium walks the embedded service (upload → PIX in test mode →
# approve → download) and saves screenshots to target/screenshots/.
# Debian's chromium and npm playwright-core: no browser is ever downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
fi
(cd server/browser && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent)
cargo build -q -p conversor-server -p mpp-cli
# The support desk (needs no sample): form → ticket → console → template reply → escalate → resolve → CSAT.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node server/browser/support-walk.mjs "$PWD/target/debug/conversor" "$PWD/target/screenshots"
SAMPLE=../shared/corpus/mpp/generated/task-costs/task-costs-project2010-mpp14.mpp
if [ ! -f "$SAMPLE" ]; then echo "skipping browser walk: $SAMPLE missing"; exit 0; fi
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node server/browser/walk.mjs "$PWD/target/debug/conversor" "$PWD/target/debug/mpp" "$SAMPLE" "$PWD/target/screenshots"
