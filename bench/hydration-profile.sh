#!/usr/bin/env bash
# What the main thread does while a page hydrates (issue 15). Not a test:
# it prints, for the pages bench/lighthouse.sh measures, the long tasks and
# a sampled CPU profile of them, which go to docs/BENCHMARKS.md by hand.
#
# The release site with the function names kept (as bench/wasm-profile.sh
# builds it) served by the release server on a fresh SQLite database with
# the demo data; Debian's Chromium driven by Playwright (the end-to-end
# suite's packages, never a downloaded browser), its CPU slowed 4x as in
# Lighthouse's mobile preset, no network throttling (the profile is of the
# CPU). V8 samples every 100 µs. For each page: the long tasks (over
# 50 ms), then the busy time by crate (self time), by what JavaScript
# called into the WASM, and the app's own functions by inclusive time.
# BENCH_PAGES and BENCH_LANGS choose the pages (home search appointments)
# and languages (fr ar); BENCH_REUSE=1 profiles the last named build again;
# BENCH_JS_FLAGS gives V8 flags to Chromium, for an experiment.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_wasm_opt
ensure_chromium
ensure_e2e_packages
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
bench_scratch

say "building the release server, then the site with function names"
export LEPTOS_OUTPUT_NAME=sihati
[ "${BENCH_REUSE:-0}" = 1 ] || cargo leptos build --release --split --precompress >&2
build_named_site
# The server reads the hashed file names from hash.txt beside its binary:
# a copy of the binary, beside the named build's own hash.txt.
mkdir -p "$WORK/bin" "$WORK/data"
cp "$TARGET/server-release/server" "$WORK/bin/server"
cp "$LEPTOS_SITE_ROOT/hash.txt" "$WORK/bin/hash.txt"
start_demo_server "$WORK/bin/server" "$LEPTOS_SITE_ROOT" "${BENCH_PORT:-3961}" "$WORK/data"

NODE_PATH="$ROOT/end2end/node_modules" node bench/hydration_profile.cjs "$BASE" "$SESSION" \
  "${BENCH_PAGES:-home search appointments}" "${BENCH_LANGS:-fr ar}" "$SEARCH"
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(nproc) cores, $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
