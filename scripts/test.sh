#!/usr/bin/env bash
# The whole test suite: unit and property tests, API tests against the real
# server on SQLite and on PostgreSQL, and end-to-end tests in headless
# Debian Chromium against the real server.
source "$(dirname "$0")/lib.sh"

# cargo-leptos builds with this flag in debug; using it for cargo test too
# lets both share one set of compiled dependencies.
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"

ensure_rust_tools
ensure_chromium
ensure_postgres
ensure_e2e_packages

say "unit, property and API tests (SQLite)"
cargo test -p shared -p domain -p app -p server

say "API tests (PostgreSQL, a fresh database per test)"
psql "$PG_ADMIN_URL" -qtAc "select datname from pg_database where datname like 'sihati_test_%'" \
  | while read -r db; do [ -n "$db" ] && psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
SIHATI_TEST_DATABASE_URL="$PG_ADMIN_URL" cargo test -p server --test api

say "end-to-end tests in Chromium (fresh SQLite database with demo data)"
E2E_DIR="$(mktemp -d)"
trap 'rm -rf "$E2E_DIR"' EXIT
export SIHATI_DATA_DIR="$E2E_DIR" SIHATI_SEED_DEMO=true SIHATI_LOG="${SIHATI_LOG:-warn}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
rm -rf end2end/test-results
cargo leptos end-to-end
say "all tests passed; screenshots in end2end/test-results/screenshots/"
