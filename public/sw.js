// Sihati's service worker: "my appointments" and each appointment's pass
// (with its QR code) open offline from the last copy seen online, marked
// as such. Nothing else is kept here (the browser's HTTP cache keeps the
// hashed /pkg files), and nothing personal outlives the session: a copy is
// kept only of a page that showed the signed-in person's appointments or
// pass (the server marks those with `data-keep-offline`); any other answer
// for these pages (signed out: the sign-in page; a client error), any
// sign-in, registration, sign-out or account closure, and a copy older
// than a web session can live (14 days) empty it. A server error (5xx)
// shows the copy and leaves it as it is. A connection that hangs (common
// on 3G: connected, but nothing comes back) is treated as none once it has
// kept the person waiting PATIENCE_MS: the copy is shown, and the page from
// the network, if it ever arrives, still replaces the copy for next time.
// Its logic is unit-tested in end2end/unit/sw.test.mjs, the browser's
// behaviour in end2end/tests/offline.spec.ts.
'use strict';

const PERSONAL = 'sihati-personal-v1';
const LIST = '/appointments';
const PASS = /^\/appointments\/[^/]+\/pass$/;
const SIGN_IN_OUT = ['/sfn/logout', '/sfn/login', '/sfn/second_factor', '/sfn/register', '/sfn/close_account'];
const KEEP = 'data-keep-offline';
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;
// Long enough for the page (a few KB) on slow 3G, short enough that a
// person at the polyclinic's door is not left with a blank screen.
const PATIENCE_MS = 5000;

// Bumped by every forget: a copy being written when the person signed out
// is not written (its generation is gone).
let generation = 0;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== 'GET') {
    // Whoever is signed in changes: the copy belongs to nobody any more.
    if (SIGN_IN_OUT.some((p) => url.pathname.startsWith(p))) event.waitUntil(forget());
    return;
  }
  if (request.mode !== 'navigate') return;
  if (url.pathname === LIST || PASS.test(url.pathname)) {
    event.respondWith(onlineThenCopy(event, request, url));
  }
});

function forget() {
  generation += 1;
  return caches.delete(PERSONAL);
}

// The page from the network, kept for later; the kept copy when offline,
// when the server answers with an error, or when the network has not
// answered within PATIENCE_MS.
async function onlineThenCopy(event, request, url) {
  const network = fetch(request);
  // Cloned as soon as it arrives, before the page reads it; kept even when
  // the copy was shown instead.
  event.waitUntil(network.then((response) => answered(url.pathname, response.clone()), () => {}));
  const copy = await lastCopy(url.pathname);
  // Nothing to fall back on: wait for the network, or fail, as a browser would.
  if (!copy) return network;
  const late = new Promise((resolve) => setTimeout(resolve, PATIENCE_MS, null));
  const first = await Promise.race([network, late]).catch(() => null);
  return first && !unavailable(first) ? first : offlineCopy(copy);
}

// A server error (what a load balancer answers while the server is down or
// being replaced) says nothing of who is signed in: the copy is shown
// instead, and is neither replaced nor forgotten.
function unavailable(response) {
  return response.status >= 500;
}

// The kept copy of a page, if young enough; an older one is forgotten.
// (`caches.match` with a name does not create the cache, as `open` would.)
async function lastCopy(path) {
  const copy = await caches.match(path, { cacheName: PERSONAL });
  if (!copy) return null;
  if (Date.now() - Date.parse(copy.headers.get('x-sihati-saved')) < MAX_AGE_MS) return copy;
  await forget();
  return null;
}

async function answered(path, response) {
  if (unavailable(response)) return;
  const at = generation;
  const body = response.ok && response.type === 'basic' ? await response.text() : '';
  if (!body.includes(KEEP)) {
    await forget();
    return;
  }
  const cache = await caches.open(PERSONAL);
  if (at !== generation) return;
  await cache.put(path, stamped(response, body));
  if (path === LIST) await keepPasses(cache, body, at);
}

function stamped(response, body) {
  const headers = new Headers(response.headers);
  headers.set('x-sihati-saved', new Date().toISOString());
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(body, { status: 200, headers });
}

// The pass of each appointment on the list (fetched now, while online);
// passes no longer on the list are dropped.
async function keepPasses(cache, list, at) {
  const passes = [...new Set([...list.matchAll(/href="(\/appointments\/[^"/]+\/pass)"/g)].map((m) => m[1]))];
  for (const key of await cache.keys()) {
    const path = new URL(key.url).pathname;
    if (path !== LIST && !passes.includes(path)) await cache.delete(key);
  }
  for (const path of passes) {
    let pass;
    try {
      pass = await fetch(path, { credentials: 'same-origin', redirect: 'manual' });
    } catch (offline) {
      return;
    }
    const body = pass.ok && pass.type === 'basic' ? await pass.text() : '';
    if (at !== generation) return;
    if (body.includes(KEEP)) await cache.put(path, stamped(pass, body));
  }
}

// The kept page as a plain document: its scripts removed (it must not
// hydrate against a server it cannot reach), the offline note shown with
// the time the copy was saved, in Algiers time.
async function offlineCopy(copy) {
  const saved = new Date(copy.headers.get('x-sihati-saved'));
  const when = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Africa/Algiers', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(saved);
  const html = (await copy.text())
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
    .replace(/<p\b[^>]*data-test="offline-copy"[^>]*>/, (tag) => tag.replace(/\shidden(="[^"]*")?(?=[\s>])/, ''))
    .replace(/<span class="offline-saved"><\/span>/, `<span class="offline-saved"><bdi dir="ltr">${when}</bdi></span>`);
  const headers = new Headers(copy.headers);
  headers.set('cache-control', 'no-store');
  return new Response(html, { status: 200, headers });
}
