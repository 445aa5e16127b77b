#!/usr/bin/env bash
# Scores the release `mpp` binary on ../shared/corpus against MPXJ's references
# and fails below the floor that CI holds. Usage: scripts/corpus-gate.sh [extra conformance.py args]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
if [ ! -d "$shared/corpus" ]; then
    echo "corpus gate skipped: $shared/corpus not found"
    exit 0
fi
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/mpp"
[ -x "$bin" ] || cargo build --release -p mpp-cli
# Floors: just under the scores reached; raise them as the scores rise.
MIN_MPP14=${MIN_MPP14:-0.95}
python3 "$shared/tools/conformance.py" --corpus "$shared/corpus/mpp" \
    --refs "$shared/corpus/ref-mpxj" --manifest "$shared/corpus/manifest.tsv" \
    --version MPP14 --cmd "$bin convert {in} -o {out}" \
    --jobs 2 --timeout 30 --show 20 --min-score "$MIN_MPP14" "$@"
