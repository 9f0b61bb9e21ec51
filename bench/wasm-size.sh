#!/usr/bin/env bash
# Size report of what a phone downloads: builds the release site and prints
# raw, gzip -9 and brotli sizes of the WASM, JS and CSS. Figures go to
# docs/BENCHMARKS.md by hand, with the date and commit.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_wasm_opt
command -v brotli >/dev/null || apt_install brotli >&2
rm -rf "$ROOT/target/site/pkg"
# --frontend-only: the server binary is not what a phone downloads.
cargo leptos build --release --split --frontend-only >&2
pkg="$ROOT/target/site/pkg"
printf '| file | raw | gzip -9 | brotli -q 11 |\n| --- | ---: | ---: | ---: |\n'
row() { # name, files...
  local name=$1 raw=0 gz=0 br=0 f; shift
  for f in "$@"; do
    raw=$((raw + $(stat -c %s "$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
    br=$((br + $(brotli -q 11 -c "$f" | wc -c)))
  done
  printf '| %s | %s | %s | %s |\n' "$name" "$raw" "$gz" "$br"
}
# What every page loads, then what only the lazy pages load (--split).
# Names carry a content hash (hash-files): sihati.<hash>.wasm and so on.
for f in 'sihati*.wasm' 'sihati*.js' 'sihati*.css' '__wasm_split*.js'; do row "$(echo "$f" | tr -d '*')" "$pkg"/$f; done
for f in "$pkg"/split_*.wasm; do row "$(basename "$f" | sed -E 's/_[0-9]*(\.[A-Za-z0-9_-]{22})?\.wasm$//')" "$f"; done
row "shared chunks (chunk_*.wasm)" "$pkg"/chunk_*.wasm
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(nproc) cores"
