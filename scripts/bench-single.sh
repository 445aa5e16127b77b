#!/usr/bin/env bash
# One file converted by a fresh process, start to exit: `mpp convert` against
# MPXJ's command-line conversion (a JVM per run), same file, same machine.
# Usage: scripts/bench-single.sh [RELATIVE.mpp] [RUNS]   (paths under ../shared/corpus/mpp)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
file=${1:-$(awk -F'\t' 'NR > 1 && $2 == "MPP14" && $6 == "ok" { print $4 "\t" $1 }' "$corpus/manifest.tsv" | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')}
runs=${2:-20}
cargo build --release -q -p mpp-cli
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "file: $file ($(stat -c %s "$corpus/mpp/$file") bytes)"
# Mean wall time in ms of RUNS runs of a command (after one untimed run).
time_runs() {
  local n=$1; shift
  "$@" > /dev/null 2>&1
  local t0 t1
  t0=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" > /dev/null 2>&1; done
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / n / 1000 ))
}
ours=$(time_runs "$runs" target/release/mpp convert "$corpus/mpp/$file" -o "$tmp/ours.xml")
theirs=$(time_runs 3 sh -c "echo '$file' | ../shared/tools/mpxj-oracle/run.sh convert '$corpus/mpp' '$tmp/mpxj'")
python3 -c "print(f'single file, process start to exit: ours {$ours/1000:.2f} ms, MPXJ {$theirs/1000:.1f} ms, ratio {$theirs/$ours:.0f}x')"
