#!/usr/bin/env bash
# Scores the release `mpp` binary on ../shared/corpus against MPXJ's references
# and fails below the floors CI holds (just under the scores reached; raise them
# as the scores rise), on any crash or timeout, or on an expected error that
# did not happen. Usage: scripts/corpus-gate.sh [extra conformance.py args]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
if [ ! -d "$shared/corpus" ]; then
    echo "corpus gate skipped: $shared/corpus not found"
    exit 0
fi
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/mpp"
[ -x "$bin" ] || cargo build --release -p mpp-cli
report="${CARGO_TARGET_DIR:-$PWD/target}/conformance.json"

MIN_OVERALL=${MIN_OVERALL:-0.9993}
MIN_MPP8=${MIN_MPP8:-0.9987}
MIN_MPP9=${MIN_MPP9:-0.9993}
MIN_MPP12=${MIN_MPP12:-0.9994}
MIN_MPP14=${MIN_MPP14:-0.9992}

python3 "$shared/tools/conformance.py" --corpus "$shared/corpus/mpp" \
    --refs "$shared/corpus/ref-mpxj" --manifest "$shared/corpus/manifest.tsv" \
    --cmd "$bin convert {in} -o {out}" --jobs 2 --timeout 30 --show 20 \
    --min-score "$MIN_OVERALL" --json "$report" "$@"

python3 - "$report" <<PY
import json, sys
r = json.load(open(sys.argv[1]))
floors = {"MPP8": $MIN_MPP8, "MPP9": $MIN_MPP9, "MPP12": $MIN_MPP12, "MPP14": $MIN_MPP14}
bad = []
st = r["status"]
for k in ("crash", "timeout", "no-output", "bad-xml"):
    if st.get(k):
        bad.append(f"{st[k]} file(s) with status {k}")
if r["expected_errors"]["failed"]:
    bad.append(f"expected errors not raised: {r['expected_errors']['failed']}")
for v, floor in floors.items():
    got = r["versions"].get(v, {})
    mean = got.get("mean")
    if got.get("not_ok"):
        bad.append(f"{v}: {got['not_ok']} file(s) not converted")
    if mean is None or mean < floor:
        bad.append(f"{v}: mean {mean} below the floor {floor}")
    else:
        print(f"gate {v}: mean {mean:.4%} >= floor {floor:.2%} ({got['files']} files)")
if bad:
    print("CORPUS GATE FAILED:\n  " + "\n  ".join(bad))
    sys.exit(1)
print("corpus gate passed")
PY
