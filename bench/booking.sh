#!/usr/bin/env bash
# Search and booking benchmark (issues 3 and 15). Not a test: it prints
# figures that go to docs/BENCHMARKS.md with the date, commit and machine.
#
# Fair by construction: the load generators (loadgen, pgbench) run on one
# core, everything measured (Sihati, the raw handler, PostgreSQL) on the
# other (taskset; PostgreSQL's processes are pinned for the run and given
# back every core after). Every figure is measured BENCH_RUNS (3) times and
# reported as the median with the spread, with the CPU time Sihati and
# PostgreSQL spent per request.
#
# 1. A fresh PostgreSQL database seeded with 1,000,000 slots (2,000
#    practitioners x 500), 100 facilities and 200,000 patients.
# 2. Slot search: BENCH_CONCURRENCY (200) keep-alive connections for
#    BENCH_SECONDS (20) against the release server, then against a raw axum
#    handler returning the same bytes from memory.
# 3. Booking: 200 citizens booking distinct slots through the API, each for
#    its next dependant (per-person rules never bind); then pgbench with as
#    many clients running the statements one booking issues, as PostgreSQL
#    logged them for one booking through the API (bench/booking_sql.py),
#    prepared once per connection as sqlx prepares them (-M prepared);
#    then pgbench's bare INSERT for reference.
#
# It changes nothing for good: max_connections, when it must be raised, is
# reset (and PostgreSQL restarted) on exit; the statement log is a setting
# of the bench database, which is dropped on exit. It installs only what it
# runs: PostgreSQL and pgbench (Debian) when missing.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_postgres
command -v pgbench >/dev/null || apt_install postgresql-contrib

CONC="${BENCH_CONCURRENCY:-200}"
SECS="${BENCH_SECONDS:-20}"
RUNS="${BENCH_RUNS:-3}"
PORT="${BENCH_PORT:-3950}"
RAW_PORT=$((PORT + 1))
DB=sihati_bench
DB_URL="${PG_ADMIN_URL%/*}/$DB"
WORK="$(mktemp -d)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PG_VERSION="$(ls /etc/postgresql | sort -V | tail -n1)"
PG_LOG="/var/log/postgresql/postgresql-$PG_VERSION-main.log"
NCPU="$(nproc)"
LOAD_CPU=0
SUT_CPU=$((NCPU - 1))
ALL_CPUS="0-$((NCPU - 1))"
HZ="$(getconf CLK_TCK)"
PIDS=()
RAISED=0
SERVER_PID=

restart_pg() {
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main restart || pg_ctlcluster "$PG_VERSION" main restart
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
}
pg_pids() { pgrep -u postgres -x postgres || true; }
pin_pg() { for p in $(pg_pids); do taskset -a -p -c "$1" "$p" >/dev/null 2>&1 || true; done; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  sleep 1
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  if [ "$RAISED" = 1 ]; then
    psql "$PG_ADMIN_URL" -qc "ALTER SYSTEM RESET max_connections" >/dev/null 2>&1 || true
    restart_pg
  fi
  pin_pg "$ALL_CPUS"
  rm -rf "$WORK"
}
trap cleanup EXIT

# CPU ticks (user + system, and reaped children's) of some processes.
ticks() {
  local t=0 p f
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    read -r -a f <"/proc/$p/stat" || continue
    t=$((t + f[13] + f[14] + f[15] + f[16]))
  done
  echo "$t"
}

# 200 clients plus the server's pool need more than PostgreSQL's default 100.
if [ "$(psql "$PG_ADMIN_URL" -qtAc 'show max_connections')" -lt $((CONC + 60)) ]; then
  say "raising PostgreSQL max_connections to $((CONC + 100)) for this run (reset on exit)"
  psql "$PG_ADMIN_URL" -qc "ALTER SYSTEM SET max_connections = $((CONC + 100))"
  RAISED=1
  restart_pg
fi

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
    SIHATI_LOG=warn "$@" taskset -c "$SUT_CPU" "$SERVER" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && return; sleep 1; done
  cat "$WORK/server.log"; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

