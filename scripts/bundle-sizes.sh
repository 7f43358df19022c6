#!/usr/bin/env bash
# Prints the browser bundle's raw, gzip and brotli sizes (the precompressed files the release
# build wrote, which are what the server sends): the main bundle, the screens' chunks, and per
# route the first load, what a browser fetches before that screen is live.
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
declare -A br_of gz_of raw_of
main_raw=0 main_gz=0 main_br=0 chunks_raw=0 chunks_gz=0 chunks_br=0 chunk_count=0
for file in $(find "$pkg" -type f ! -name '*.br' ! -name '*.gz' ! -name '*.ts' ! -name '*.json' | sort); do
  raw=$(size_of "$file") gz=$(compressed "$file" gz) br=$(compressed "$file" br)
  name=${file#"$pkg"/}
  raw_of[$name]=$raw gz_of[$name]=$gz br_of[$name]=$br
  case "$name" in
    baedal.*.js|baedal.js|baedal.*.wasm|baedal.wasm|baedal.*.css|baedal.css)
      printf '%-48s %10d %10d %10d\n' "$name" "$raw" "$gz" "$br"
      main_raw=$((main_raw + raw)) main_gz=$((main_gz + gz)) main_br=$((main_br + br)) ;;
    *)
      chunks_raw=$((chunks_raw + raw)) chunks_gz=$((chunks_gz + gz)) chunks_br=$((chunks_br + br))
      chunk_count=$((chunk_count + 1)) ;;
  esac
done
printf '%-48s %10d %10d %10d\n' "main bundle (js + wasm + css)" "$main_raw" "$main_gz" "$main_br"
printf '%-48s %10d %10d %10d\n' "$chunk_count screen chunks and their loader" "$chunks_raw" "$chunks_gz" "$chunks_br"

# What the browser fetches before each first screen is live: the main bundle, and for a screen
# that is a chunk of its own (app/src/routes.rs) the split loader and the chunks the split
# manifest lists for it.
manifest=$(find "$pkg" -name '__wasm_split_manifest*.json' | head -1)
[ -n "$manifest" ] || exit 0
loader=$(find "$pkg" -name '__wasm_split.*.js' ! -name '*.br' ! -name '*.gz' | head -1)
loader=${loader#"$pkg"/}
echo
printf '%-32s %8s %10s %10s %10s\n' "first load of" chunks raw gzip brotli
while IFS='|' read -r route split; do
  raw=$main_raw gz=$main_gz br=$main_br count=0
  if [ "$split" != - ]; then
    files=$(node -e '
      const m = require(process.argv[1]);
      const key = Object.keys(m).find((k) => k.startsWith(process.argv[2] + "_"));
      if (!key) { console.error("no split named " + process.argv[2]); process.exit(1); }
      console.log(m[key].map((f) => f + ".wasm").join("\n"));' "$(realpath "$manifest")" "$split")
    for file in $loader $files; do
      raw=$((raw + ${raw_of[$file]})) gz=$((gz + ${gz_of[$file]})) br=$((br + ${br_of[$file]}))
      count=$((count + 1))
    done
  fi
  printf '%-32s %8d %10d %10d %10d\n' "$route" "$count" "$raw" "$gz" "$br"
done <<'ROUTES'
/ (customer home)|-
/login|-
/stores/:id (menu)|__store_menu_view
/cart|__cart_view
/orders/:id (tracking)|__track_order_view
/store (kitchen)|__kitchen_view
/store/:id/setup|__store_setup_view
/rider|__rider_view
/ops|__ops_view
/account|__account_view
ROUTES
