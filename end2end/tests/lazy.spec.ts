import { test, expect } from '@playwright/test';
import { hydrated } from './helpers';

// A lazy page's code is its own WASM chunk, fetched when the page is
// opened. If that download fails (a cut connection on a phone, a download
// a navigation interrupted), Leptos 0.8 cannot go on and the app stops:
// the frontend loads the page afresh, once (the page the app was on when
// the navigation had not yet changed the address), and the app then works.
test('an app whose lazy page code failed to arrive is loaded afresh once, then works', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  let aborted = 0;
  let served = 0;
  await page.route(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/, (route) => {
    if (aborted === 0) {
      aborted += 1;
      return route.abort('connectionreset');
    }
    served += 1;
    return route.continue();
  });
  const reloaded = page.waitForEvent('load');
  // The forgotten-password page is lazy; its link is followed in the app.
  await page.click('[data-test="forgot-link"]');
  await reloaded;
  await hydrated(page);
  await expect(page.locator('body')).not.toHaveAttribute('data-panic', /./);
  expect(aborted).toBe(1);
  // The app works again: the same link now opens the page, its code fetched.
  await page.click('[data-test="forgot-link"]');
  await expect(page).toHaveURL(/\/forgot$/);
  expect(served).toBeGreaterThan(0);
  // Interactive: the login typed in the first form is in the second.
  await page.fill('#forgot-login', '0550000001');
  await expect(page.locator('#login')).toHaveValue('0550000001');
  await expect(page.locator('body')).not.toHaveAttribute('data-panic', /./);
});

// The router must wait for a lazy page's code before it hydrates the
// server's HTML: hydrated too early, the page's nodes were left as the
// server sent them and drawn again when the code arrived. The page's code
// is held back until a mark is put on a node of the server's HTML; the
// same node, still marked, must be the one that works once hydrated.
test("a lazy page is hydrated in place once its code has arrived: the server's nodes are kept and work", async ({ page }) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let asked = 0;
  await page.route(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/, async (route) => {
    asked += 1;
    await held;
    await route.continue();
  });
  // Not `load`: the page's first look is what is marked, before hydration.
  await page.goto('/forgot', { waitUntil: 'domcontentloaded' });
  await page.locator('#forgot-login').evaluate((el) => el.setAttribute('data-server-node', 'yes'));
  await expect.poll(() => asked).toBeGreaterThan(0);
  release();
  await hydrated(page);
  await expect(page.locator('#forgot-login')).toHaveCount(1);
  await expect(page.locator('#forgot-login')).toHaveAttribute('data-server-node', 'yes');
  await page.fill('#forgot-login', '0550000001');
  await expect(page.locator('#login')).toHaveValue('0550000001');
  await expect(page.locator('body')).not.toHaveAttribute('data-panic', /./);
});

// A lazy page's chunks are not preloaded from <head> (a phone would fetch
// them while it paints the server's HTML): the page names them in
// <meta name="lazy-wasm"> and the hydration script fetches them after the
// paint, into the HTTP cache, where the router's own fetch of the same
// chunks finds them. Each chunk crosses the network once.
test('a lazy page names its chunks for after the paint and each is downloaded once', async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const downloads = new Map<string, number>();
  const urls = new Map<string, string>();
  const cached = new Set<string>();
  // Who asked first for each chunk: the script of the page itself (the
  // hydration script) or a file of /pkg (the split loader).
  const firstAsker = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    const path = new URL(e.request.url).pathname;
    if (/\.wasm$/.test(path) && !firstAsker.has(path)) firstAsker.set(path, e.initiator.stack?.callFrames[0]?.url ?? `(${e.initiator.type})`);
  });
  cdp.on('Network.requestServedFromCache', (e) => cached.add(e.requestId));
  cdp.on('Network.loadingFinished', (e) => {
    if (cached.has(e.requestId)) return;
    const url = urls.get(e.requestId);
    if (url) downloads.set(url, (downloads.get(url) ?? 0) + 1);
  });
  cdp.on('Network.responseReceived', (e) => {
    const path = new URL(e.response.url).pathname;
    if (/\.wasm$/.test(path) && !e.response.fromDiskCache) urls.set(e.requestId, path);
  });
  await page.goto('/forgot');
  await hydrated(page);
  // Hydrated, so the router has loaded the page's code.
  await page.fill('#forgot-login', '0550000001');
  await expect(page.locator('#login')).toHaveValue('0550000001');
  await expect(page.locator('head link[rel="preload"][href$=".wasm"]')).toHaveCount(0);
  await expect(page.locator('head link[rel="modulepreload"]')).toHaveCount(0);
  const named = (await page.locator('head meta[name="lazy-wasm"]').getAttribute('content'))!.split(' ');
  expect(named.length).toBeGreaterThan(0);
  for (const chunk of named) {
    expect(chunk).toMatch(/^\/pkg\/[^/]+\.wasm$/);
    expect(downloads.get(chunk), chunk).toBe(1);
    expect(firstAsker.get(chunk), chunk).toMatch(/^http:\/\/[^/]+\/forgot$/);
  }
  // The named chunks are all the lazy code the page needed: none was left
  // for the loader to fetch on its own.
  const lazyAsked = [...firstAsker.keys()].filter((p) => /^\/pkg\/(split_|chunk_)/.test(p)).sort();
  expect(lazyAsked).toEqual([...named].sort());
  // The home page is in the main WASM: it names no chunk.
  await page.goto('/');
  await expect(page.locator('head meta[name="lazy-wasm"]')).toHaveCount(0);
});
