#!/usr/bin/env bash
# Every test of the project: formatting, lints, and the test suites.
# Corpus tests run when ../shared/corpus exists beside the repository.
# MPP_SKIP_BINDINGS=1 leaves the bindings out of a quick local run.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

if [ "${MPP_SKIP_BINDINGS:-0}" != 1 ]; then
    # The Python and Node bindings (own workspaces): build, install, suites.
    bash scripts/test-bindings.sh
    # The WASM binding and its preview page (installs its toolchain on first run).
    bash scripts/test-wasm.sh
fi
