import { test, expect } from '@playwright/test';
import { simpleParser, ParsedMail } from 'mailparser';
import * as fs from 'fs';
import * as path from 'path';
import { bookFirstSlot, freeSlot, hydrated, registerCitizen, signIn, uniqueCitizen } from './helpers';

/** What the real SMTP server (aiosmtpd, started by scripts/test.sh) received. */
async function received(): Promise<ParsedMail[]> {
  const dir = process.env.SIHATI_E2E_MAILDIR;
  if (!dir) throw new Error('SIHATI_E2E_MAILDIR is not set: run scripts/test.sh');
  const out: ParsedMail[] = [];
  for (const sub of ['new', 'cur']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) out.push(await simpleParser(fs.readFileSync(path.join(d, f))));
  }
  return out;
}

async function mailTo(address: string, subject: RegExp): Promise<ParsedMail> {
  let found: ParsedMail | undefined;
  await expect.poll(async () => {
    found = (await received()).find((m) => m.to && JSON.stringify(m.to).includes(address) && subject.test(m.subject ?? ''));
    return found !== undefined;
  }, { timeout: 20_000 }).toBe(true);
  return found!;
}

test('a booking confirmation with its .ics reaches the SMTP server, shows in the inbox, and its cancel link cancels', async ({ page, browser, request }) => {
  const c = uniqueCitizen();
  const email = `e2e.${c.phone}@example.dz`;
  await registerCitizen(request, { nin: c.nin, given_name: 'Nadia', family_name: 'Kaci', birth_date: '1990-06-01', sex: 'female', phone: c.phone, email, password: c.password, lang: 'fr' });

  // No email goes to an address before it is confirmed: the citizen opens
  // the link the registration sent and confirms it.
  const confirm = await mailTo(email, /^Confirmez votre adresse e-mail/);
  const link = (confirm.text ?? '').match(/https?:\/\/\S+\/verify-email\/\S+/);
  expect(link, 'a confirmation link in the email').toBeTruthy();
  await page.goto(new URL(link![0]).pathname);
  await hydrated(page);
  await page.click('button[type="submit"]');
  await expect(page.locator('[data-test="email-verified"]')).toBeVisible();

  await signIn(page, c.phone, c.password);

  const { specialty, day } = await freeSlot(request);
  await bookFirstSlot(page, specialty, day);
  await expect(page).toHaveURL(/\/appointments$/);
  const booked = page.locator('[data-test="appointment"][data-status="booked"]');
  await expect(booked).toHaveCount(1);

  // The confirmation reaches the SMTP server, with a calendar file in Algiers time.
  const mail = await mailTo(email, /^Rendez-vous confirmé/);
  const ics = mail.attachments.find((a) => a.contentType === 'text/calendar');
  expect(ics, 'a text/calendar attachment').toBeTruthy();
  const calendar = ics!.content.toString('utf8');
  expect(calendar).toContain('BEGIN:VEVENT');
  expect(calendar).toContain('DTSTART;TZID=Africa/Algiers:');
  expect(calendar).toContain('BEGIN:VALARM');
  expect(mail.messageId).toBeTruthy();

  // The in-app inbox shows it, with the unread badge in the header.
  // (The in-app copy is delivered by the same worker, possibly a moment after the email.)
  const item = page.locator('[data-test="inbox-item"][data-kind="booked"]');
  await expect(async () => {
    await page.goto('/inbox');
    await expect(item).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await hydrated(page);
  await expect(page.locator('[data-test="unread"]')).toHaveText(/[1-9]/);
  // In the server's HTML already, not added after the page painted (it
  // would push the page down: Lighthouse's layout shift).
  const served = await (await page.request.get('/appointments')).text();
  expect(served).toMatch(/data-test="unread"[^>]*>[1-9]/);
  await expect(item.locator('strong')).toContainText('Rendez-vous confirmé');
  await page.screenshot({ path: 'test-results/screenshots/inbox-fr.png', fullPage: true });
  await page.goto('/lang/ar?next=/inbox');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('[data-test="inbox-item"][data-kind="booked"] strong')).toContainText('تأكيد موعد');
  await page.screenshot({ path: 'test-results/screenshots/inbox-ar.png', fullPage: true });

  // The cancel link from the email, opened without signing in.
  const links = [...(mail.text ?? '').matchAll(/https?:\/\/\S+\/a\/([A-Za-z0-9_-]{50})/g)].map((m) => m[0]);
  expect(links.length, mail.text).toBe(2);
  const anonymous = await browser.newContext();
  const a = await anonymous.newPage();
  await a.goto(`/lang/fr?next=${new URL(links[1]).pathname}`);
  await hydrated(a);
  const shown = a.locator('[data-test="link-appointment"]');
  await expect(shown).toHaveAttribute('data-status', 'booked');
  await a.screenshot({ path: 'test-results/screenshots/cancel-link-fr.png', fullPage: true });
  await a.click('[data-test="link-cancel"]');
  await expect(a.locator('[data-test="link-cancelled"]')).toBeVisible();
  await expect(shown).toHaveAttribute('data-status', 'cancelled');

  await page.goto('/lang/fr?next=/appointments');
  await expect(page.locator('[data-test="appointment"][data-status="cancelled"]')).toHaveCount(1);
  await mailTo(email, /^Rendez-vous annulé/);
});
