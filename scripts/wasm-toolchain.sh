#!/usr/bin/env bash
# Installs, idempotently, what the WASM binding and its browser test need on Debian 12:
#   - Debian's rustc-web/cargo-web/rust-web-src (1.96, one release) and lld-22: rustup cannot
#     fetch the wasm32 std here, so std is rebuilt from source with -Zbuild-std;
#   - chromium, the browser the preview page is tested in (never a downloaded one);
#   - wasm-bindgen-cli at exactly the wasm-bindgen crate's version;
#   - npm devDependencies of bindings/wasm (binaryen's wasm-opt, playwright-core).
# Re-running only installs what is missing. Prints the versions it found.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen = "=0.2.130"` pin in bindings/wasm
APT_PKGS=(rustc-web cargo-web rust-web-src lld-22 chromium)
t0=$SECONDS

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
debian_rust_ok() {
  /usr/bin/rustc -V 2>/dev/null | grep -Eq '^rustc 1\.(9[6-9]|[1-9][0-9]{2})' &&
    [[ "$(dpkg-query -W -f='${Version}' rustc-web 2>/dev/null)" == "$(dpkg-query -W -f='${Version}' rust-web-src 2>/dev/null)" ]]
}

missing=()
for p in "${APT_PKGS[@]}"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]})) || ! debian_rust_ok; then
  echo "wasm-toolchain: apt install ${APT_PKGS[*]} (missing: ${missing[*]:-none})"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  # Other jobs may hold the apt lock: wait for it instead of failing.
  for i in 1 2 3 4 5; do
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && break
    echo "apt-get update failed (try $i), retrying"; sleep 10
  done
  # rustc-web and rust-web-src are named together so both come from the same release
  # (bookworm-security has 1.96; bookworm main only 1.85, whose std source would not match).
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${APT_PKGS[@]}" >/dev/null
fi
debian_rust_ok || { echo "wasm-toolchain: need Debian rustc-web >= 1.96 with the same rust-web-src" >&2; exit 1; }
test -f /usr/lib/rustlib/src/rust/library/Cargo.lock || { echo "wasm-toolchain: rust-web-src missing" >&2; exit 1; }

if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  echo "wasm-toolchain: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # The crates.io index here lacks a crate version the CLI's own lockfile pins, so fall
  # back to a fresh resolution of the same CLI version.
  cargo install -q --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" 2>/dev/null ||
    cargo install -q --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm devDependencies (versions fixed by bindings/wasm/package-lock.json).
web=bindings/wasm
if ! (cd "$web" && node -e '
  const lock = require("./package-lock.json").packages;
  for (const [p, v] of Object.entries(lock)) {
    if (!p) continue;
    if (require("./" + p + "/package.json").version !== v.version) process.exit(1);
  }' 2>/dev/null); then
  echo "wasm-toolchain: npm ci in $web"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi

printf 'wasm-toolchain: %s; %s; %s; wasm-opt %s; %s; playwright-core %s (%ss)\n' \
  "$(/usr/bin/rustc -V)" "$(wasm-ld-22 --version | head -1)" "$(wasm-bindgen --version)" \
  "$("$web/node_modules/.bin/wasm-opt" --version | grep -o '[0-9][0-9]*' | head -1)" \
  "$(chromium --version 2>/dev/null)" \
  "$(node -p 'require("./'$web'/node_modules/playwright-core/package.json").version')" \
  "$((SECONDS - t0))"
