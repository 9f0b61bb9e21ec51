# Shared by scripts/run.sh and scripts/test.sh: install whatever is missing,
# never a downloaded binary from outside the package registries.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1;32m==>\033[0m %s [%s]\n' "$*" "$(date +%T)"; }

# Versions that work together (docs/ARCHITECTURE.md, "Toolchain").
CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132.0.0
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"

export PATH="$HOME/.cargo/bin:$PATH"

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, ~20 min)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must match Cargo.lock)"
    # Not --locked: one locked dependency is newer than the registry copy here.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# wasm-opt from npm's binaryen: Debian's binaryen produces WASM that fails to
# hydrate. Installed project-locally under .tools/ and put first on PATH.
ensure_wasm_opt() {
  if [ ! -x .tools/node_modules/.bin/wasm-opt ] || ! .tools/node_modules/.bin/wasm-opt --version | grep -q "${BINARYEN_VERSION%%.*}"; then
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
}

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@" || {
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
  }
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    apt_install chromium
  fi
}

# For the benches: the release site as scripts/run.sh builds it, but with
# the function names kept (no strip, and wasm-opt -g, which keeps the name
# section and optimises alike), in its own site directory, TARGET/profile-
# site (LEPTOS_SITE_ROOT is set to it). BENCH_REUSE=1 keeps the last one.
# cargo-leptos writes this build's file names into hash.txt beside the
# release server, as for any build: a script serving target/site builds it
# first (as lighthouse.sh does), which writes them back. A copy is kept in
# the site directory, for a server serving this site (hydration-profile.sh).
build_named_site() {
  export CARGO_PROFILE_RELEASE_STRIP=false
  export LEPTOS_WASM_OPT_FEATURES="-Oz,--enable-bulk-memory,--enable-nontrapping-float-to-int,-g"
  export LEPTOS_SITE_ROOT="${CARGO_TARGET_DIR:-$ROOT/target}/profile-site"
  if [ "${BENCH_REUSE:-0}" != 1 ]; then
    rm -rf "$LEPTOS_SITE_ROOT"
    LEPTOS_OUTPUT_NAME=sihati cargo leptos build --release --split --frontend-only >&2
    cp "${CARGO_TARGET_DIR:-$ROOT/target}/server-release/hash.txt" "$LEPTOS_SITE_ROOT/hash.txt"
  fi
}

# For the benches: a scratch directory WORK, removed on exit with the
# server start_demo_server started (SERVER_PID), if any.
bench_scratch() {
  WORK="$(mktemp -d)"
  SERVER_PID=
  trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
}

# For the benches: start the release server SERVER_BIN on PORT over the
# site SITE_ROOT, with a fresh SQLite database of demo data in DATA_DIR,
# and set SERVER_PID, BASE, SESSION (the demo citizen's session cookie,
# signed in as the login form does) and SEARCH (the address of a slot
# search with results: the first specialty with a free slot in Oran within
# four weeks). The caller kills SERVER_PID.
start_demo_server() {
  local bin=$1 site=$2 port=$3 data=$4 s from to
  BASE="http://127.0.0.1:$port"
  LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    SIHATI_DATA_DIR="$data" SIHATI_SEED_DEMO=true SIHATI_LOG=warn "$bin" >>"$data/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 1; done
  curl -fs "$BASE/health/ready" >/dev/null || { cat "$data/server.log"; return 1; }
  curl -s -o /dev/null -D "$data/login.headers" -H "Origin: $BASE" \
    --data-urlencode login=0550000001 --data-urlencode password=Sihati-demo-2026 "$BASE/sfn/login" || true
  SESSION="$(grep -io '^set-cookie: [^=;]*sihati_session=[^;]*' "$data/login.headers" | sed 's/^[Ss]et-[Cc]ookie: //' | head -n1)"
  [ -n "$SESSION" ] || { echo "the demo citizen could not sign in"; cat "$data/server.log"; return 1; }
  from="$(date -u -d '+1 day' +%F)"
  to="$(date -u -d '+28 days' +%F)"
  SEARCH=
  for s in paediatrics dermatology ophthalmology ent general_practice; do
    if curl -fs "$BASE/api/v1/slots?specialty=$s&wilaya=31&from=$from&to=$to" | grep -q '"starts_at"'; then
      SEARCH="/book?specialty=$s&wilaya=31&from=$from&to=$to"
      return 0
    fi
  done
  echo "no free slot in the demo data"
  return 1
}

ensure_e2e_packages() {
  # Reinstalled whenever package-lock.json changed since the last install.
  if [ ! -x end2end/node_modules/.bin/playwright ] || ! cmp -s end2end/package-lock.json end2end/node_modules/.sihati-lock; then
    say "installing the end-to-end test packages (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && cp package-lock.json node_modules/.sihati-lock)
  fi
}

# A real SMTP server for the tests: aiosmtpd (the Python standard library's
# successor to smtpd), from PyPI into a project-local virtualenv. Tests start
# and stop it themselves; it stores what it receives in a Maildir.
SMTPD_PYTHON="$ROOT/.tools/smtpd/bin/python"
ensure_smtp_server() {
  if ! "$SMTPD_PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd (the SMTP server the tests talk to) from PyPI"
    python3 -m venv "$ROOT/.tools/smtpd"
    "$ROOT/.tools/smtpd/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
  fi
  export SIHATI_TEST_SMTPD_PYTHON="$SMTPD_PYTHON"
}

PG_ADMIN_URL="${SIHATI_PG_ADMIN_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"

# A running PostgreSQL reachable at $PG_ADMIN_URL: installed and started if
# missing, the postgres role given a password when the server asks for one.
ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting PostgreSQL"
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! psql "$PG_ADMIN_URL" -qtAc 'select 1' >/dev/null 2>&1; then
    say "setting the postgres role's password for local tests"
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  fi
  psql "$PG_ADMIN_URL" -qtAc 'select 1' >/dev/null
}
