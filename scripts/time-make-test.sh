#!/usr/bin/env bash
# Times each step of `make test` and prints a table (for BENCHMARKS.md).
#
#   scripts/time-make-test.sh            as the tree and its compiled dependencies stand
#   scripts/time-make-test.sh --touch    after a one-line change in app/src (a file touched)
#   scripts/time-make-test.sh --cold     with an empty target directory (tools installed)
#
# Each step runs exactly as the Makefile runs it; the first failing step stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/baedal/target}"
mode="${1:-warm}"
case "$mode" in
  warm) ;;
  --touch) touch app/src/lib.rs ;;
  --cold) CARGO_TARGET_DIR="$(mktemp -d /tmp/baedal-cold-target.XXXXXX)"; export CARGO_TARGET_DIR ;;
  *) echo "usage: $0 [--touch|--cold]" >&2; exit 2 ;;
esac
flags=(env LEPTOS_OUTPUT_NAME=baedal RUSTFLAGS="--cfg erase_components")
wasm_flags=(env LEPTOS_OUTPUT_NAME=baedal RUSTFLAGS="-Clink-args=--emit-relocs --cfg erase_components")
pg="$CARGO_TARGET_DIR/debug/baedal-pg"

rows=()
step() { # $1: name; the rest: the command
  local name="$1" started ended
  shift
  started=$(date +%s.%N)
  "$@" >"/tmp/time-make-test.$$.log" 2>&1 || {
    echo "step '$name' failed; its output:" >&2
    tail -40 "/tmp/time-make-test.$$.log" >&2
    exit 1
  }
  ended=$(date +%s.%N)
  # The tests a step ran (cargo's "N passed" per test binary, Playwright's total), so that a
  # faster run can be seen to run the same tests.
  local passed
  passed=$(awk 'match($0, /(test result: ok\. |^ +)[0-9]+ passed/) {
      n = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", n); s += n
    } END { if (s) print s " passed" }' "/tmp/time-make-test.$$.log")
  rows+=("$(awk -v n="$name" -v a="$started" -v b="$ended" -v p="$passed" 'BEGIN { printf "| %s | %.0f s | %s |", n, b - a, p }')")
}

total_started=$(date +%s.%N)
step "setup (tools present)" scripts/setup.sh --test
step "fmt --check" cargo fmt --all -- --check
step "clippy, server build" "${flags[@]}" cargo clippy -p app -p server --all-targets -- -D warnings
step "clippy, browser build" "${wasm_flags[@]}" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
step "site build (cargo leptos build --split)" cargo leptos build --split
step "test-database and simulator binaries" "${flags[@]}" cargo build -p server --bin baedal-pg --bin payment-gateway-sim --bin geocoder-sim
step "test build (cargo test --no-run)" "$pg" --fresh -- "${flags[@]}" cargo test -p app -p server --no-run
step "Rust tests" "$pg" --fresh -- "${flags[@]}" cargo test -p app -p server
step "browser tests" "$pg" --fresh -- bash -c 'cd end2end && npx playwright test'
total_ended=$(date +%s.%N)
rm -f "/tmp/time-make-test.$$.log"

echo "make test, step by step ($mode, $(nproc) cores, target $CARGO_TARGET_DIR):"
echo
echo "| step | wall time | tests |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
awk -v a="$total_started" -v b="$total_ended" 'BEGIN { printf "| **all** | **%.0f s** | |\n", b - a }'
