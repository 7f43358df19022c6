#!/usr/bin/env bash
# Prints the browser bundle's files with their raw, gzip and brotli sizes (the precompressed
# files the release build wrote, which are what the server sends), and the first load: what a
# browser fetches before the first screen is live.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
[ -d "$pkg" ] || { echo "no $pkg: run 'make release' first" >&2; exit 1; }

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
compressed() { # $1: file, $2: br|gz — the precompressed copy, else compressed now
  if [ -f "$1.$2" ]; then size_of "$1.$2"
  elif [ "$2" = gz ]; then gzip -9c "$1" | wc -c
  else (brotli -q 11 -c "$1" 2>/dev/null || true) | wc -c
  fi
}

printf '%-48s %10s %10s %10s\n' file raw gzip brotli
first_raw=0 first_gz=0 first_br=0
for file in $(find "$pkg" -type f ! -name '*.br' ! -name '*.gz' | sort); do
  raw=$(size_of "$file") gz=$(compressed "$file" gz) br=$(compressed "$file" br)
  printf '%-48s %10d %10d %10d\n' "${file#target/site/}" "$raw" "$gz" "$br"
  case "$file" in
    */baedal.*.js|*/baedal.js|*/baedal.*.wasm|*/baedal.wasm|*/baedal.*.css|*/baedal.css)
      first_raw=$((first_raw + raw)) first_gz=$((first_gz + gz)) first_br=$((first_br + br)) ;;
  esac
done
printf '%-48s %10d %10d %10d\n' "first load (js + wasm + css), every route" "$first_raw" "$first_gz" "$first_br"
