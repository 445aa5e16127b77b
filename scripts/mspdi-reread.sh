#!/usr/bin/env bash
# Reads MPXJ's reference MSPDI files with our MSPDI reader, writes them again
# and scores the result against the references (the reader's fidelity on
# documents it did not write). Fails below the floor.
# Usage: scripts/mspdi-reread.sh [extra conformance.py args]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
if [ ! -d "$shared/corpus" ]; then
    echo "MSPDI re-read skipped: $shared/corpus not found"
    exit 0
fi
MIN_REREAD=${MIN_REREAD:-0.9999}
target="${CARGO_TARGET_DIR:-$PWD/target}"
rm -rf "$target/mspdi-reread"
# The test writes every re-read reference into target/mspdi-reread.
cargo test -q --release -p mpp-xml --test corpus_reread mpxj_references_read_and_rewrite -- --nocapture
python3 "$shared/tools/conformance.py" --corpus "$shared/corpus/mpp" \
    --refs "$shared/corpus/ref-mpxj" --manifest "$shared/corpus/manifest.tsv" \
    --outputs "$target/mspdi-reread" --jobs 2 --show 10 --min-score "$MIN_REREAD" "$@"
