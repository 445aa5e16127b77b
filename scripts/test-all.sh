#!/usr/bin/env bash
# Every test of the project: formatting, lints, and the test suites.
# Corpus tests run when ../shared/corpus exists beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

# The Python and Node bindings (own workspaces): build, install, suites.
# MPP_SKIP_BINDINGS=1 leaves them out of a quick local run.
if [ "${MPP_SKIP_BINDINGS:-0}" != 1 ]; then
    bash scripts/test-bindings.sh
fi
