#!/usr/bin/env bash
# Size report of what a phone downloads: builds the release site and prints
# raw, gzip -9 and brotli sizes of the WASM, JS and CSS. Figures go to
# docs/BENCHMARKS.md by hand, with the date and commit.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_wasm_opt
command -v brotli >/dev/null || apt_install brotli >&2
# BENCH_REUSE=1 reads the release site the last build left (bench/lighthouse.sh
# makes the same one) instead of building it again.
if [ "${BENCH_REUSE:-0}" != 1 ]; then
  rm -rf "$ROOT/target/site/pkg"
  # --frontend-only: the server binary is not what a phone downloads.
  cargo leptos build --release --split --frontend-only >&2
fi
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
# What a first visit that signs in, searches and books downloads besides
# the HTML: the shell's files, then /book's chunk and every shared chunk it
# names in the split manifest (sign-in is in the shell; the booking itself
# is a form post on /book).
# One pass over the split manifest: how many files each group of lazy
# pages is (to stderr), and /book's files (/book is a page of the booking
# group, `lazy_group!` in app/src/lib.rs).
mapfile -t book < <(python3 - "$pkg" <<'PY'
import glob, json, os, sys
pkg = sys.argv[1]
manifest = json.load(open(glob.glob(f"{pkg}/__wasm_split_manifest*.json")[0]))
for key, files in sorted(manifest.items()):
    names = list(dict.fromkeys(files))
    small = sum(os.path.getsize(f"{pkg}/{n}.wasm") < 1024 for n in names)
    print(f"{key.rsplit('_', 1)[0]}: {len(names)} files, {small} under 1 KB", file=sys.stderr)
(route,) = [k for k in manifest if k.startswith("booking_pages_")]
for name in dict.fromkeys(manifest[route]):
    print(f"{pkg}/{name}.wasm")
PY
)
[ "${#book[@]}" -gt 0 ] || { echo "/book's files could not be read from the split manifest" >&2; exit 1; }
row "sign-in → search → book: the shell and /book's ${#book[@]} chunks" "$pkg"/sihati*.wasm "$pkg"/sihati*.js "$pkg"/sihati*.css "$pkg"/__wasm_split*.js "${book[@]}"
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(nproc) cores"
