import { test, expect } from '@playwright/test';
import * as http from 'http';
import * as fs from 'fs';
import * as path from 'path';
import { AddressInfo } from 'net';
import { bookFirstSlot, freeSlot, hydrated, signIn, smsCode, uniqueCitizen } from './helpers';

test('a citizen registers in the browser, cannot book until the SMS code comes back, verifies and books', async ({ page, request }) => {
  const c = uniqueCitizen();
  await page.goto('/lang/fr?next=/register');
  await hydrated(page);
  await page.fill('#nin', c.nin);
  await page.fill('#given_name', 'Samia');
  await page.fill('#family_name', 'Boudiaf');
  await page.fill('#birth_date', '1987-11-20');
  await page.check('input[name="sex"][value="female"]');
  await page.fill('#phone', c.phone);
  await page.fill('#password', c.password);
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/verify$/);

  // Booking before the code: refused, with the reason in French.
  const { specialty, day } = await freeSlot(request);
  await bookFirstSlot(page, specialty, day);
  await expect(page.locator('.form-error[data-code="phone_unverified"]').first()).toContainText('Vérifiez d\'abord votre numéro');

  // The code, as the SMS output holds it; a wrong one first.
  const code = await smsCode(c.phone);
  await page.goto('/verify');
  await hydrated(page);
  await page.fill('#code', code === '000000' ? '111111' : '000000');
  await page.click('form:has(#code) button[type="submit"]');
  await expect(page.locator('#code-error')).toContainText("Ce code n'est pas le bon");
  await page.fill('#code', code);
  await page.click('form:has(#code) button[type="submit"]');
  await expect(page.locator('[data-test="phone-verified"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/verify-fr.png', fullPage: true });

  await bookFirstSlot(page, specialty, day);
  await expect(page).toHaveURL(/\/appointments$/);
  await expect(page.locator('[data-test="appointment"][data-status="booked"]')).toHaveCount(1);
});

test('a forgotten password is reset with the SMS code; the old password and the old session stop working', async ({ page, browser, request }) => {
  const c = uniqueCitizen();
  const reg = await request.post('/api/v1/auth/register', {
    data: { nin: c.nin, given_name: 'Karima', family_name: 'Saadi', birth_date: '1979-03-08', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'ar' },
  });
  expect(reg.status()).toBe(201);
  await smsCode(c.phone, 1); // the registration's code
  const other = await browser.newContext();
  const before = await other.newPage();
  await signIn(before, c.phone, c.password);

  await page.goto('/lang/ar?next=/login');
  await hydrated(page);
  await page.click('[data-test="forgot-link"]');
  await expect(page).toHaveURL(/\/forgot$/);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await hydrated(page);
  await page.fill('#forgot-login', c.phone);
  await page.click('form:has(#forgot-login) button[type="submit"]');
  await expect(page.locator('[data-test="forgot-sent"]')).toBeVisible();
  await expect(page.locator('#login')).toHaveValue(c.phone);
  await page.screenshot({ path: 'test-results/screenshots/forgot-ar.png', fullPage: true });
  const code = await smsCode(c.phone, 2);
  const fresh = 'un nouveau départ à Annaba';
  await page.fill('#code', code);
  await page.fill('#new_password', fresh);
  await page.click('form:has(#code) button[type="submit"]');
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.locator('[data-test="reset-done"]')).toBeVisible();

  // The other browser was signed out by the reset.
  await before.goto('/profile');
  await expect(before).toHaveURL(/\/login$/);
  await other.close();
  // The old password no longer opens the account; the new one does.
  const old = await request.post('/api/v1/auth/token', { data: { login: c.phone, password: c.password } });
  expect(old.status()).toBe(401);
  await signIn(page, c.phone, fresh);
});

/** Every server function the web app declares (read from its source). */
function serverFunctions(): string[] {
  const src = fs.readFileSync(path.join(__dirname, '..', '..', 'app', 'src', 'api.rs'), 'utf8');
  return [...src.matchAll(/endpoint = "([a-z_0-9]+)"/g)].map((m) => m[1]);
}

test('a page of another origin posting every server function with the signed-in user\'s cookie is refused and changes nothing', async ({ page, request }) => {
  const c = uniqueCitizen();
  const reg = await request.post('/api/v1/auth/register', {
    data: { nin: c.nin, given_name: 'Nawel', family_name: 'Hamdi', birth_date: '1991-01-15', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' },
  });
  expect(reg.status()).toBe(201);
  await signIn(page, c.phone, c.password);
  const site = new URL(page.url()).origin;
  const endpoints = serverFunctions();
  expect(endpoints.length).toBeGreaterThan(40);

  // The attacker's page: same site (127.0.0.1), another origin (another
  // port), so SameSite=Lax lets the session cookie ride along and only
  // the origin check stands in the way. Each server function is posted
  // twice: as a form (a top-level navigation in a frame) and by fetch.
  const fields = 'given_name=Mallory&family_name=X&lang=en&current_password=x&new_password=mallory+was+here&phone=0699999999&email=m%40evil.example&code=123456&id=00000000-0000-0000-0000-000000000000&slot_id=00000000-0000-0000-0000-000000000000&login=0699999999&token=x';
  const evil = http.createServer((_, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><body><script>
      const site = ${JSON.stringify(site)};
      const endpoints = ${JSON.stringify(endpoints)};
      const body = ${JSON.stringify(fields)};
      window.done = Promise.all(endpoints.map((e) => fetch(site + '/sfn/' + e, {
        method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
      }).catch(() => null)));
      for (const e of endpoints.slice(0, 8)) {
        const f = document.createElement('iframe'); f.name = 'f_' + e; document.body.appendChild(f);
        const form = document.createElement('form'); form.method = 'POST'; form.action = site + '/sfn/' + e; form.target = f.name;
        for (const [k, v] of new URLSearchParams(body)) { const i = document.createElement('input'); i.name = k; i.value = v; form.appendChild(i); }
        document.body.appendChild(form); form.submit();
      }
    </script></body>`);
  });
  await new Promise<void>((ok) => evil.listen(0, '127.0.0.1', () => ok()));
  const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  // Off the site's own page first, so none of its requests is counted.
  await page.goto('about:blank');
  const statuses: number[] = [];
  page.on('response', (r) => { if (r.url().startsWith(site + '/sfn/')) statuses.push(r.status()); });
  try {
    await page.goto(evilOrigin);
    await page.evaluate(() => (window as any).done.then(() => true));
    await expect.poll(() => statuses.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(endpoints.length);
  } finally {
    evil.close();
  }
  expect(statuses.filter((s) => s !== 403), `every cross-origin post refused: ${statuses}`).toEqual([]);

  // Nothing changed: still signed in, same name, same password.
  await page.goto('/profile');
  await expect(page.locator('[data-test="identity"]')).toBeVisible();
  await expect(page.locator('#given_name')).toHaveValue('Nawel');
  const token = await request.post('/api/v1/auth/token', { data: { login: c.phone, password: c.password } });
  expect(token.status()).toBe(200);

  // Positive control: the same post from the site's own page goes through.
  await hydrated(page);
  const own = await page.evaluate(async (body) => (await fetch('/sfn/update_profile', {
    method: 'POST', credentials: 'include', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
  })).status, 'given_name=Nawal&family_name=Hamdi&lang=fr');
  expect(own).toBe(200);
  await page.reload();
  await expect(page.locator('#given_name')).toHaveValue('Nawal');
});
