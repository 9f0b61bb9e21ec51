import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { hydrated, registerCitizen, signIn, uniqueCitizen } from './helpers';

const DAY = 86_400_000;

/** Today's date in Algiers (UTC+1 all year), at 00:00 UTC. */
function algiersToday(): Date {
  const d = new Date(Date.now() + 3_600_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
const iso = (d: Date) => d.toISOString().slice(0, 10);
const ddmmyyyy = (d: Date) => `${iso(d).slice(8, 10)}/${iso(d).slice(5, 7)}/${iso(d).slice(0, 4)}`;

/** Registers a citizen through the REST API (the web form has its own test). */
async function newCitizen(request: APIRequestContext, given: string) {
  const c = uniqueCitizen();
  await registerCitizen(request, { nin: c.nin, given_name: given, family_name: 'Mansouri', birth_date: '1985-02-03', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });
  return c;
}

async function search(page: Page, day: Date) {
  await page.selectOption('#specialty', 'neurology');
  await page.selectOption('#wilaya', '31');
  await page.fill('#from', iso(day));
  await page.fill('#to', iso(day));
  await page.click('[data-test="search"] button[type="submit"]');
}

// The demo's neurologist has no schedule: every neurology slot in this test
// is one the receptionist publishes, so the waiting list can be exercised
// on a day whose only slot is taken.
test('the desk publishes and closes a day; a citizen books, moves and cancels; the freed slot is offered to the waiting list', async ({ page, browser, request }) => {
  const today = algiersToday();
  let d = new Date(today.getTime() + 2 * DAY);
  while (d.getUTCDay() !== 3) d = new Date(d.getTime() + DAY); // a Wednesday at least two days ahead
  const [closedDay, firstDay, secondDay] = [d, new Date(d.getTime() + 7 * DAY), new Date(d.getTime() + 14 * DAY)];
  const neurologist = 'Leila Haddad (neurology)';

  // The receptionist publishes Wednesdays 09:00–09:20 and closes the first one.
  await signIn(page, '0550000002', 'Sihati-demo-2026');
  await page.goto('/desk');
  await hydrated(page);
  // The browser checks the form with the server's own rules as each field
  // is left: an end before the start is named under "end" before anything
  // is sent, in the page's language, and the line clears once corrected.
  const endError = page.locator('[data-test="publish"] [data-field="end"]');
  await page.fill('#start', '09:00');
  await page.fill('#end', '08:00');
  await page.press('#end', 'Tab');
  await expect(endError).not.toHaveText('');
  await expect(page.locator('[data-test="published"]')).toHaveCount(0);
  await page.fill('#end', '09:20');
  await page.press('#end', 'Tab');
  await expect(endError).toHaveText('');
  await page.selectOption('#practitioner_id', { label: neurologist });
  await page.selectOption('#weekday', '3');
  await page.fill('#start', '09:00');
  await page.fill('#end', '09:20');
  await page.fill('#slot_minutes', '20');
  await page.fill('#valid_from', iso(today));
  await page.click('[data-test="publish"] button[type="submit"]');
  await expect(page.locator('[data-test="published"]')).toContainText(/\d+ créneaux créés/);
  await expect(page.locator('[data-test="template"]', { hasText: 'Haddad' })).toHaveCount(1);

  await page.fill('#close_date', iso(closedDay));
  await page.selectOption('#close_practitioner', { label: neurologist });
  await page.selectOption('#close_kind', 'leave');
  await page.click('[data-test="close-day"] button[type="submit"]');
  await expect(page.locator('[data-test="closed"]')).toContainText('1 ');
  await page.goto(`/desk?day=${iso(closedDay)}`);
  await expect(page.locator('[data-test="day-slot"]', { hasText: 'Haddad' })).toHaveAttribute('data-status', 'closed');
  await page.screenshot({ path: 'test-results/screenshots/desk-day-fr.png', fullPage: true });

  // A citizen: nothing on the closed day; books the next Wednesday, moves it a week later.
  const alice = await newCitizen(request, 'Alia');
  const citizen = await browser.newContext();
  const a = await citizen.newPage();
  await signIn(a, alice.phone, alice.password);
  await a.goto('/book');
  await hydrated(a);
  await search(a, closedDay);
  await expect(a.locator('[data-test="no-slots"]')).toBeVisible();
  await search(a, firstDay);
  await expect(a.locator('[data-test="slot"]')).toHaveCount(1);
  await a.locator('[data-test="slot"] button[type="submit"]').click();
  await expect(a).toHaveURL(/\/appointments$/);
  const booked = a.locator('[data-test="appointment"][data-status="booked"]');
  await expect(booked.locator('strong')).toHaveText(`${ddmmyyyy(firstDay)} 09:00`);

  await booked.locator('[data-test="reschedule"]').click();
  await expect(a.locator('[data-test="rescheduling"]')).toBeVisible();
  await hydrated(a);
  await a.fill('#from', iso(secondDay));
  await a.fill('#to', iso(secondDay));
  await a.click('[data-test="search"] button[type="submit"]');
  await expect(a.locator('[data-test="slot"]')).toHaveCount(1);
  await a.locator('[data-test="slot"] button[type="submit"]').click();
  await expect(a).toHaveURL(/\/appointments$/);
  await expect(booked).toHaveCount(1);
  await expect(booked.locator('strong')).toHaveText(`${ddmmyyyy(secondDay)} 09:00`);
  await expect(a.locator('[data-test="appointment"][data-status="cancelled"] strong')).toHaveText(`${ddmmyyyy(firstDay)} 09:00`);

  // A second citizen finds that day full and joins the waiting list.
  const bahia = await newCitizen(request, 'Bahia');
  const second = await browser.newContext();
  const b = await second.newPage();
  await signIn(b, bahia.phone, bahia.password);
  await b.goto('/book');
  await hydrated(b);
  await search(b, secondDay);
  await expect(b.locator('[data-test="no-slots"]')).toBeVisible();
  await b.click('[data-test="waitlist-join"] button[type="submit"]');
  await expect(b).toHaveURL(/\/appointments$/);
  await expect(b.locator('[data-test="waitlist-entry"]')).toHaveAttribute('data-status', 'waiting');

  // The first citizen cancels: the slot is held for the second, who books it.
  await a.reload();
  await hydrated(a);
  await booked.locator('button[type="submit"]').click();
  await expect(booked).toHaveCount(0);

  // The waitlist job makes the offer just after the cancellation, in the
  // background: the second citizen looks again until it is there.
  const offer = b.locator('[data-test="offer"]');
  await expect(async () => {
    await b.reload();
    await expect(offer).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await hydrated(b);
  await expect(offer.locator('strong')).toHaveText(`${ddmmyyyy(secondDay)} 09:00`);
  await b.screenshot({ path: 'test-results/screenshots/offer-fr.png', fullPage: true });
  await b.goto('/lang/ar?next=/appointments');
  await expect(b.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(b.locator('[data-test="offer"]')).toBeVisible();
  await b.screenshot({ path: 'test-results/screenshots/offer-ar.png', fullPage: true });
  await hydrated(b);
  await b.locator('[data-test="accept-offer"]').click();
  await expect(b.locator('[data-test="appointment"][data-status="booked"] strong')).toHaveText(`${ddmmyyyy(secondDay)} 09:00`);
  await expect(b.locator('[data-test="waitlist-entry"]')).toHaveAttribute('data-status', 'fulfilled');
  await citizen.close();
  await second.close();
});

test('the desk finds a citizen by NIN with a reason, books a free slot of the day list for them, and the citizen reads the look-up in their log', async ({ page, browser }) => {
  const today = algiersToday();
  let d = new Date(today.getTime() + 3 * DAY);
  while (d.getUTCDay() === 5 || d.getUTCDay() === 6) d = new Date(d.getTime() + DAY); // a working day
  await signIn(page, '0550000002', 'Sihati-demo-2026');
  await page.goto(`/desk?day=${iso(d)}`);
  await hydrated(page);
  await page.fill('#lookup_nin', '119900123456789012'); // the demo citizen
  await page.click('[data-test="lookup"] button[type="submit"]');
  // Without a reason the form is not even sent (and the server would refuse it).
  await expect(page.locator('#lookup_reason:invalid')).toHaveCount(1);
  await expect(page.locator('[data-test="patient-name"]')).toHaveCount(0);
  await page.fill('#lookup_reason', 'Rendez-vous pris au guichet');
  await page.click('[data-test="lookup"] button[type="submit"]');
  await expect(page.locator('[data-test="patient-name"]')).toHaveText('Amina Benali');
  const free = page.locator('[data-test="day-slot"][data-status="open"]').first();
  const when = (await free.locator('strong').textContent())!.trim();
  await free.locator('[data-test="desk-book"]').click();
  await expect(page.locator('[data-test="desk-booked"]')).toBeVisible();
  await expect(page.locator('[data-test="day-slot"][data-status="booked"]', { hasText: 'Amina' }).first()).toBeVisible();

  const ctx = await browser.newContext();
  const c = await ctx.newPage();
  await signIn(c, '0550000001', 'Sihati-demo-2026');
  await c.goto('/appointments');
  await hydrated(c);
  await expect(c.locator('[data-test="appointment"][data-status="booked"] strong', { hasText: when })).toBeVisible();
  await c.goto('/record');
  await expect(c.locator('[data-test="access"][data-action="desk_lookup"]').first()).toContainText('Rendez-vous pris au guichet');
  await ctx.close();
});

test('the health administration sees the fixed and Islamic holidays and adds one', async ({ page }) => {
  await signIn(page, '0550000005', 'Sihati-demo-2026');
  await page.goto('/holidays?year=2027');
  await hydrated(page);
  await expect(page.locator('[data-test="holiday"]', { hasText: '05/07/2027' })).toContainText("Fête de l'Indépendance");
  await expect(page.locator('[data-test="holiday"]', { hasText: '09/03/2027' })).toContainText('Aïd el-Fitr');
  await page.fill('#h_date', '2027-10-05');
  await page.fill('#h_ar', 'عطلة استثنائية');
  await page.fill('#h_fr', 'Jour férié exceptionnel');
  await page.fill('#h_en', 'Exceptional holiday');
  await page.click('[data-test="add-holiday"] button[type="submit"]');
  await expect(page.locator('[data-test="holiday-added"]')).toBeVisible();
  await expect(page.locator('[data-test="holiday"]', { hasText: '05/10/2027' })).toContainText('Jour férié exceptionnel');
});

test('a search narrows to one polyclinic of the wilaya', async ({ page }) => {
  const from = iso(new Date(algiersToday().getTime() + 2 * DAY));
  await page.goto(`/lang/fr?next=${encodeURIComponent(`/book?specialty=general_practice&wilaya=31&from=${from}`)}`);
  await hydrated(page);
  await page.selectOption('#facility', { label: 'Polyclinique Es-Seddikia' });
  await page.click('[data-test="search"] button[type="submit"]');
  await expect(page).toHaveURL(/facility=/);
  const groups = page.locator('[data-test="group"]');
  await expect(groups.first().locator('[data-test="slot"]').first()).toBeVisible();
  for (const text of await groups.allTextContents()) expect(text).toContain('Polyclinique Es-Seddikia');
  await page.screenshot({ path: 'test-results/screenshots/search-fr.png', fullPage: true });
  // Each group names its polyclinic, whose page says where it is, when it is open and what it offers.
  await groups.first().locator('[data-test="facility-link"]').click();
  await expect(page.locator('[data-test="facility-page"] h1')).toHaveText('Polyclinique Es-Seddikia');
  await expect(page.locator('[data-test="offered"] [data-code="general_practice"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/facility-fr.png', fullPage: true });
});
