#!/usr/bin/env bash
# Warm in-process throughput of ours and of MPXJ on the same corpus files, in one run.
# Usage: scripts/bench-vs-mpxj.sh [VERSION] [WARMUP] [RUNS]   (VERSION: MPP14, MPP12, MPP9, MPP8 or all)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
version=${1:-MPP14}; warm=${2:-3}; runs=${3:-3}
# The oracle imports mpxj, which needs JPype at import time: make sure both are in its venv.
venv=${MPXJ_VENV:-/tmp/mpxj-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import mpxj' 2>/dev/null || "$venv/bin/pip" install -q 'mpxj==16.10.0' JPype1
export MPXJ_VENV=$venv
list=$(mktemp)
awk -F'\t' -v v="$version" 'NR > 1 && $6 == "ok" && (v == "all" || $2 == v) { print $1 }' "$corpus/manifest.tsv" > "$list"
echo "$(wc -l < "$list") $version files"
cargo build --release -q -p benches --bin corpus-bench
echo "== ours (each file read from disk inside the loop, one at a time)"
target/release/corpus-bench "$corpus/mpp" "$warm" "$runs" < "$list" > "$list.ours"
cat "$list.ours"
ours=$(awk '/^timed/ { print $(NF-3) }' "$list.ours" | sort -n | tail -1)
rss=$(awk '/^peak RSS/ { print $3 }' "$list.ours")
echo "== MPXJ 16.10"
theirs=$(../shared/tools/mpxj-oracle/run.sh bench "$corpus/mpp" "$warm" "$runs" < "$list" | tee /dev/stderr | awk '/^timed/ { print $(NF-3) }' | sort -n | tail -1)
python3 -c "print(f'best timed pass over $version: ours {float(\"$ours\"):.1f} files/s, MPXJ {float(\"$theirs\"):.1f} files/s, ratio {float(\"$ours\")/float(\"$theirs\"):.1f}x (target 20x); our peak RSS $rss MB (target 64 MB)')"
rm -f "$list" "$list.ours"
