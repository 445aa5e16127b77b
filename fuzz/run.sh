#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 300) or until it reaches
# FUZZ_RUNS executions (default 10 million, the issue's bar), whichever comes
# first, one process at a time:
#   bash fuzz/run.sh [SECONDS] [TARGET...]
# Seeds come from ../shared/corpus beside the repository (whole small files
# for read_mpp, streams and blobs cut from them for the decoder targets);
# they are generated into fuzz/corpus-seeds at run time and never committed.
# Crashes land in fuzz/artifacts/TARGET; each one found becomes a regression
# test in mpp-core built from synthetic bytes.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-300}"
runs="${FUZZ_RUNS:-10000000}"
shift || true
root="$(cd .. && pwd)"
corpus_src="${MPP_CORPUS:-$root/../shared/corpus/mpp}"

command -v rustup >/dev/null || { echo "rustup is needed (nightly toolchain)" >&2; exit 1; }
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

seeds="$PWD/corpus-seeds"
if [ -d "$corpus_src" ] && [ ! -d "$seeds" ]; then
  (cd "$root" && cargo run -q --release -p mpp-core --example fuzz_seeds -- "$corpus_src" "$seeds")
fi
# The MSPDI reader starts from real MSPDI: the small reference documents
# (MPXJ's and Microsoft Project's) beside the corpus.
if [ ! -d "$seeds/read_mspdi" ]; then
  mkdir -p "$seeds/read_mspdi"
  for refs in "$corpus_src/../ref-mpxj" "$corpus_src/../ref-msproject"; do
    [ -d "$refs" ] && find "$refs" -name '*.xml' -size -64k -print0 |
      while IFS= read -r -d '' f; do cp "$f" "$seeds/read_mspdi/$(echo "$f" | md5sum | cut -c1-16).xml"; done
  done
fi

# Safe Rust (unsafe is forbidden in mpp-core): no sanitizer, so RSS is the
# reader's own memory and not ASan's quarantine.
cargo +nightly fuzz build -O -s none
bin_dir="target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t/stalls"
  seed_dir=()
  [ -d "$seeds/$t" ] && seed_dir=("$seeds/$t")
  log="artifacts/$t/last-run.log"
  : >"$log"
  # libFuzzer keeps its whole in-memory corpus in RSS, and read_mpp inputs
  # are whole files: it gets more RSS, under the same 256 MB per allocation.
  rss=256
  [ "$t" = read_mpp ] && rss=1024
  start=$(date +%s)
  total=0 peak=0 rc=0 stalls=0
  while :; do
    left=$((secs - ($(date +%s) - start)))
    [ "$left" -gt 0 ] && [ "$total" -lt "$runs" ] || break
    part=$(mktemp)
    set +e
    # The binary directly: the build above is not redone per target.
    "$bin_dir/$t" "corpus/$t" "${seed_dir[@]}" -artifact_prefix="artifacts/$t/" \
      -max_total_time="$left" -runs="$((runs - total))" -rss_limit_mb="$rss" -malloc_limit_mb=256 \
      -timeout=1 -print_final_stats=1 >"$part" 2>&1
    rc=$?
    set -e
    cat "$part" >>"$log"
    n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$part" | grep -o '[0-9]*$' | tail -1 || true)
    p=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$part" | grep -o '[0-9]*$' | tail -1 || true)
    total=$((total + ${n:-0}))
    [ "${p:-0}" -gt "$peak" ] && peak=${p:-0}
    unit=$(grep -o 'Test unit written to .*' "$part" | sed 's/Test unit written to //' | tail -1 || true)
    rm -f "$part"
    [ "$rc" -eq 0 ] && break
    # The 1 s timeout is wall-clock: on a shared machine a stalled process
    # trips it. A timeout whose input runs alone well under the limit is a
    # stall, kept aside and logged; the run resumes. Anything else is a finding.
    case "$unit" in
      */timeout-*)
        if [ -f "$unit" ] && timeout 10 "$bin_dir/$t" -timeout=1 "$unit" >/dev/null 2>&1; then
          stalls=$((stalls + 1))
          mv "$unit" "artifacts/$t/stalls/"
          echo "$t: timeout not reproduced alone (machine stall), resuming" >>"$log"
          continue
        fi
        ;;
    esac
    break
  done
  took=$(($(date +%s) - start))
  echo "$t: exit $rc, $total executions in $took s, peak RSS $peak MB, $stalls stalls resumed"
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -E '^==[0-9]+==|panicked|SUMMARY|Test unit written' "$log" | tail -5 || true
  fi
done
exit $status
