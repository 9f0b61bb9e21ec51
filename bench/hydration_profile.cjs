// The profile half of bench/hydration-profile.sh (issue 15): loads each page
// in Debian's Chromium with the CPU slowed 4x, samples V8 from the request
// to two seconds after it is hydrated, and prints where the main
// thread's time went. Arguments: BASE SESSION "PAGES" "LANGS" SEARCH.
"use strict";
const { chromium } = require("playwright-core");

const [base, session, pagesArg, langsArg, search] = process.argv.slice(2);
const urls = { home: "/", search, appointments: "/appointments" };
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
// BENCH_JS_FLAGS: V8 flags for an experiment (--no-wasm-lazy-compilation…).
if (process.env.BENCH_JS_FLAGS) FLAGS.push(`--js-flags=${process.env.BENCH_JS_FLAGS}`);

// Rust's legacy mangling (`_ZN4core3fmt5write17h…E`), when the name
// section kept it; names already demangled pass through.
function demangle(name) {
  if (!name.startsWith("_ZN")) return name.replace(/::h[0-9a-f]{16}$/, "");
  const parts = [];
  let i = 3;
  while (i < name.length && name[i] !== "E") {
    const m = /^\d+/.exec(name.slice(i));
    if (!m) break;
    i += m[0].length;
    parts.push(name.slice(i, i + Number(m[0])));
    i += Number(m[0]);
  }
  return parts
    .filter((p) => !/^h[0-9a-f]{16}$/.test(p))
    .join("::")
    .replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$RF\$/g, "&").replace(/\$BP\$/g, "*")
    .replace(/\$C\$/g, ",").replace(/\$u20\$/g, " ").replace(/\$u7b\$/g, "{").replace(/\$u7d\$/g, "}")
    .replace(/\$u5b\$/g, "[").replace(/\$u5d\$/g, "]").replace(/\$u27\$/g, "'").replace(/\.\./g, "::");
}

// The crate a WASM function belongs to, as bench/wasm-profile.sh counts
// it: the first path segment that is not core, alloc or std (generic code
// of those is counted under its module: `ptr` for destructors…).
function crate(name) {
  const segments = [...name.matchAll(/([A-Za-z_][A-Za-z0-9_]*)::/g)].map((m) => m[1]);
  const own = segments.find((s) => !["core", "alloc", "std", "_", "impl"].includes(s));
  return own || segments[0] || "(unnamed: " + name.slice(0, 40) + ")";
}

function isWasm(frame) {
  return frame.url.includes(".wasm") || frame.url.startsWith("wasm://");
}

// What one sample is, from its stack (root first): native V8 work, the
// garbage collector, JavaScript (by file), or WASM (by crate).
function bucket(frame) {
  const f = frame.functionName;
  if (f === "(garbage collector)") return "(garbage collector)";
  if (f === "(program)") return "(program: V8 native work, compiling, parsing)";
  if (isWasm(frame)) return "wasm " + crate(demangle(f));
  const file = frame.url ? frame.url.replace(/^.*\//, "").replace(/\.[0-9a-z_-]{10,}\./, ".") : "(inline or native)";
  return "js " + file;
}

function report(profile, longTasks) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const selfByBucket = new Map();
  const entry = new Map();
  const appInclusive = new Map();
  let busy = 0;
  const add = (m, k, v) => m.set(k, (m.get(k) || 0) + v);
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]) / 1000; // ms
    const node = nodes.get(id);
    if (node.callFrame.functionName === "(idle)" || node.callFrame.functionName === "(root)") return;
    busy += dt;
    add(selfByBucket, bucket(node.callFrame), dt);
    // The stack, root first.
    const stack = [];
    for (let n = id; n !== undefined; n = parent.get(n)) stack.unshift(nodes.get(n).callFrame);
    const firstWasm = stack.find(isWasm);
    if (firstWasm) add(entry, demangle(firstWasm.functionName), dt);
    const seen = new Set();
    for (const frame of stack) {
      if (!isWasm(frame)) continue;
      const name = demangle(frame.functionName);
      if (!/(^|[<\s&])app::/.test(name) || seen.has(name)) continue;
      seen.add(name);
      add(appInclusive, name, dt);
    }
  });
  const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const lines = [];
  const total = longTasks.reduce((s, t) => s + t.duration, 0);
  const blocking = longTasks.reduce((s, t) => s + Math.max(0, t.duration - 50), 0);
  lines.push(`  long tasks: ${longTasks.length}, ${total.toFixed(0)} ms in all, ${blocking.toFixed(0)} ms over 50 ms each: ` +
    longTasks.map((t) => `${t.duration.toFixed(0)} ms at ${t.startTime.toFixed(0)}`).join(", "));
  lines.push(`  busy (sampled, 4x slower CPU): ${busy.toFixed(0)} ms; self time by kind:`);
  for (const [k, v] of top(selfByBucket, 18)) lines.push(`    ${v.toFixed(1).padStart(7)} ms  ${(100 * v / busy).toFixed(1).padStart(5)} %  ${k}`);
  lines.push("  WASM time by the function JavaScript called into (inclusive):");
  for (const [k, v] of top(entry, 8)) lines.push(`    ${v.toFixed(1).padStart(7)} ms  ${k.slice(0, 150)}`);
  lines.push("  the app's functions by inclusive time:");
  for (const [k, v] of top(appInclusive, 15)) lines.push(`    ${v.toFixed(1).padStart(7)} ms  ${k.slice(0, 150)}`);
  return lines.join("\n");
}

(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: FLAGS.slice(1), headless: true });
  for (const lang of langsArg.split(/\s+/).filter(Boolean)) {
    for (const page of pagesArg.split(/\s+/).filter(Boolean)) {
      const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, locale: lang });
      // As a header, as bench/lighthouse.sh gives them (the session
      // cookie's __Host- prefix wants https in the cookie store).
      await context.setExtraHTTPHeaders({ Cookie: `i18n_pref_locale=${lang}` + (page === "appointments" ? `; ${session}` : "") });
      await context.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push({ startTime: e.startTime, duration: e.duration });
        }).observe({ type: "longtask", buffered: true });
      });
      const tab = await context.newPage();
      const cdp = await context.newCDPSession(tab);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
      await cdp.send("Profiler.start");
      await tab.goto(base + urls[page], { waitUntil: "networkidle" });
      // The frontend marks the body once hydrated (or says why not).
      await tab.waitForSelector('body[data-hydrated="true"], body[data-panic]', { timeout: 60000 });
      const panic = await tab.getAttribute("body", "data-panic");
      if (panic) throw new Error(`${page} (${lang}) panicked while hydrating: ${panic}`);
      // Whatever hydration started (lazy chunks, the first fetches).
      await tab.waitForTimeout(2000);
      const { profile } = await cdp.send("Profiler.stop");
      const longTasks = await tab.evaluate(() => window.__longTasks);
      console.log(`${page} (${lang}):`);
      console.log(report(profile, longTasks));
      console.log();
      await context.close();
    }
  }
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
