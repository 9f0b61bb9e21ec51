#!/usr/bin/env bash
# Size report of what a phone downloads: builds the release site and prints
# raw, gzip -9 and brotli sizes of the WASM, JS and CSS. Figures go to
# docs/BENCHMARKS.md by hand, with the date and commit.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_wasm_opt
command -v brotli >/dev/null || apt_install brotli >&2
cargo leptos build --release >&2
pkg="$ROOT/target/site/pkg"
printf '| file | raw | gzip -9 | brotli -q 11 |\n| --- | ---: | ---: | ---: |\n'
for f in sihati.wasm sihati.js sihati.css; do
  raw=$(stat -c %s "$pkg/$f")
  gz=$(gzip -9 -c "$pkg/$f" | wc -c)
  br=$(brotli -q 11 -c "$pkg/$f" | wc -c)
  printf '| %s | %s | %s | %s |\n' "$f" "$raw" "$gz" "$br"
done
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(nproc) cores"
