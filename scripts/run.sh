#!/usr/bin/env bash
# Runs Sihati on the embedded default: SQLite file and keys under data/,
# demo data loaded into an empty database. Release build (small WASM).
source "$(dirname "$0")/lib.sh"

ensure_rust_tools
ensure_wasm_opt

export SIHATI_DATA_DIR="${SIHATI_DATA_DIR:-$ROOT/data}"
export SIHATI_SEED_DEMO="${SIHATI_SEED_DEMO:-true}"
mkdir -p "$SIHATI_DATA_DIR"

say "building (release) and starting Sihati; the URL and demo logins follow"
exec cargo leptos serve --release --split --precompress
