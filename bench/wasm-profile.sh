#!/usr/bin/env bash
# Where the WASM's bytes go (issue 15). Not a test: builds the release site
# as bench/wasm-size.sh does but keeps the function names (no strip, and
# wasm-opt -g, which keeps the name section and optimises alike), then
# reads every module with twiggy and sums its items by crate: the main
# module (what every page loads) and the lazy chunks together. The figures
# go to docs/BENCHMARKS.md by hand, with the date and commit.
#
# Sizes are of the raw code and data, before compression; the name
# section itself is left out of the sums.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_rust_tools
ensure_wasm_opt
TWIGGY_VERSION=0.8.0
if ! twiggy --version 2>/dev/null | grep -q "$TWIGGY_VERSION"; then
  say "installing twiggy $TWIGGY_VERSION (once per machine)"
  cargo install twiggy --version "$TWIGGY_VERSION" --locked >&2
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# Its own site directory, kept: BENCH_REUSE=1 reads the last build again.
build_named_site
pkg="$LEPTOS_SITE_ROOT/pkg"
main="$(ls "$pkg"/sihati*.wasm)"
twiggy top -n 1000000 --format csv "$main" >"$WORK/main.csv"
: >"$WORK/lazy.csv"
for f in "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm; do
  [ -e "$f" ] || continue
  # A chunk of data alone has no code section, which twiggy refuses.
  twiggy top -n 1000000 --format csv "$f" 2>/dev/null | tail -n +2 >>"$WORK/lazy.csv" || echo "twiggy could not read $(basename "$f") ($(stat -c %s "$f") bytes)" >&2
done
command -v brotli >/dev/null || apt_install brotli >&2
python3 - "$WORK" "$(stat -c %s "$main")" "$main" "$ROOT/app/locales" <<'PY'
import csv, json, os, re, subprocess, sys, collections
work, main_size, main_file, locales = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def crate(item):
    """The crate an item's code belongs to, from its demangled name."""
    if item.startswith("custom section") or item.endswith("subsection"):
        return None  # names kept for this report, absent from the real build
    if item.startswith(("data segment", "data[")):
        return "(data: strings, tables, constants)"
    if item.startswith(("elem[", "type[", "table[", "import ", "export ", "global[", "memory[")) or item in ("code section headers", "wasm magic bytes"):
        return "(wasm structure)"
    # The first path segment that is not core, alloc or std: `<app::X as
    # leptos::Y>::f` is app's. Generic code of core, alloc and std (`ptr`
    # for destructors, `ops` for closures, `vec`…) is counted under its
    # module, not under the crate it was instantiated for.
    names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)::", item)
    for n in names:
        if n not in ("core", "alloc", "std", "_", "impl"):
            return n
    return names[0] if names else "(unnamed)"

def read(path):
    sums = collections.Counter()
    with open(path) as f:
        for row in csv.reader(f):
            if not row or row[0] in ("Name", "Item") or row[0].startswith("Σ"):
                continue
            name, size = row[0], int(row[1])
            c = crate(name)
            if c:
                sums[c] += size
    return sums

main, lazy = read(f"{work}/main.csv"), read(f"{work}/lazy.csv")
total_main, total_lazy = sum(main.values()), sum(lazy.values())
print(f"main module: {total_main:,} bytes of code and data ({main_size:,} with the name section); lazy chunks: {total_lazy:,}")
print()
print("| crate | main module | share | lazy chunks |")
print("| --- | ---: | ---: | ---: |")
for c, n in main.most_common(25):
    print(f"| {c} | {n:,} | {100 * n / total_main:.1f} % | {lazy.get(c, 0):,} |")
rest = total_main - sum(n for _, n in main.most_common(25))
print(f"| (the other {max(len(main) - 25, 0)} crates) | {rest:,} | {100 * rest / total_main:.1f} % | |")

# Generic code is named after the crate that defines it (a page's view is
# `tachys::…` code), so the main module's code again, by what it does.
def kind(item):
    for pattern, label in (
        (r"hydrate_async", "async hydration of views (`hydrate_async`)"),
        (r"::hydrate(::|<|$)", "hydration of views (`hydrate`)"),
        (r"::build(::|<|$)", "client rendering of views (`build`)"),
        (r"::rebuild", "re-rendering of views (`rebuild`)"),
        (r"leptos_router|ChooseView", "the router (route table, matching)"),
        (r"drop_in_place", "destructors (`drop_in_place`)"),
        (r"[Ss]erializ|serde_json|serde_qs|serde::", "serde (JSON, form encoding)"),
        (r"reactive_graph", "reactive runtime (`reactive_graph`)"),
        (r"server_fn|leptos_server", "server functions and actions"),
        (r"i18n|icu_", "i18n (leptos_i18n, ICU locale)"),
        (r"chrono", "chrono"),
        (r"core::fmt|::fmt::|Display|Debug", "formatting (`core::fmt`)"),
        (r"wasm_bindgen|js_sys|web_sys", "wasm-bindgen, js-sys, web-sys"),
        (r"tachys", "other view machinery (`tachys`)"),
    ):
        if re.search(pattern, item):
            return label
    return "everything else (allocator, collections, closures, tables)"

kinds = collections.Counter()
with open(f"{work}/main.csv") as f:
    for row in csv.reader(f):
        if not row or row[0] in ("Name", "Item") or row[0].startswith("Σ"):
            continue
        if crate(row[0]) in (None, "(data: strings, tables, constants)"):
            continue
        kinds[kind(row[0])] += int(row[1])
code = sum(kinds.values())
print()
print(f"The main module's code, {code:,} bytes, by what it does:")
print()
print("| what | bytes | share |")
print("| --- | ---: | ---: |")
for k, n in kinds.most_common():
    print(f"| {k} | {n:,} | {100 * n / code:.1f} % |")

# The data segments (all of them stay in the main module: wasm-split moves
# functions only) compressed, with and without the catalogues' strings.
def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1; r |= (x & 0x7F) << s; s += 7
        if x < 0x80:
            return r, i
b = open(main_file, "rb").read()
i, data = 8, bytearray()
while i < len(b):
    sid = b[i]; i += 1
    n, i = leb(b, i)
    if sid == 11:
        j = i
        count, j = leb(b, j)
        for _ in range(count):
            flag, j = leb(b, j)
            if flag == 2:
                _, j = leb(b, j)
            if flag in (0, 2):  # the offset: i32.const N, end
                assert b[j] == 0x41, "an offset other than i32.const"
                _, j = leb(b, j + 1)
                assert b[j] == 0x0B, "an offset longer than i32.const N"
                j += 1
            size, j = leb(b, j)
            data += b[j:j + size]; j += size
    i += n
brotli = lambda x: len(subprocess.run(["brotli", "-q", "11", "-c"], input=bytes(x), capture_output=True, check=True).stdout)
strings = set()
def walk(x):
    if isinstance(x, dict):
        for v in x.values(): walk(v)
    elif isinstance(x, str) and len(x.encode()) >= 6:
        strings.add(x.encode())
for name in os.listdir(locales):
    walk(json.load(open(os.path.join(locales, name))))
without = bytes(data)
for st in sorted(strings, key=len, reverse=True):
    without = without.replace(st, b"")
print()
print(f"Data segments: {len(data):,} bytes raw, {brotli(data):,} of brotli; without the catalogues' strings {len(without):,} raw, {brotli(without):,} of brotli.")
PY
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), twiggy $TWIGGY_VERSION"
