#!/usr/bin/env bash
# Installs what Baedal needs to build (and, with --test, to test), each only when missing.
# Nothing here downloads from outside the package registries: tools come from crates.io,
# Debian and npm, never from GitHub releases.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false want_release=false
[ "${1:-}" = "--test" ] && want_test=true
[ "${1:-}" = "--release" ] && want_release=true

say() { printf '\033[1;36m[setup]\033[0m %s\n' "$*"; }

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || [ -n "${PG_BIN_DIR:-}" ] || [ -n "${DATABASE_URL:-}" ] \
  || missing+=(postgresql)
if $want_test; then
  command -v chromium >/dev/null || missing+=(chromium)
  # Without a Korean font the browser tests' screenshots show Hangul as empty boxes.
  fc-list :lang=ko 2>/dev/null | grep -q . || missing+=(fonts-nanum)
  command -v npm >/dev/null || missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.11 needs Rust 1.96; 0.3.10 builds with the toolchain here.
if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos 0.3.10" ]; then
  say "installing cargo-leptos 0.3.10 (about 12 minutes, once)"
  cargo install cargo-leptos@0.3.10 --locked
fi

# cargo-leptos downloads wasm-bindgen from GitHub unless the exact version is on PATH.
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: its lock file names a webpki-roots release the registry does not serve.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

if $want_test && [ ! -d end2end/node_modules/@playwright/test ]; then
  say "installing the browser-test packages (Playwright uses the system Chromium)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

# The release bundle goes through wasm-opt. Debian's (108) breaks wasm-bindgen 0.2.130's externref
# table (the page never hydrates), so the release build uses binaryen from the npm registry.
binaryen_version=132.0.0
binaryen_dir="$HOME/.cache/baedal/binaryen"
if $want_release && [ "$("$binaryen_dir/node_modules/.bin/wasm-opt" --version 2>/dev/null)" != "wasm-opt version ${binaryen_version%%.*} (version_${binaryen_version%%.*})" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  say "installing binaryen $binaryen_version (wasm-opt) from npm"
  npm install --prefix "$binaryen_dir" --no-audit --no-fund --no-save "binaryen@$binaryen_version" >/dev/null
fi
