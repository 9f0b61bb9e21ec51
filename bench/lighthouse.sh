#!/usr/bin/env bash
# Page speed (issue 15). Not a test: it prints Lighthouse's figures for the
# home page, a slot search's results and "my appointments" (signed in as
# the demo citizen), in Arabic and in French, which go to
# docs/BENCHMARKS.md with the date and commit.
#
# Lighthouse from npm (installed into .tools/lighthouse on first use, never
# a browser: it drives Debian's Chromium), its default mobile preset: a
# Moto G-class screen, simulated slow 4G and a 4x slower CPU. The server is
# the release build as scripts/run.sh makes it (--split --precompress,
# hashed file names), on a fresh SQLite database with the demo data.
# Each page is measured BENCH_RUNS (3) times; the median run is reported,
# then what shifted the layout and what kept the main thread busy in it;
# BENCH_REPORTS=dir keeps each median run's JSON report there.
# BENCH_REPORTS as given, before lib.sh moves to the checkout's root.
if [ -n "${BENCH_REPORTS:-}" ]; then
  BENCH_REPORTS="$(mkdir -p "$BENCH_REPORTS" && cd "$BENCH_REPORTS" && pwd)" || exit 1
fi
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_wasm_opt
ensure_chromium
LIGHTHOUSE_VERSION=13.5.0
LH="$ROOT/.tools/lighthouse"
if [ ! -x "$LH/node_modules/.bin/lighthouse" ] || ! grep -q "\"version\": \"$LIGHTHOUSE_VERSION\"" "$LH/node_modules/lighthouse/package.json"; then
  say "installing lighthouse $LIGHTHOUSE_VERSION from npm into .tools/lighthouse"
  mkdir -p "$LH"
  npm install --prefix "$LH" --no-audit --no-fund "lighthouse@$LIGHTHOUSE_VERSION" >&2
fi

PORT="${BENCH_PORT:-3960}"
RUNS="${BENCH_RUNS:-3}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
bench_scratch

say "building the release site and server (as scripts/run.sh does)"
export LEPTOS_OUTPUT_NAME=sihati
cargo leptos build --release --split --precompress >&2

mkdir -p "$WORK/data"
start_demo_server "$TARGET/server-release/server" "$ROOT/target/site" "$PORT" "$WORK/data"

# One Lighthouse run of URL (LANG, COOKIES) into OUT.
lighthouse() {
  CHROME_PATH=/usr/bin/chromium "$LH/node_modules/.bin/lighthouse" "$BASE$1" \
    --quiet --output=json --output-path="$4" \
    --only-categories=performance,accessibility \
    --extra-headers="{\"Cookie\": \"$3\"}" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run --lang=$2" >&2
}

# measure URL LANG COOKIES: BENCH_RUNS runs, the median's figures as JSON.
# A run Lighthouse itself gives up on (it sometimes loses the trace:
# NO_NAVSTART, twice in a row once at e4699f8) is run again, up to twice.
measure() {
  local url=$1 lang=$2 cookies=$3 i
  for i in $(seq 1 "$RUNS"); do
    lighthouse "$url" "$lang" "$cookies" "$WORK/run-$i.json" || lighthouse "$url" "$lang" "$cookies" "$WORK/run-$i.json" \
      || lighthouse "$url" "$lang" "$cookies" "$WORK/run-$i.json" || { echo "lighthouse failed three times on $url" >&2; exit 1; }
  done
  python3 - "$WORK" "$RUNS" <<'PY'
import json, os, shutil, sys
work, runs = sys.argv[1], int(sys.argv[2])
reports = [json.load(open(f"{work}/run-{i}.json")) for i in range(1, runs + 1)]
score = lambda r: r["categories"]["performance"]["score"] or 0  # null: an audit failed (NO_LCP…)
median = sorted(reports, key=score)[len(reports) // 2]
# What moved and what kept the main thread busy, for the notes after the
# table (the reports themselves are kept where BENCH_REPORTS points).
diag = []
shifts = median["audits"].get("layout-shifts", {}).get("details", {}).get("items", [])
for item in shifts[:3]:
    node = item.get("node", {})
    diag.append(f"  shift {item.get('score', 0):.3f}: {node.get('selector', '?')} {node.get('snippet', '')[:90]}")
for item in median["audits"].get("long-tasks", {}).get("details", {}).get("items", [])[:4]:
    diag.append(f"  long task {item.get('duration', 0):.0f} ms at {item.get('startTime', 0):.0f} ms: {item.get('url', '')[-60:]}")
for item in median["audits"].get("mainthread-work-breakdown", {}).get("details", {}).get("items", [])[:4]:
    diag.append(f"  main thread {item.get('groupLabel', item.get('group'))}: {item.get('duration', 0):.0f} ms")
if os.environ.get("BENCH_REPORTS"):
    shutil.copy(f"{work}/run-{reports.index(median) + 1}.json", os.environ["BENCH_REPORTS"] + "/current.json")
# Lighthouse's measure of the host's CPU speed: the simulated blocking
# time scales with it, so figures from machines far apart do not compare.
diag.append(f"  host benchmark index {median['environment'].get('benchmarkIndex', 0):.0f}")
open(f"{work}/diag", "w").write("\n".join(diag))
print(json.dumps({
    "perf": [round(score(r) * 100) for r in reports],
    "a11y": round(median["categories"]["accessibility"]["score"] * 100),
    "lcp": median["audits"]["largest-contentful-paint"]["numericValue"],
    "tbt": median["audits"]["total-blocking-time"]["numericValue"],
    "cls": median["audits"]["cumulative-layout-shift"]["numericValue"],
    "bytes": median["audits"]["total-byte-weight"]["numericValue"],
}))
PY
}

printf '| page | language | performance (median; runs) | accessibility | LCP | TBT | CLS | bytes |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
# Each page: its short name (diagnostics, report files), its label in the
# table, its address.
declare -A LABEL=([home]="home" [search]="search results" [appointments]="my appointments")
declare -A URL=([home]="/" [search]="$SEARCH" [appointments]="/appointments")
for lang in ar fr; do
  for name in home search appointments; do
    page="${URL[$name]}"
    cookies="i18n_pref_locale=$lang"
    [ "$name" = appointments ] && cookies="$cookies; $SESSION"
    say "lighthouse: $page ($lang)" >&2
    measure "$page" "$lang" "$cookies" | python3 -c '
import json, sys
r = json.load(sys.stdin)
label, lang = sys.argv[1], sys.argv[2]
perf = sorted(r["perf"])[len(r["perf"]) // 2]
runs = ", ".join(map(str, r["perf"]))
a11y, lcp, tbt, cls, size = r["a11y"], r["lcp"] / 1000, r["tbt"], r["cls"], r["bytes"]
print(f"| {label} | {lang} | {perf} ({runs}) | {a11y} | {lcp:.2f} s | {tbt:.0f} ms | {cls:.3f} | {size:,.0f} |")
' "${LABEL[$name]}" "$lang"
    { echo "$name ($lang), the median run:"; cat "$WORK/diag"; echo; } >>"$WORK/diagnostics"
    [ -n "${BENCH_REPORTS:-}" ] && mv "$BENCH_REPORTS/current.json" "$BENCH_REPORTS/$name-$lang.json"
  done
done
echo
cat "$WORK/diagnostics"
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(nproc) cores, lighthouse $LIGHTHOUSE_VERSION (mobile preset)"
