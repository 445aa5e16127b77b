#!/usr/bin/env bash
# Every test of the project: formatting, lints, and the test suites.
# Corpus tests run when ../shared/corpus exists beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

# The service's end-to-end suite again, on PostgreSQL (installed and started on loopback).
bash scripts/test-server.sh

# Headless Chromium through the pages (screenshots in target/screenshots/).
bash scripts/test-browser.sh
