#!/usr/bin/env bash
# Builds the Python and Node bindings from this checkout and runs their suites,
# including the byte-identity check of their XML against `target/release/mpp
# convert` on ../shared/corpus (skipped, saying why, when the corpus is absent).
# Installs what it needs, pinned, under target/bindings/ (idempotent):
#   a Python venv (bindings/python/requirements-dev.txt) and `npm ci` (package-lock.json).
# Env: MPP_IDENTITY_STRIDE (default 1: every readable corpus file; 10: every tenth).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="$root/target/bindings"
export MPP_BIN="$root/target/release/mpp"
export MPP_IDENTITY_STRIDE=${MPP_IDENTITY_STRIDE:-1}
t0=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - t0))"; }

step "generated binding types are current"
python3 bindings/gen_types.py --check

step "fmt and clippy of the binding crates"
for crate in bindings/python bindings/node; do
    cargo fmt --manifest-path "$crate/Cargo.toml" -- --check
    cargo clippy --locked --manifest-path "$crate/Cargo.toml" --all-targets -- -D warnings
done

step "release mpp (the reference for byte identity)"
cargo build --release -p mpp-cli --target-dir "$root/target"

step "python: venv with pinned tools"
venv="$CARGO_TARGET_DIR/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r bindings/python/requirements-dev.txt

step "python: pip install ./bindings/python"
# maturin is the build backend; it is in the venv, so no isolated build env is needed.
PATH="$venv/bin:$PATH" "$venv/bin/pip" install -q --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall ./bindings/python

step "python: pytest"
(cd bindings/python && "$venv/bin/python" -m pytest -q -p no:cacheprovider)

step "node: npm ci, build"
(cd bindings/node && npm ci --no-audit --no-fund --loglevel=error && npm run build)

step "node: node --test"
log="$CARGO_TARGET_DIR/node-test.log"
if ! (cd bindings/node && npm test) > "$log" 2>&1; then
    grep -B2 -A25 '^not ok' "$log" | head -120
    echo "node tests failed (full TAP output: $log)"
    exit 1
fi
grep -E '^# (tests|pass|fail|skipped) ' "$log"

step "bindings done"
