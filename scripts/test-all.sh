#!/usr/bin/env bash
# Every test of the project: formatting, lints, and the test suites.
# Corpus tests run when ../shared/corpus exists beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
# The WASM binding and its preview page (installs its toolchain on first run).
bash scripts/test-wasm.sh