say "a fresh database $DB (schema and reference data by the server itself)"
psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
pin_pg "$SUT_CPU"
start_server env

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
taskset -c "$SUT_CPU" "$LOADGEN" raw --port "$RAW_PORT" --json "$WORK/search.json" & RAW_PID=$!; PIDS+=($RAW_PID)
sleep 1

# One measured run: the load generator on its core; the CPU time of the
# given processes (and PostgreSQL's) over the run, per request done.
declare -A RATE CPU_MS
measure() { # label, "pids", command…
  local label=$1 pids=$2; shift 2
  local t0 t1 out ok rate
  t0=$(ticks $pids $(pg_pids))
  # A pgbench client that fails (it should not: every stage has its own
  # slots and patients) ends pgbench with status 2; its report still counts.
  out="$({ taskset -c "$LOAD_CPU" "$@" 2>&1 || true; } | tee -a /dev/stderr | tail -n 20)"
  sleep 1 # the ended clients' backends reaped (their time goes to the postmaster)
  t1=$(ticks $pids $(pg_pids))
  case "$label" in
    pgbench*) ok="$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' <<<"$out")"
              rate="$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | cut -d. -f1)" ;;
    *) ok="$(sed -nE 's/.*: ([0-9]+) ok.*/\1/p' <<<"$out")"; rate="$(sed -nE 's/.*= ([0-9]+)\/s.*/\1/p' <<<"$out")" ;;
  esac
  RATE[$label]+="$rate "
  CPU_MS[$label]+="$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.2f", d * 1000 / hz / n; else printf "-" }') "
  echo "$label: $rate/s, $(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.2f", d * 1000 / hz / n; else printf "-" }') ms of CPU (server and PostgreSQL) per request" >&2
}

say "slot search, $CONC connections, $SECS s, $RUNS runs: Sihati, then the raw handler (same bytes from memory)"
for run in $(seq 1 "$RUNS"); do
  measure "search" "$SERVER_PID" "$LOADGEN" search --url "http://127.0.0.1:$PORT$SEARCH" --concurrency "$CONC" --seconds "$SECS"
  measure "raw" "$RAW_PID" "$LOADGEN" search --url "http://127.0.0.1:$RAW_PORT$SEARCH" --concurrency "$CONC" --seconds "$SECS"
done
say "the same search with the answer cache off (SIHATI_SEARCH_CACHE_MS=0): what each miss costs"
stop_server
start_server env SIHATI_SEARCH_CACHE_MS=0
pin_pg "$SUT_CPU"
for run in $(seq 1 "$RUNS"); do
  measure "search-uncached" "$SERVER_PID" "$LOADGEN" search --url "http://127.0.0.1:$PORT$SEARCH" --concurrency "$CONC" --seconds "$SECS"
done
stop_server
start_server env
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
# The account an access token names (its `sub`).
token_sub() { TOKEN="$1" python3 -c 'import base64,json,os; p=os.environ["TOKEN"].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["sub"])'; }
TOKEN1="$(head -n1 "$WORK/clients" | cut -f1)"
HOLDER1="$(token_sub "$TOKEN1")"

