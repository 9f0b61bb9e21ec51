// The staff second factor in the browser: a practitioner who just arrived
// enrols an authenticator at her first sign-in (QR code, key, recovery
// codes), signs in again with a recovery code, and her facility admin
// removes the authenticator after she lost her phone.
import { test, expect, Page } from '@playwright/test';
import { hydrated, secondFactor, signIn, totp } from './helpers';

const LEILA = '0550000006';
const PASSWORD = 'Sihati-demo-2026';

async function password(page: Page, login: string) {
  await page.goto('/lang/fr?next=/login');
  await hydrated(page);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button[type="submit"]');
}

async function enrol(page: Page): Promise<{ secret: string; recovery: string[] }> {
  await expect(page).toHaveURL(/\/signin\/enrol$/);
  await hydrated(page);
  await expect(page.locator('[data-test="mfa-qr"] svg')).toBeVisible();
  const secret = (await page.locator('[data-test="mfa-secret"]').innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const recovery = await page.locator('[data-test="recovery-codes"] li').allInnerTexts();
  expect(recovery).toHaveLength(10);
  return { secret, recovery: recovery.map((c) => c.trim()) };
}

test('a new practitioner enrols an authenticator, signs in with a recovery code, and her admin resets it', async ({ page, browser }) => {
  // First sign-in: the password leads to the enrolment, not to a session.
  await password(page, LEILA);
  const first = await enrol(page);
  await page.screenshot({ path: 'test-results/screenshots/mfa-enrol-fr.png', fullPage: true });
  await page.goto('/profile');
  await expect(page).toHaveURL(/\/login$/); // no session yet
  await password(page, LEILA);
  const again = await enrol(page);
  expect(again.secret).toBe(first.secret); // the same until confirmed

  // A wrong code is refused with a translated message; the right one signs in.
  const wrong = totp(first.secret) === '000000' ? '111111' : '000000';
  await page.fill('#code', wrong);
  await page.click('button[type="submit"]');
  await expect(page.locator('.form-error[data-code="mfa_invalid"]')).toContainText('pas valable');
  await page.fill('#code', totp(first.secret));
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator('nav.account')).toContainText('Leila');

  // Next time: the code page, in Arabic too; a recovery code works once.
  await page.click('[data-test="logout"]');
  // The sign-out's own redirect first: arriving later, it would replace the next page.
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/lang/ar?next=/login');
  await hydrated(page);
  await page.fill('#login', LEILA);
  await page.fill('#password', PASSWORD);
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/signin\/code$/);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('h1')).toHaveText('رمز التحقق');
  await page.screenshot({ path: 'test-results/screenshots/mfa-code-ar.png', fullPage: true });
  await hydrated(page);
  await page.fill('#code', first.recovery[0].toLowerCase());
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/profile$/);

  // She lost her phone: the facility admin removes the authenticator.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, '0550000004', PASSWORD);
  await admin.click('[data-test="nav-staff"]');
  await expect(admin).toHaveURL(/\/staff$/);
  const row = admin.locator('[data-test="staff-member"]', { hasText: 'Leila' });
  await expect(row.locator('[data-test="mfa-state"]')).toHaveText(/enregistrée/);
  await admin.screenshot({ path: 'test-results/screenshots/staff-fr.png', fullPage: true });
  await row.locator('[data-test="mfa-reset"]').click();
  await expect(admin.locator('[data-test="mfa-reset-done"]')).toBeVisible();
  await expect(row.locator('[data-test="mfa-state"]')).toHaveText(/pas encore/);
  await adminContext.close();

  // Her session ended; her next sign-in enrols a new authenticator.
  await page.goto('/lang/fr?next=/profile');
  await expect(page).toHaveURL(/\/login$/);
  await password(page, LEILA);
  const fresh = await enrol(page);
  expect(fresh.secret).not.toBe(first.secret);
  await page.fill('#code', totp(fresh.secret));
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/profile$/);
});

test('the desk signs in with the password alone; a practitioner cannot skip the code', async ({ page }) => {
  // Positive control: the receptionist's role has no second factor.
  await signIn(page, '0550000002', PASSWORD);
  await expect(page).toHaveURL(/\/profile$/);
  await page.click('[data-test="logout"]');
  // The sign-out's own redirect first: arriving later, it would replace the next page.
  await expect(page).toHaveURL(/\/$/);
  // The practitioner's password leads to the code page; going around it
  // finds no session.
  await password(page, '0550000003');
  await expect(page).toHaveURL(/\/signin\/code$/);
  await page.goto('/care');
  await expect(page.locator('nav.account')).not.toContainText('Karim');
  await page.goto('/lang/fr?next=/login');
  await password(page, '0550000003');
  await secondFactor(page);
  await expect(page.locator('nav.account')).toContainText('Karim');
});
