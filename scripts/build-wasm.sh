#!/usr/bin/env bash
# Builds the WASM binding into bindings/wasm/web/pkg (ES module + optimised .wasm) for the
# preview page and for Node. Needs scripts/wasm-toolchain.sh to have run.
# rustup has no wasm32 std here: Debian's rustc-web builds std from its own source
# (-Zbuild-std, allowed by RUSTC_BOOTSTRAP) and wasm-ld-22 links.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
root=$PWD
target_dir=${WASM_TARGET_DIR:-$root/target/wasm}
out=$root/bindings/wasm/web/pkg

# Size and speed both matter in a browser: whole-program LTO, one codegen unit, no unwinding.
env RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 CARGO_TARGET_DIR="$target_dir" \
  CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_PANIC=abort \
  /usr/bin/cargo build --release --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort -p mpp-wasm

raw=$target_dir/wasm32-unknown-unknown/release/mpp_wasm.wasm
# wasm-bindgen + wasm-opt take about a minute: skip them when the module is unchanged.
stamp=$(sha256sum "$raw" | cut -d' ' -f1)
if [[ -f "$out/mpp_wasm_bg.wasm" && "$(cat "$out/.source-sha256" 2>/dev/null)" == "$stamp" ]]; then
  echo "build-wasm: $out/mpp_wasm_bg.wasm up to date ($(stat -c %s "$out/mpp_wasm_bg.wasm") bytes) in $((SECONDS - t0))s"
  exit 0
fi
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" "$raw"
before=$(stat -c %s "$out/mpp_wasm_bg.wasm")
# -O3 rather than -Oz: the sizes differ by 1 % here, and reading speed matters more.
"$root/bindings/wasm/node_modules/.bin/wasm-opt" -O3 --strip-debug --strip-producers \
  "$out/mpp_wasm_bg.wasm" -o "$out/mpp_wasm_bg.opt.wasm"
mv "$out/mpp_wasm_bg.opt.wasm" "$out/mpp_wasm_bg.wasm"
echo "$stamp" >"$out/.source-sha256"
after=$(stat -c %s "$out/mpp_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/mpp_wasm_bg.wasm" | wc -c)
echo "build-wasm: $out/mpp_wasm_bg.wasm $after bytes after wasm-opt (from $before; $gz gzipped) in $((SECONDS - t0))s"
