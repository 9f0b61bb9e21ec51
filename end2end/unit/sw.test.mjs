// Unit tests of the service worker's logic (public/sw.js), run by
// `node --test` in scripts/test.sh: the worker's own code in a Node `vm`,
// with a Cache API kept in memory, a network answered by each test and a
// timer the test fires. What a real browser does with the worker (installs
// it, goes offline, a server that hangs) is end2end/tests/offline.spec.ts;
// here are the answers a browser test cannot produce without a load
// balancer in front of the server (a 5xx), and the age limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';

const ORIGIN = 'https://sihati.test';
const PERSONAL = 'sihati-personal-v1';
const SOURCE = fs.readFileSync(new URL('../../public/sw.js', import.meta.url), 'utf8');
const LIST_PAGE = '<script nonce="n0">import("/pkg/sihati.js")</script><main><p class="banner offline-note" role="status" data-test="offline-copy" hidden>Copie hors ligne <span class="offline-saved"></span></p><ul data-keep-offline="list"><li>rendez-vous</li></ul></main>';

/** A same-origin answer, as `fetch` gives the worker (Node's own Response
 * says "default"; a browser's same-origin one says "basic"). */
class BasicResponse extends Response {
  get type() {
    return 'basic';
  }
  clone() {
    return Object.setPrototypeOf(super.clone(), BasicResponse.prototype);
  }
}

const pathOf = (key) => new URL(typeof key === 'string' ? key : key.url, ORIGIN).pathname;

class MemoryCache {
  entries = new Map();
  async put(key, response) {
    this.entries.set(pathOf(key), response);
  }
  async match(key) {
    return this.entries.get(pathOf(key))?.clone();
  }
  async keys() {
    return [...this.entries.keys()].map((p) => ({ url: ORIGIN + p }));
  }
  async delete(key) {
    return this.entries.delete(pathOf(key));
  }
}

class MemoryCaches {
  stores = new Map();
  async open(name) {
    if (!this.stores.has(name)) this.stores.set(name, new MemoryCache());
    return this.stores.get(name);
  }
  async has(name) {
    return this.stores.has(name);
  }
  async delete(name) {
    return this.stores.delete(name);
  }
  async match(key, { cacheName }) {
    return this.stores.get(cacheName)?.match(key);
  }
}

/** A fresh worker: its event handlers, its caches, the network it sees
 * (`network.answer`, a function of the request) and its pending timers. */
function worker() {
  const handlers = {};
  const timers = [];
  const network = { answer: () => Promise.reject(new TypeError('offline')) };
  const context = vm.createContext({
    self: { location: { origin: ORIGIN }, addEventListener: (type, h) => { handlers[type] = h; }, skipWaiting() {}, clients: { claim: async () => {} } },
    caches: new MemoryCaches(),
    fetch: (request) => network.answer(request),
    setTimeout: (fn, ms, ...args) => timers.push({ ms, fire: () => fn(...args) }),
    Response, Headers, URL, Date, Intl, Promise, Set,
  });
  vm.runInContext(SOURCE, context);
  return { handlers, timers, network, caches: context.caches };
}

/** A navigation to `path` through the worker: what it answers, and a
 * promise of the work it goes on with (`waitUntil`). */
function navigate(w, path) {
  let response = null;
  const waits = [];
  w.handlers.fetch({
    request: { url: ORIGIN + path, method: 'GET', mode: 'navigate' },
    respondWith: (p) => { response = p; },
    waitUntil: (p) => waits.push(p),
  });
  assert.ok(response, `the worker answers ${path} itself`);
  return { response, done: () => Promise.all(waits) };
}

/** The worker's kept copy of the list, if any. */
const keptList = (w) => w.caches.match('/appointments', { cacheName: PERSONAL });

/** The list seen online once: the worker shows it and keeps a copy. */
async function seenOnline(w) {
  w.network.answer = async () => new BasicResponse(LIST_PAGE, { headers: { 'content-type': 'text/html' } });
  const nav = navigate(w, '/appointments');
  assert.equal(await (await nav.response).text(), LIST_PAGE);
  await nav.done();
  const copy = await keptList(w);
  assert.ok(copy, 'the list is kept');
  return copy.headers.get('x-sihati-saved');
}

/** The kept list as the worker shows it offline: without its scripts (it
 * must not hydrate against a server it cannot reach), its note no longer
 * hidden, with the time it was saved. */
function isOfflineCopy(html) {
  const note = html.match(/<p\b[^>]*data-test="offline-copy"[^>]*>/)?.[0];
  return html.includes('rendez-vous') && !html.includes('<script') && !!note && !/\shidden/.test(note) && /offline-saved"><bdi dir="ltr">\d{2}\/\d{2}\/\d{4}/.test(html);
}

test('a server error (a load balancer\'s 502) shows the copy, marked, and keeps it as it was', async () => {
  const w = worker();
  const saved = await seenOnline(w);
  w.network.answer = async () => new BasicResponse('Bad Gateway', { status: 502 });
  const nav = navigate(w, '/appointments');
  const html = await (await nav.response).text();
  assert.ok(isOfflineCopy(html), html);
  await nav.done();
  const copy = await keptList(w);
  assert.equal(copy?.headers.get('x-sihati-saved'), saved, 'neither replaced nor forgotten');
  // The control: a client error (a 404 for a page gone) still forgets it.
  w.network.answer = async () => new BasicResponse('Not Found', { status: 404 });
  const gone = navigate(w, '/appointments');
  assert.equal((await gone.response).status, 404);
  await gone.done();
  assert.equal(await w.caches.has(PERSONAL), false);
});

test('a server error with no copy kept is shown as it is', async () => {
  const w = worker();
  w.network.answer = async () => new BasicResponse('Service Unavailable', { status: 503 });
  const nav = navigate(w, '/appointments');
  assert.equal((await nav.response).status, 503);
  await nav.done();
  assert.equal(await w.caches.has(PERSONAL), false);
});

test('a network that hangs shows the copy only once the patience has run out', async () => {
  const w = worker();
  await seenOnline(w);
  let arrive;
  w.network.answer = () => new Promise((resolve) => { arrive = resolve; });
  const nav = navigate(w, '/appointments');
  let answered = false;
  nav.response.then(() => { answered = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(answered, false, 'the network is given its chance');
  assert.deepEqual(w.timers.map((t) => t.ms), [5000]);
  w.timers[0].fire();
  assert.ok(isOfflineCopy(await (await nav.response).text()));
  arrive(new BasicResponse(LIST_PAGE.replace('rendez-vous', 'rendez-vous déplacé')));
  await nav.done();
  const copy = await keptList(w);
  assert.match(await copy.text(), /rendez-vous déplacé/, 'the late page replaces the copy');
});

test('offline, a copy older than a web session can live (14 days) is forgotten and not shown', async () => {
  const w = worker();
  await seenOnline(w);
  const cache = await w.caches.open(PERSONAL);
  const old = await cache.match('/appointments');
  const headers = new Headers(old.headers);
  headers.set('x-sihati-saved', new Date(Date.now() - 15 * 24 * 3600 * 1000).toISOString());
  await cache.put('/appointments', new Response(await old.text(), { headers }));
  w.network.answer = () => Promise.reject(new TypeError('offline'));
  await assert.rejects(navigate(w, '/appointments').response);
  assert.equal(await w.caches.has(PERSONAL), false);
  // The control: a copy of today is shown offline.
  const fresh = worker();
  await seenOnline(fresh);
  fresh.network.answer = () => Promise.reject(new TypeError('offline'));
  assert.ok(isOfflineCopy(await (await navigate(fresh, '/appointments').response).text()));
});
