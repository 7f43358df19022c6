#!/usr/bin/env bash
# Lighthouse's mobile profile on five first screens of the release build (`make release` first).
# Prints performance, accessibility, best practices, LCP, TBT and CLS per page. It fetches the
# `lighthouse` package from the npm registry on first use and drives the system Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
[ -x "$target/release/server" ] || { echo "no release server: run 'make release' first" >&2; exit 1; }
# The throwaway PostgreSQL comes from the debug build that `make test` keeps (a release target
# directory has none, and building it there would compile every dependency once more).
debug_target=$HOME/.cache/baedal/target
[ -x "$debug_target/debug/baedal-pg" ] ||
  CARGO_TARGET_DIR=$debug_target LEPTOS_OUTPUT_NAME=baedal RUSTFLAGS="--cfg erase_components" \
    cargo build -p server --bin baedal-pg
exec "$debug_target/debug/baedal-pg" --dir .baedal/lighthouse --fresh -- node scripts/lighthouse.mjs
