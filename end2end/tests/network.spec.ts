// The network run in the product, end to end: the health directorate of
// Tlemcen (a wilaya with no facility in the demo) opens its first
// polyclinic and the specialty it offers, and invites its administrator;
// she accepts the invitation, chooses her password and enrols her
// authenticator, then invites a practitioner, who does the same, and gives
// him a weekly schedule at the desk; a citizen finds that polyclinic in
// Tlemcen and books there; the figures of the polyclinic and of the
// directorate show the booking.
import { test, expect, Browser, Page } from '@playwright/test';
import { hydrated, registerCitizen, signIn, smsTo, totp, uniqueCitizen } from './helpers';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The path of the invitation link in the latest SMS to `phone`. */
async function invitationLink(phone: string): Promise<string> {
  await expect.poll(() => smsTo(phone).some((t) => t.includes('/invite/')), { timeout: 20_000, message: `invitation to ${phone}` }).toBe(true);
  const text = smsTo(phone).reverse().find((t) => t.includes('/invite/'))!;
  return '/invite/' + text.split('/invite/')[1].split(/\s/)[0];
}

/** Opens the invitation in a browser of its own, chooses the password and
 * enrols the authenticator shown; returns the signed-in page. */
async function accept(browser: Browser, link: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/lang/fr?next=${encodeURIComponent(link)}`);
  await hydrated(page);
  await expect(page.locator('[data-test="invitation-view"]')).toBeVisible();
  await page.fill('#password', password);
  await page.click('[data-test="accept-form"] button[type="submit"]');
  await expect(page).toHaveURL(/\/signin\/enrol$/);
  await hydrated(page);
  const secret = (await page.locator('[data-test="mfa-secret"]').innerText()).trim();
  await page.fill('#code', totp(secret));
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/profile$/);
  // The link is used up.
  await page.goto(link);
  await expect(page.locator('.form-error[data-code="invitation_invalid"]')).toBeVisible();
  return page;
}

test('a directorate opens a polyclinic, its admin and a practitioner join by invitation, and a citizen books there', async ({ page, browser, request }) => {
  test.setTimeout(180_000);
  const stamp = String(Date.now()).slice(-6);
  const facilityName = `Polyclinique Imama ${stamp}`;
  const adminPhone = `066${stamp.padStart(7, '1')}`;
  const doctorPhone = `077${stamp.padStart(7, '2')}`;
  const password = 'les remparts de Tlemcen';

  // The directorate of Tlemcen opens the polyclinic, offering dermatology.
  await signIn(page, '0550000007', 'Sihati-demo-2026');
  await page.goto('/network');
  await hydrated(page);
  const form = page.locator('[data-test="facility-form"]').last();
  await form.locator('#new-name_fr').fill(facilityName);
  await form.locator('#new-name_ar').fill(`العيادة المتعددة الخدمات إمامة ${stamp}`);
  await form.locator('#new-commune').selectOption({ label: 'Tlemcen' });
  await form.locator('#new-address').fill('Boulevard Imama, Tlemcen');
  await form.locator('#new-phone').fill('043 20 30 40');
  await form.locator('input[value="dermatology"]').check();
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('[data-test="facility-saved"]')).toContainText(facilityName);
  await page.screenshot({ path: 'test-results/screenshots/network-fr.png', fullPage: true });
  // It adds a specialty to the national catalogue: the catalogue lists it at once.
  const add = page.locator('[data-test="new-specialty"]');
  await add.locator('#nsp-code').fill(`sports_medicine_${stamp}`);
  await add.locator('#nsp-ar').fill('الطب الرياضي');
  await add.locator('#nsp-fr').fill(`Médecine du sport ${stamp}`);
  await add.locator('#nsp-en').fill('Sports medicine');
  await add.locator('button[type="submit"]').click();
  await expect(page.locator('[data-test="specialty-added"]')).toContainText(`Médecine du sport ${stamp}`);
  await expect(page.locator(`[data-test="catalogue-specialty"][data-code="sports_medicine_${stamp}"]`)).toHaveCount(1);

  // …and invites its administrator.
  await page.goto('/staff');
  await hydrated(page);
  await page.selectOption('#inv-facility', { label: facilityName });
  await page.fill('#inv-given', 'Yasmine');
  await page.fill('#inv-family', 'Belkacem');
  await page.fill('#inv-phone', adminPhone);
  await page.click('[data-test="invite-send"]');
  await expect(page.locator('[data-test="invited"]')).toBeVisible();
  await expect(page.locator('[data-test="invitation"][data-status="pending"]', { hasText: 'Belkacem' })).toBeVisible();

  // She accepts, then invites a dermatologist.
  const admin = await accept(browser, await invitationLink(adminPhone), password);
  await expect(admin.locator('nav.account')).toContainText('Yasmine');
  await admin.goto('/staff');
  await hydrated(admin);
  await admin.selectOption('#inv-role', 'practitioner');
  await admin.fill('#inv-given', 'Karim');
  await admin.fill('#inv-family', 'Mansouri');
  await admin.fill('#inv-phone', doctorPhone);
  await admin.selectOption('#inv-specialty', 'dermatology');
  // The form offers the polyclinic's specialties, not the whole catalogue.
  const offered = await admin.locator('#inv-specialty option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v));
  const catalogue = (await (await request.get('/api/v1/directory/specialties?limit=200')).json()).items;
  expect(offered).toContain('dermatology');
  expect(offered.length).toBeLessThan(catalogue.length);
  await admin.click('[data-test="invite-send"]');
  await expect(admin.locator('[data-test="invited"]')).toBeVisible();
  await admin.screenshot({ path: 'test-results/screenshots/staff-invite-fr.png', fullPage: true });
  const doctor = await accept(browser, await invitationLink(doctorPhone), password);
  await expect(doctor.locator('nav.account')).toContainText('Karim');
  await admin.goto('/staff');
  await expect(admin.locator('[data-test="staff-member"]', { hasText: 'Mansouri' })).toContainText('Dermatologie');

  // His schedule: Sundays 09:00–10:00 from today.
  await admin.goto('/desk');
  await hydrated(admin);
  await admin.selectOption('#practitioner_id', { label: 'Karim Mansouri (dermatology)' });
  await admin.selectOption('#weekday', '7');
  await admin.fill('#start', '09:00');
  await admin.fill('#end', '10:00');
  await admin.fill('#slot_minutes', '20');
  await admin.fill('#valid_from', iso(new Date()));
  await admin.click('[data-test="publish"] button[type="submit"]');
  await expect(admin.locator('[data-test="published"]')).toBeVisible();

  // A citizen finds the polyclinic in Tlemcen and books there.
  const c = uniqueCitizen();
  await registerCitizen(request, {
    nin: c.nin, given_name: 'Imane', family_name: 'Tabet', birth_date: '1992-06-01', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr',
  });
  const citizen = await (await browser.newContext()).newPage();
  await signIn(citizen, c.phone, c.password);
  await citizen.goto('/book');
  await hydrated(citizen);
  await citizen.selectOption('#specialty', 'dermatology');
  await citizen.selectOption('#wilaya', '13');
  await citizen.fill('#from', iso(new Date(Date.now() + 2 * DAY)));
  await citizen.fill('#to', iso(new Date(Date.now() + 30 * DAY)));
  await citizen.click('[data-test="search"] button[type="submit"]');
  // Results read as a directory: the dermatologist at that polyclinic, his first days and times.
  const slot = citizen.locator('[data-test="group"]', { hasText: facilityName }).locator('[data-test="slot"]').first();
  await expect(slot).toBeVisible();
  await slot.locator('button[type="submit"]').click();
  await expect(citizen).toHaveURL(/\/appointments$/);
  await expect(citizen.locator('[data-test="appointment"][data-status="booked"]', { hasText: facilityName })).toBeVisible();

  // The figures show it: the polyclinic's, and the directorate's for Tlemcen,
  // charts drawn by the server with the numbers beside them.
  await admin.goto('/figures');
  await expect(admin.locator('[data-test="figures-row"][data-specialty="dermatology"] [data-test="booked"]')).toHaveText('1');
  await expect(admin.locator('[data-test="chart-fill"] svg[role="img"]')).toBeVisible();
  await page.goto('/figures');
  await hydrated(page);
  await expect(page.locator('[data-test="figures-scope"]')).toContainText('Tlemcen');
  await expect(page.locator('[data-test="figures-total"] [data-test="booked"]')).toHaveText('1');
  await page.screenshot({ path: 'test-results/screenshots/figures-fr.png', fullPage: true });
  // The directorate narrows them to one of its facilities in the same form.
  await page.selectOption('#fig-facility', { label: facilityName });
  await page.click('[data-test="figures-period"] button[type="submit"]');
  await expect(page.locator('[data-test="figures-scope"]')).toContainText(facilityName);
  await expect(page.locator('[data-test="figures-row"][data-specialty="dermatology"] [data-test="booked"]')).toHaveText('1');
  // The form is a plain GET: a new page, left only once it has hydrated,
  // so its chunk downloads are not cut short by the next navigation.
  await hydrated(page);

  // The directorate sees where its practitioners work: Karim at his home
  // polyclinic, which only a deactivation ends (no "end" button there).
  await page.goto('/network');
  await hydrated(page);
  const karim = page.locator('[data-test="practitioner"]', { hasText: 'Karim Mansouri' });
  await expect(karim.locator('[data-test="post"]')).toContainText(facilityName);
  await expect(karim.locator('[data-test="post"] .badge')).toBeVisible();
  await expect(karim.locator('[data-test="end-post"]')).toHaveCount(0);
});
