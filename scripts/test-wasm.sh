#!/usr/bin/env bash
# The WASM binding end to end: toolchain (idempotent), wasm build + wasm-opt, then its tests
# in Node (API, errors, corpus byte identity with `mpp convert`) and in headless Chromium
# (the preview page). Corpus parts are skipped, with the reason printed, without ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash scripts/wasm-toolchain.sh
bash scripts/build-wasm.sh
# The tests compare with the CLI; a no-op when the release binary is already fresh.
cargo build --release -q -p mpp-cli
export MPP_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/mpp"
export SHOTS="${CARGO_TARGET_DIR:-$PWD/target}/wasm-test"
cd bindings/wasm
node --test --test-concurrency=1 --test-reporter=spec test/node.test.mjs test/browser.test.mjs
echo "test-wasm: done in $((SECONDS - t0))s (screenshot in $SHOTS/preview.png)"
