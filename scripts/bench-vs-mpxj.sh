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
# MPXJ's Bench reads every file into memory before its timed loop, so the
# ratio compares ours under the same condition (--preload). Ours is also run
# reading each file from disk inside the loop, one at a time: that run gives
# the peak RSS of converting (the preloaded run's RSS is mostly the corpus).
echo "== ours, files preloaded (as MPXJ's Bench)"
target/release/corpus-bench "$corpus/mpp" "$warm" "$runs" --preload < "$list" > "$list.pre"
cat "$list.pre"
# Our default output also carries the assignments' daily work (TimephasedData),
# which MPXJ does not write by default: the same content as MPXJ's is timed too.
echo "== ours, files preloaded, without TimephasedData (MPXJ's default content)"
target/release/corpus-bench "$corpus/mpp" "$warm" "$runs" --preload --no-timephased < "$list" > "$list.same"
cat "$list.same"
echo "== ours, each file read from disk inside the timed loop"
target/release/corpus-bench "$corpus/mpp" "$warm" "$runs" < "$list" > "$list.disk"
cat "$list.disk"
best() { awk '/^timed/ { print $(NF-3) }' "$1" | sort -n | tail -1; }
pre=$(best "$list.pre")
disk=$(best "$list.disk")
same=$(best "$list.same")
rss=$(awk '/^peak RSS/ { print $3 }' "$list.disk")
rss_pre=$(awk '/^peak RSS/ { print $3 }' "$list.pre")
echo "== MPXJ 16.10"
theirs=$(../shared/tools/mpxj-oracle/run.sh bench "$corpus/mpp" "$warm" "$runs" < "$list" | tee /dev/stderr | awk '/^timed/ { print $(NF-3) }' | sort -n | tail -1)
python3 - "$version" "$pre" "$disk" "$theirs" "$rss" "$rss_pre" "$same" <<'PY'
import sys
v, pre, disk, theirs, rss, rss_pre, same = sys.argv[1], *map(float, sys.argv[2:])
print(f"best timed pass over {v}: MPXJ {theirs:.1f} files/s (preloaded)")
print(f"  ours preloaded {pre:.1f} files/s: {pre / theirs:.1f}x (target 20x); peak RSS {rss_pre:.1f} MB, the corpus included")
print(f"  ours preloaded, MPXJ's content (no TimephasedData) {same:.1f} files/s: {same / theirs:.1f}x")
print(f"  ours reading each file from disk {disk:.1f} files/s: {disk / theirs:.1f}x; peak RSS {rss:.1f} MB (target 64 MB)")
PY
rm -f "$list" "$list.pre" "$list.disk" "$list.same"
