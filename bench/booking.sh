#!/usr/bin/env bash
# Booking benchmark (issue 3). Not a test: it prints figures that go to
# docs/BENCHMARKS.md with the date, commit and machine.
#
# 1. A fresh PostgreSQL database seeded with 1,000,000 slots (2,000
#    practitioners x 500), 100 facilities and 200,000 patients.
# 2. Slot search: BENCH_CONCURRENCY (200) keep-alive connections for
#    BENCH_SECONDS (20) against the release server, then against a raw axum
#    handler returning the same JSON from memory.
# 3. Booking: 200 citizens booking distinct slots through the API, each
#    for its next dependant (per-person rules never bind), then pgbench
#    running the same INSERT with the same client count.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_postgres

CONC="${BENCH_CONCURRENCY:-200}"
SECS="${BENCH_SECONDS:-20}"
PORT="${BENCH_PORT:-3950}"
RAW_PORT=$((PORT + 1))
DB=sihati_bench
DB_URL="${PG_ADMIN_URL%/*}/$DB"
WORK="$(mktemp -d)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# 200 clients plus the server's pool need more than PostgreSQL's default 100.
if [ "$(psql "$PG_ADMIN_URL" -qtAc 'show max_connections')" -lt $((CONC + 60)) ]; then
  say "raising PostgreSQL max_connections to $((CONC + 100)) (restart)"
  psql "$PG_ADMIN_URL" -qc "ALTER SYSTEM SET max_connections = $((CONC + 100))"
  version="$(ls /etc/postgresql | sort -V | tail -n1)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart || pg_ctlcluster "$version" main restart
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
command -v pgbench >/dev/null || apt_install postgresql-contrib

say "building the server and the load generator (release profiles)"
cargo build --profile server-release -p server -p loadgen
SERVER="$TARGET/server-release/server"
LOADGEN="$TARGET/server-release/loadgen"

start_server() {
  LEPTOS_OUTPUT_NAME=sihati LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    SIHATI_DATA_DIR="$WORK" SIHATI_DATABASE_URL="$DB_URL" SIHATI_DATABASE_MAX_CONNECTIONS="${BENCH_POOL:-40}" \
    SIHATI_LOGIN_PER_IP_PER_MINUTE=100000 SIHATI_LOGIN_PER_ACCOUNT_PER_MINUTE=100000 \
    SIHATI_BOOKING_PER_IP_PER_MINUTE=10000000 SIHATI_BOOKING_PER_ACCOUNT_PER_MINUTE=10000000 \
    SIHATI_ACCOUNT_ACTIONS_PER_IP_PER_MINUTE=100000 SIHATI_CODES_PER_IP_PER_HOUR=100000 \
    SIHATI_LOG=warn "$SERVER" >"$WORK/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && return; sleep 1; done
  cat "$WORK/server.log"; exit 1
}

say "a fresh database $DB (schema and reference data by the server itself)"
psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
start_server

say "seeding 100 facilities, 2,000 practitioners, 1,000,000 slots, 200,000 patients"
time psql "$DB_URL" -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TEMP TABLE specs AS
  SELECT row_number() OVER (ORDER BY code) - 1 AS k, id FROM specialties WHERE NOT referral_required ORDER BY code LIMIT 10;
INSERT INTO facilities (id, kind, name_ar, name_fr, wilaya_code, commune_id, address, phone, created_at)
  SELECT gen_random_uuid(), 'polyclinic', 'عيادة ' || f, 'Polyclinique ' || f, '31', NULL, 'Adresse ' || f, NULL, now()
  FROM generate_series(1, 100) f;
CREATE TEMP TABLE fac AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM facilities;
CREATE TEMP TABLE prac AS SELECT p, gen_random_uuid() AS id FROM generate_series(0, 1999) p;
INSERT INTO practitioners (id, user_id, given_name, family_name, specialty_id, created_at)
  SELECT prac.id, NULL, 'Praticien', 'N' || p, specs.id, now() FROM prac JOIN specs ON specs.k = p % 10;
INSERT INTO practitioner_facilities (practitioner_id, facility_id)
  SELECT prac.id, fac.id FROM prac JOIN fac ON fac.k = p % 100;
INSERT INTO slots (id, facility_id, practitioner_id, specialty_id, template_id, starts_at, ends_at, status, created_at)
  SELECT gen_random_uuid(), fac.id, prac.id, specs.id, NULL,
         date_trunc('day', now()) + (d + 1) * interval '1 day' + interval '7 hours' + s * interval '20 minutes',
         date_trunc('day', now()) + (d + 1) * interval '1 day' + interval '7 hours 20 minutes' + s * interval '20 minutes',
         'open', now()
  FROM prac JOIN fac ON fac.k = p % 100 JOIN specs ON specs.k = p % 10, generate_series(0, 49) d, generate_series(0, 9) s;
INSERT INTO users (id, role, facility_id, nin, given_name, family_name, birth_date, sex, phone, email, email_key, password_hash, lang, created_at, updated_at, password_changed_at)
  SELECT gen_random_uuid(), 'citizen', NULL, lpad((300000000000000000 + n)::text, 18, '0'), 'Patient', 'N' || n, DATE '1980-01-01', 'female',
         '06' || lpad(n::text, 8, '0'), NULL, NULL, 'unusable', 'fr', now(), now(), now()
  FROM generate_series(1, 199800) n;
ANALYZE;
SQL
psql "$DB_URL" -qtAc "select 'slots: ' || count(*) from slots union all select 'practitioners: ' || count(*) from practitioners union all select 'patients: ' || count(*) from users where role = 'citizen'"