say "capturing the statements of one booking (PostgreSQL's statement log, on $DB only)"
psql "$DB_URL" -qc "ALTER DATABASE $DB SET log_statement = 'all'"
stop_server
# New connections get the setting; the outbox worker waits (its polls are
# not the booking's).
start_server env SIHATI_OUTBOX_POLL_MS=3600000
sleep 3
CAPTURE_SLOT="$(psql "$DB_URL" -qtAc "select s.id from slots s join specialties sp on sp.id = s.specialty_id where sp.code = '$CODE' and s.starts_at > now() + interval '2 days' and not exists (select 1 from appointments a where a.active_slot_id = s.id) limit 1")"
# One signed-in read first, outside the capture: it fills the verified-session
# cache as every timed booking finds it (200 tokens, each reused well within
# the cache's 5 s), so the captured booking issues what a timed one does and
# pgbench does not replay the session and account reads the API mostly skips.
curl -fs -o /dev/null -H "authorization: Bearer $TOKEN1" "http://127.0.0.1:$PORT/api/v1/me/dependants?limit=1"
offset="$(stat -c %s "$PG_LOG")"
booked="$(curl -fs -H "authorization: Bearer $TOKEN1" -H 'content-type: application/json' "http://127.0.0.1:$PORT/api/v1/appointments" -d "{\"slot_id\":\"$CAPTURE_SLOT\"}")"
sleep 1
tail -c +$((offset + 1)) "$PG_LOG" >"$WORK/capture.log"
psql "$DB_URL" -qc "ALTER DATABASE $DB RESET log_statement"
APPT="$(sed -E 's/.*"id":"([0-9a-f-]+)".*/\1/' <<<"$booked")"
{ echo "$APPT"; psql "$DB_URL" -qtAc "select id from outbox where appointment_id = '$APPT' order by created_at, id"; } >"$WORK/new-ids"
python3 "$ROOT/bench/booking_sql.py" "$WORK/capture.log" "$CAPTURE_SLOT" "$HOLDER1" "$WORK/new-ids" >"$WORK/booking.pgbench" 2>"$WORK/booking-statements.txt"
echo "one booking issues $(grep -c . "$WORK/booking-statements.txt") statements (BEGIN and COMMIT included):"
cat "$WORK/booking-statements.txt"
echo "the pgbench script made of them:"
cat "$WORK/booking.pgbench"
stop_server
start_server env
pin_pg "$SUT_CPU"

say "pgbench's tables: free slots, patients, the ids each transaction creates"
NEW_IDS="$(grep -c . "$WORK/new-ids")"
psql "$DB_URL" -q -v ON_ERROR_STOP=1 <<SQL
-- The API stage books only '$CODE' slots and the Bench clients' dependants;
-- pgbench's two scripts take the other specialties' slots and the seeded
-- patients, each its own half, so no stage takes another's rows.
CREATE TEMP TABLE other_slots AS SELECT row_number() OVER (ORDER BY s.id) AS r, s.id, s.facility_id, s.specialty_id FROM slots s
  JOIN specialties sp ON sp.id = s.specialty_id WHERE sp.code <> '$CODE' AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.slot_id = s.id);
CREATE TABLE bench_slots AS SELECT row_number() OVER (ORDER BY r) AS n, id, facility_id, specialty_id FROM other_slots WHERE r % 2 = 0;
CREATE TABLE bench_insert_slots AS SELECT row_number() OVER (ORDER BY r) AS n, id, facility_id, specialty_id FROM other_slots WHERE r % 2 = 1;
CREATE UNIQUE INDEX ON bench_slots (n);
CREATE UNIQUE INDEX ON bench_insert_slots (n);
CREATE TEMP TABLE seeded AS SELECT row_number() OVER (ORDER BY id) AS r, id FROM users WHERE role = 'citizen' AND given_name = 'Patient';
CREATE TABLE bench_patients AS SELECT r AS n, id FROM seeded WHERE r <= 100000;
CREATE TABLE bench_insert_patients AS SELECT r - 100000 AS n, id FROM seeded WHERE r > 100000;
CREATE UNIQUE INDEX ON bench_patients (n);
CREATE UNIQUE INDEX ON bench_insert_patients (n);
CREATE TABLE bench_new AS SELECT n, k, gen_random_uuid() AS id FROM generate_series(1, 100000) n, generate_series(0, $NEW_IDS - 1) k;
CREATE UNIQUE INDEX ON bench_new (n, k);
CREATE SEQUENCE bench_n;
ANALYZE;
SQL
# The generated script once, prepared, before any timed run: a statement
# PostgreSQL cannot prepare fails here with its message, not as a run of
# aborted clients. It books one of pgbench's slots (its `n` is 1; the timed
# runs take the next ones).
if ! pgbench -n -M prepared -t 1 -c 1 -f "$WORK/booking.pgbench" "$DB_URL" >"$WORK/check.out" 2>&1; then
  echo "the pgbench script made of one booking's statements does not run prepared:"; cat "$WORK/check.out"; exit 1
