// The day at the polyclinic in the browser: the desk receives walk-ins
// (one unknown to Sihati, registered from the identity card; one citizen
// found by NIN), the waiting-room screen follows without a reload — also
// across a network cut — the practitioner calls and sees the patient, and
// the citizen's phone shows their place, then the room.
import { test, expect } from '@playwright/test';
import { hydrated, registerCitizen, signIn, staffToken, uniqueCitizen } from './helpers';

test('the desk receives walk-ins, the practitioner calls, the screen and the patient follow live', async ({ page, browser, request }) => {
  // The facility admin adds a waiting-room screen; the demo practitioner's service.
  const admin = await staffToken(request, '0550000004');
  const auth = { authorization: `Bearer ${admin}` };
  const screen = await (await request.post('/api/v1/admin/displays', { data: { label: 'Hall e2e' }, headers: auth })).json();
  const practitioners: { id: string; name: string; specialty: string }[] = await (await request.get('/api/v1/desk/practitioners', { headers: auth })).json();
  const karim = practitioners.find((p) => p.name === 'Karim Benali');
  expect(karim, 'the demo practitioner works at the demo desk\'s polyclinic').toBeTruthy();
  const service = karim!.specialty;

  // A citizen with an account, and someone Sihati does not know.
  const yasmine = uniqueCitizen();
  await registerCitizen(request, { nin: yasmine.nin, given_name: 'Yasmine', family_name: 'Brahimi', birth_date: '1992-06-01', sex: 'female', phone: yasmine.phone, email: '', password: yasmine.password, lang: 'fr' });
  const stranger = uniqueCitizen();

  // The TV: live before anything happens.
  const tvContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const tv = await tvContext.newPage();
  await tv.goto(`/display/${screen.token}`);
  await expect(tv.locator('#board')).toHaveAttribute('data-live', 'yes');
  await expect(tv.locator('#check-in')).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);

  // The desk: the unknown NIN asks for the identity card, which registers the patient.
  await signIn(page, '0550000002', 'Sihati-demo-2026');
  await page.goto('/floor');
  await hydrated(page);
  const form = page.locator('[data-test="walk-in"]');
  await form.locator('#walk-in-nin').fill(stranger.nin);
  await form.locator('#walk-in-specialty').selectOption(service);
  await form.locator('button[type="submit"]').click();
  await expect(form.locator('[data-field="nin"]')).not.toHaveText('');
  await expect(form.locator('[data-test="walk-in-card"]')).toHaveAttribute('open', '');
  await form.locator('#walk-in-given').fill('Rachid');
  await form.locator('#walk-in-family').fill('Zerrouki');
  await form.locator('#walk-in-birth').fill('1948-03-09');
  await form.locator('#walk-in-sex').selectOption('male');
  await form.locator('button[type="submit"]').click();
  const walkedIn = page.locator('[data-test="walked-in"]');
  await expect(walkedIn).toContainText('Rachid Zerrouki');
  const first = (await walkedIn.locator('strong').innerText()).trim();
  expect(first).toMatch(/^[A-Z]-\d{3}$/);
  // The screen shows the ticket without a reload; never the name.
  await expect(tv.locator(`#waiting [data-ticket="${first}"]`)).toBeVisible();
  await expect(tv.locator('body')).not.toContainText('Zerrouki');

  // The citizen, found by NIN: no card needed.
  await form.locator('#walk-in-nin').fill(yasmine.nin);
  await form.locator('#walk-in-specialty').selectOption(service);
  await form.locator('button[type="submit"]').click();
  await expect(walkedIn).toContainText('Yasmine Brahimi');
  const second = (await walkedIn.locator('strong').innerText()).trim();
  await expect(tv.locator(`#waiting [data-ticket="${second}"]`)).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/floor-desk-fr.png', fullPage: true });
  await page.goto('/lang/ar?next=/floor');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator(`[data-test="visit"][data-ticket="${second}"]`)).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/floor-desk-ar.png', fullPage: true });

  // Her phone: her place, one patient before her.
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await signIn(phone, yasmine.phone, yasmine.password);
  await phone.goto('/appointments');
  await hydrated(phone);
  const place = phone.locator('[data-test="walk-in-place"]');
  await expect(place.locator('.ticket')).toHaveText(second);
  await expect(place.locator('[data-test="place-ahead"]')).toContainText('1');

  // The network drops on the TV; the practitioner calls meanwhile; back
  // online, the screen reconnects by itself and shows the call.
  await tvContext.setOffline(true);
  const doctorContext = await browser.newContext();
  const doctor = await doctorContext.newPage();
  await signIn(doctor, '0550000003', 'Sihati-demo-2026');
  await doctor.goto('/floor');
  await hydrated(doctor);
  await doctor.fill('#room', '5');
  await doctor.locator('[data-test="call-next"] button[type="submit"]').click();
  await expect(doctor.locator('[data-test="called"]')).toContainText(first);
  await tvContext.setOffline(false);
  await expect(tv.locator(`#called .call.latest[data-ticket="${first}"]`)).toBeVisible({ timeout: 30_000 });
  await expect(tv.locator('#called .call.latest .room')).toContainText('5');
  await tv.screenshot({ path: 'test-results/screenshots/floor-screen.png' });

  // Seen; then her turn: her phone says the room.
  const firstRow = doctor.locator(`[data-test="visit"][data-ticket="${first}"]`);
  await firstRow.locator('[data-test="visit-done"]').click();
  await expect(doctor).toHaveURL(/\/care\/[0-9a-f-]{36}$/); // "done" opens the consultation form
  await doctor.goto('/floor');
  await hydrated(doctor);
  await doctor.fill('#room', '5');
  await doctor.locator('[data-test="call-next"] button[type="submit"]').click();
  await expect(doctor.locator('[data-test="called"]')).toContainText(second);
  await expect(tv.locator(`#called .call.latest[data-ticket="${second}"]`)).toBeVisible();
  await phone.reload();
  await hydrated(phone);
  await expect(place.locator('[data-test="place-room"]')).toContainText('5');
  await phone.goto('/lang/ar?next=/appointments');
  await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(place.locator('[data-test="place-room"]')).toBeVisible();
  await phone.screenshot({ path: 'test-results/screenshots/floor-place-ar.png', fullPage: true });
  await tvContext.close();
  await phoneContext.close();
  await doctorContext.close();
});
