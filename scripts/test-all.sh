#!/usr/bin/env bash
# Every test of the project: formatting, lints, and the test suites.
# Corpus tests run when ../shared/corpus exists beside the repository.
# MPP_SKIP_BINDINGS=1 leaves the bindings out of a quick local run.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

# The service's end-to-end suite again, on PostgreSQL (installed and started on loopback).
bash scripts/test-server.sh
bash scripts/test-runbook.sh

# Headless Chromium through the pages (screenshots in target/screenshots/).
bash scripts/test-browser.sh

if [ "${MPP_SKIP_BINDINGS:-0}" != 1 ]; then
    # The Python and Node bindings (own workspaces): build, install, suites.
    bash scripts/test-bindings.sh
    # The WASM binding and its preview page (installs its toolchain on first run).
    bash scripts/test-wasm.sh
fi
