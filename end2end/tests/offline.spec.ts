import { test, expect, Page } from '@playwright/test';
import { bookFirstSlot, freeSlot, hydrated, pauseServer, registerCitizen, signIn, uniqueCitizen } from './helpers';

// The service worker is blocked in every other spec (playwright.config.ts);
// this one is about it.
test.use({ serviceWorkers: 'allow' });

const PERSONAL = 'sihati-personal-v1';

/** Until the service worker is active (it then handles the next navigation). */
async function workerReady(page: Page) {
  await expect.poll(() => page.evaluate(async () => !!(await navigator.serviceWorker.ready).active)).toBe(true);
}

/** The paths the service worker keeps, as the page's own origin sees them. */
async function kept(page: Page): Promise<string[]> {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return [];
    return (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname).sort();
  }, PERSONAL);
}

test('the web app installs; "my appointments" and each pass open offline from the last copy, and signing out forgets them', async ({ page, context, request }) => {
  // Installable: the manifest names the app, its start page and its icons.
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest.start_url).toBe('/appointments');
  expect(manifest.display).toBe('standalone');
  for (const icon of manifest.icons) expect((await request.get(icon.src)).status(), icon.src).toBe(200);

  const c = uniqueCitizen();
  await registerCitizen(request, { nin: c.nin, given_name: 'Amel', family_name: 'Haddad', birth_date: '1990-02-11', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });
  const { specialty, day } = await freeSlot(request);

  // Signed out, nothing personal is kept: /appointments sends to /login.
  await page.goto('/lang/fr?next=/login');
  await hydrated(page);
  await workerReady(page);
  await page.goto('/appointments');
  await expect(page).toHaveURL(/\/login$/);
  expect(await kept(page)).toEqual([]);

  await signIn(page, c.phone, c.password);
  await bookFirstSlot(page, specialty, day);
  await expect(page).toHaveURL(/\/appointments$/);
  const passHref = await page.locator('[data-test="pass-link"]').first().getAttribute('href');
  expect(passHref).toMatch(/^\/appointments\/[^/]+\/pass$/);
  // A full load of the list, controlled by the worker: it keeps the list and the pass.
  await page.goto('/appointments');
  await expect.poll(() => kept(page)).toEqual([passHref, '/appointments'].sort());
  await expect(page.locator('[data-test="offline-copy"]')).toBeHidden();

  await context.setOffline(true);
  await page.goto('/appointments');
  const note = page.locator('[data-test="offline-copy"]');
  await expect(note).toBeVisible();
  await expect(note).toContainText('Copie hors ligne');
  await expect(note).toContainText(/\d{2}\/\d{2}\/\d{4}/);
  await expect(page.locator('[data-test="appointment"][data-status="booked"]')).toHaveCount(1);
  // The pass, with its QR code, opens from the list while still offline.
  await page.click('[data-test="pass-link"]');
  await expect(page).toHaveURL(new RegExp(`${passHref}$`));
  // The QR code itself, not only its box: the image decoded.
  await expect.poll(() => page.locator('[data-test="arrival-qr"] img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(page.locator('[data-test="offline-copy"]')).toBeVisible();
  // A page that was never kept is not made up.
  await expect(page.goto('/record')).rejects.toThrow();

  await context.setOffline(false);
  await page.goto('/appointments');
  await hydrated(page);
  await expect(page.locator('[data-test="offline-copy"]')).toBeHidden();
  await expect.poll(() => kept(page)).toEqual([passHref, '/appointments'].sort());

  // Connected, but nothing comes back (the server's process paused): after
  // the worker's patience (5 s) the copy is shown rather than a blank page;
  // once the server answers again, its page replaces the copy.
  const saved = () => page.evaluate(async (name) => (await caches.match('/appointments', { cacheName: name }))?.headers.get('x-sihati-saved') ?? null, PERSONAL);
  const savedBefore = await saved();
  expect(savedBefore).not.toBeNull();
  const resume = pauseServer();
  try {
    // Not until `load`: a stylesheet not in the HTTP cache would wait for the server.
    await page.goto('/appointments', { waitUntil: 'domcontentloaded' });
    await expect(page.locator('[data-test="offline-copy"]')).toBeVisible();
    await expect(page.locator('[data-test="appointment"][data-status="booked"]')).toHaveCount(1);
  } finally {
    resume();
  }
  await expect.poll(saved).not.toBe(savedBefore);
  await page.goto('/appointments');
  await hydrated(page);
  await expect(page.locator('[data-test="offline-copy"]')).toBeHidden();

  await page.click('[data-test="logout"]');
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => kept(page)).toEqual([]);
  await context.setOffline(true);
  await expect(page.goto('/appointments')).rejects.toThrow();
  await context.setOffline(false);

  // A session that ended without signing out here (its cookie gone): the
  // next visit online shows no appointments, and the copy is forgotten.
  // (Signing out emptied the site's storage, the worker with it: it comes
  // back with the next page.)
  await signIn(page, c.phone, c.password);
  await workerReady(page);
  await page.goto('/appointments');
  await expect.poll(() => kept(page)).toEqual([passHref, '/appointments'].sort());
  await context.clearCookies();
  await page.goto('/appointments');
  await expect(page).toHaveURL(/\/login$/);
  await expect.poll(() => kept(page)).toEqual([]);
});
