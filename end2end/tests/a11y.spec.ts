import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { bookFirstSlot, freeSlot, hydrated, registerCitizen, signIn, uniqueCitizen } from './helpers';

// Issue 15: every citizen page, in Arabic and French, has no serious or
// critical accessibility violation by axe-core (WCAG 2.1 A and AA rules),
// once hydrated, on a phone-sized screen. A positive control first: the
// same check finds a violation planted in a page, so a check that could
// never fail would be caught.

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

async function open(page: Page, lang: 'ar' | 'fr', path: string) {
  await page.goto(`/lang/${lang}?next=${encodeURIComponent(path)}`);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await hydrated(page);
}

test('axe-core finds a planted violation (positive control)', async ({ page }) => {
  await open(page, 'fr', '/');
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'text';
    input.id = 'planted';
    document.querySelector('main')!.appendChild(input); // a field without a label
  });
  const found = await seriousViolations(page);
  expect(found.some((v) => v.startsWith('label') && v.includes('#planted')), found.join('\n')).toBe(true);
});

test('every citizen page passes axe-core in Arabic and French', async ({ page, request }) => {
  test.setTimeout(300_000); // 30 pages, each hydrated and scanned
  const c = uniqueCitizen();
  await registerCitizen(request, { nin: c.nin, given_name: 'Nour', family_name: 'Belaid', birth_date: '1988-04-05', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });
  const { specialty, day } = await freeSlot(request);
  const facility = (await (await request.get('/api/v1/directory/facilities?wilaya=31&limit=1')).json()).items[0].id;
  const practitioner = (await (await request.get(`/api/v1/directory/practitioners?facility_id=${facility}&limit=1`)).json()).items[0].id;
  const search = `/book?specialty=${specialty}&wilaya=31&from=${day}&to=${day}`;

  // Signed out.
  const publicPages = ['/', '/login', '/register', '/forgot', search, `/facilities/${facility}`, `/practitioners/${practitioner}`, '/pharmacy'];
  const failures: string[] = [];
  for (const lang of ['ar', 'fr'] as const) {
    for (const path of publicPages) {
      await open(page, lang, path);
      for (const v of await seriousViolations(page)) failures.push(`${lang} ${path}: ${v}`);
    }
  }

  // Signed in, with an appointment (and so its pass).
  await signIn(page, c.phone, c.password);
  await bookFirstSlot(page, specialty, day);
  await expect(page).toHaveURL(/\/appointments$/);
  await expect(page.locator('[data-test="appointment"][data-status="booked"]')).toHaveCount(1);
  const token = (await (await request.post('/api/v1/auth/token', { data: { login: c.phone, password: c.password } })).json()).access_token;
  const mine = (await (await request.get('/api/v1/appointments', { headers: { authorization: `Bearer ${token}` } })).json()).items;
  expect(mine.length).toBe(1);
  const citizenPages = ['/profile', search, '/appointments', `/appointments/${mine[0].id}/pass`, '/family', '/inbox', '/record'];
  for (const lang of ['ar', 'fr'] as const) {
    for (const path of citizenPages) {
      await open(page, lang, path);
      for (const v of await seriousViolations(page)) failures.push(`${lang} ${path}: ${v}`);
    }
  }
  expect(failures, failures.join('\n')).toEqual([]);
});