fi
NSLOTS="$(psql "$DB_URL" -qtAc 'select count(*) from bench_insert_slots')"
NPATIENTS="$(psql "$DB_URL" -qtAc 'select count(*) from bench_insert_patients')"
cat >"$WORK/insert.sql" <<SQL
\set s random(1, $NSLOTS)
\set p random(1, $NPATIENTS)
INSERT INTO appointments (id, facility_id, slot_id, patient_id, subject_id, booked_by, specialty_id, status, active_slot_id, active_specialty_id, created_at, updated_at)
  SELECT gen_random_uuid(), s.facility_id, s.id, p.id, p.id, p.id, s.specialty_id, 'booked', s.id, s.specialty_id, now(), now()
  FROM bench_insert_slots s, bench_insert_patients p WHERE s.n = :s AND p.n = :p
  ON CONFLICT DO NOTHING;
SQL

# Each run books for dependants and slots still free (one active
# appointment per person and specialty).
book_files() {
  psql "$DB_URL" -qtAc "select s.id from slots s join specialties sp on sp.id = s.specialty_id where sp.code = '$CODE' and s.starts_at > now() + interval '1 day'
    and not exists (select 1 from appointments a where a.active_slot_id = s.id) order by random()" >"$WORK/slots"
  : >"$WORK/clients-run"
  while IFS=$'\t' read -r token _; do
    holder="$(token_sub "$token")"
    deps="$(psql "$DB_URL" -qtAc "select string_agg(d.id::text, ',') from dependants d where d.holder_id = '$holder'
      and not exists (select 1 from appointments a join specialties sp on sp.id = a.specialty_id where a.subject_id = d.id and sp.code = '$CODE' and a.active_specialty_id is not null)")"
    printf '%s\t%s\n' "$token" "$deps" >>"$WORK/clients-run"
  done <"$WORK/clients"
}

say "booking, $CONC clients, $SECS s, $RUNS runs: through the API; pgbench with the same statements; pgbench's bare INSERT"
for run in $(seq 1 "$RUNS"); do
  book_files
  measure "book" "$SERVER_PID" "$LOADGEN" book --base "http://127.0.0.1:$PORT" --clients "$WORK/clients-run" --slots "$WORK/slots" --seconds "$SECS"
  measure "pgbench-same" "" pgbench -n -M prepared -c "$CONC" -j 1 -T "$SECS" -f "$WORK/booking.pgbench" "$DB_URL"
  measure "pgbench-same-simple" "" pgbench -n -c "$CONC" -j 1 -T "$SECS" -f "$WORK/booking.pgbench" "$DB_URL"
  measure "pgbench-insert" "" pgbench -n -M prepared -c "$CONC" -j 1 -T "$SECS" -f "$WORK/insert.sql" "$DB_URL"
done

median() { tr ' ' '\n' | grep -v '^$' | grep -v '^-$' | sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'; }
spread() { tr ' ' '\n' | grep -v '^$' | grep -v '^-$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'; }
row() { # label, what
  printf '| %s | %s /s | %s | %s ms |\n' "$2" "$(median <<<"${RATE[$1]}")" "$(spread <<<"${RATE[$1]}")" "$(median <<<"${CPU_MS[$1]}")"
}
echo
echo "| what | median | spread ($RUNS runs) | CPU per request (server + PostgreSQL) |"
echo "| --- | ---: | ---: | ---: |"
row search "slot search, Sihati"
row search-uncached "slot search, Sihati, answer cache off"
row raw "same bytes from memory (raw axum)"
row book "booking through the API"
row pgbench-same "pgbench, one booking's statements (prepared, as sqlx runs them)"
row pgbench-same-simple "pgbench, one booking's statements (simple protocol: parsed and planned each time)"
row pgbench-insert "pgbench, the bare INSERT"
ratio() { awk -v a="$(median <<<"${RATE[$1]}")" -v b="$(median <<<"${RATE[$2]}")" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else print "-" }'; }
echo
echo "search: $(ratio search raw) of the raw handler (target 30 %); booking: $(ratio book pgbench-same) of its own statements in pgbench (target 40 %), $(ratio book pgbench-insert) of the bare INSERT"
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $NCPU cores (load on CPU $LOAD_CPU, server and PostgreSQL on CPU $SUT_CPU), $(free -g | awk '/Mem:/{print $2}') GiB, PostgreSQL $(psql "$PG_ADMIN_URL" -qtAc 'show server_version'), server pool ${BENCH_POOL:-40}"