CODE="$(psql "$DB_URL" -qtAc "select code from specialties where not referral_required order by code limit 1")"
FROM="$(date -u -d '+1 day' +%F)"; TO="$(date -u -d '+28 days' +%F)"
SEARCH="/api/v1/slots?specialty=$CODE&wilaya=31&from=$FROM&to=$TO&limit=200"
curl -fs "http://127.0.0.1:$PORT$SEARCH" >"$WORK/search.json"
echo "search answer: $(wc -c <"$WORK/search.json") bytes, $(grep -o '"id"' "$WORK/search.json" | wc -l) slots"
"$LOADGEN" raw --port "$RAW_PORT" --json "$WORK/search.json" & PIDS+=($!)
sleep 1

say "slot search, $CONC connections, $SECS s: the real server, then the raw handler"
"$LOADGEN" search --url "http://127.0.0.1:$PORT$SEARCH" --concurrency "$CONC" --seconds "$SECS" | tee "$WORK/search-real.txt"
"$LOADGEN" search --url "http://127.0.0.1:$RAW_PORT$SEARCH" --concurrency "$CONC" --seconds "$SECS" | tee "$WORK/search-raw.txt"

say "registering $CONC citizens with 200 dependants each, signing them in"
register() {
  local nin phone
  nin="$(printf '4%017d' "$1")"; phone="$(printf '07%08d' "$1")"
  curl -fs -o /dev/null -H 'content-type: application/json' "http://127.0.0.1:$PORT/api/v1/auth/register" \
    -d "{\"nin\":\"$nin\",\"given_name\":\"Bench\",\"family_name\":\"Client\",\"birth_date\":\"1990-01-01\",\"sex\":\"male\",\"phone\":\"$phone\",\"email\":\"\",\"password\":\"banc d'essai d'Oran\",\"lang\":\"fr\"}"
}
export -f register; export PORT
seq 1 "$CONC" | xargs -P 4 -I{} bash -c 'register {}'
# Their phones count as verified (bench arrangement: nobody reads the SMS
# files; an unverified account cannot book).
psql "$DB_URL" -qc "UPDATE users SET phone_verified_at = now() WHERE given_name = 'Bench' AND family_name = 'Client'"
# Each booking is for a different person (one active appointment per person
# and specialty): the dependants make that possible without cancelling
# (inserted directly: far above the product's cap of 10 per account).
psql "$DB_URL" -qc "INSERT INTO dependants (id, holder_id, given_name, family_name, birth_date, sex, nin, relation, verified_at, verified_by, created_at)
  SELECT gen_random_uuid(), u.id, 'Enfant', 'N' || g, DATE '2015-01-01', 'male', NULL, 'child', NULL, NULL, now()
  FROM users u, generate_series(1, 200) g WHERE u.given_name = 'Bench' AND u.family_name = 'Client'"
: >"$WORK/clients"
for i in $(seq 1 "$CONC"); do
  phone="$(printf '07%08d' "$i")"
  token="$(curl -fs -H 'content-type: application/json' "http://127.0.0.1:$PORT/api/v1/auth/token" -d "{\"login\":\"$phone\",\"password\":\"banc d'essai d'Oran\"}" \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')"
  deps="$(curl -fs -H "authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/me/dependants?limit=200" | grep -oE '"id":"[0-9a-f-]+"' | cut -d'"' -f4 | paste -sd,)"
  printf '%s\t%s\n' "$token" "$deps" >>"$WORK/clients"
done
# Slots of the searched specialty only: every dependant may hold one.
psql "$DB_URL" -qtAc "select s.id from slots s join specialties sp on sp.id = s.specialty_id where sp.code = '$CODE' and s.starts_at > now() + interval '1 day' order by random()" >"$WORK/slots"

say "booking through the API, $CONC citizens, $SECS s"
"$LOADGEN" book --base "http://127.0.0.1:$PORT" --clients "$WORK/clients" --slots "$WORK/slots" --seconds "$SECS" | tee "$WORK/book-real.txt"

say "pgbench: the same INSERT, $CONC clients, $SECS s"
psql "$DB_URL" -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE bench_slots AS SELECT row_number() OVER () AS n, id, facility_id, specialty_id FROM slots WHERE id NOT IN (SELECT slot_id FROM appointments);
CREATE UNIQUE INDEX ON bench_slots (n);
CREATE TABLE bench_patients AS SELECT row_number() OVER () AS n, id FROM users WHERE role = 'citizen';
CREATE UNIQUE INDEX ON bench_patients (n);
SQL
NSLOTS="$(psql "$DB_URL" -qtAc 'select count(*) from bench_slots')"
cat >"$WORK/insert.sql" <<SQL
\set s random(1, $NSLOTS)
\set p random(1, 200000)
INSERT INTO appointments (id, facility_id, slot_id, patient_id, subject_id, booked_by, specialty_id, status, active_slot_id, active_specialty_id, created_at, updated_at)
  SELECT gen_random_uuid(), s.facility_id, s.id, p.id, p.id, p.id, s.specialty_id, 'booked', s.id, s.specialty_id, now(), now()
  FROM bench_slots s, bench_patients p WHERE s.n = :s AND p.n = :p
  ON CONFLICT DO NOTHING;
SQL
pgbench -n -c "$CONC" -j 2 -T "$SECS" -f "$WORK/insert.sql" "$DB_URL" 2>&1 | grep -E 'tps|latency|number of (transactions|failed)' | tee "$WORK/pgbench.txt"

echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, PostgreSQL $(psql "$PG_ADMIN_URL" -qtAc 'show server_version'), server pool ${BENCH_POOL:-40}"
