#!/usr/bin/env bash
# Draws the app's PNG icons from public/icon.svg with the system Chromium: the plain icon at
# 192 and 512 px, and a maskable one (full-bleed ground, the mark inside the safe zone).
# The PNGs are committed; run this again only when the mark changes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mark=$(sed -e 's/^<svg[^>]*>//' -e 's/<\/svg>$//' -e 's/<rect[^>]*\/>//' public/icon.svg)
page() { # $1: file, $2: svg body
  printf '<html><body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" style="position:fixed;inset:0;width:100%%;height:100%%">%s</svg></body></html>' "$2" >"$1"
}
page "$work/any.html" "$(sed -e 's/^<svg[^>]*>//' -e 's/<\/svg>$//' public/icon.svg)"
page "$work/maskable.html" "<rect width=\"64\" height=\"64\" fill=\"#2ac1bc\"/><g transform=\"translate(32 32) scale(0.62) translate(-32 -38)\">$mark</g>"

shoot() { # $1: page, $2: size, $3: output
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --default-background-color=00000000 --window-size="$2,$2" \
    --screenshot="$3" "file://$1" 2>/dev/null
}
for size in 192 512; do
  shoot "$work/any.html" "$size" "public/icon-$size.png"
  shoot "$work/maskable.html" "$size" "public/icon-maskable-$size.png"
done
ls -l public/icon-*.png
