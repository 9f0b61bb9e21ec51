// The day at the polyclinic in the browser: the desk receives walk-ins
// (one unknown to Sihati, registered from the identity card; one citizen
// found by NIN), the waiting-room screen follows without a reload — also
// across a network cut — the practitioner calls and sees the patient, and
// the citizen's phone shows their place, then the room.
import { test, expect } from '@playwright/test';
import { freeSlot, hydrated, registerCitizen, serverPid, signIn, staffToken, uniqueCitizen } from './helpers';

test('the desk receives walk-ins, the practitioner calls, the screen and the patient follow live', async ({ page, browser, request }) => {
  // The facility admin adds a waiting-room screen; the demo practitioner's service.
  const admin = await staffToken(request, '0550000004');
  const auth = { authorization: `Bearer ${admin}` };
  const screen = await (await request.post('/api/v1/admin/displays', { data: { label: 'Hall e2e' }, headers: auth })).json();
  const practitioners: { id: string; name: string; specialty: string }[] = (await (await request.get('/api/v1/desk/practitioners', { headers: auth })).json()).items;
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
  // Its clock is the test's, so that the 30 s refresh of her place need
  // not be waited for (time still flows as usual otherwise).
  await phoneContext.clock.install();
  const phone = await phoneContext.newPage();
  await signIn(phone, yasmine.phone, yasmine.password);
  await phone.goto('/appointments');
  await hydrated(phone);
  const place = phone.locator('[data-test="walk-in-place"]');
  await expect(place.locator('.ticket')).toHaveText(second);
  await expect(place.locator('[data-test="place-ahead"]')).toContainText('1');
  // Rendered by the server, so it does not push the list down once painted.
  expect(await (await phone.request.get('/appointments')).text()).toContain('data-test="walk-in-place"');
  // The phone loses the network at the next refresh: her place stays,
  // marked as not updated; back online, the next refresh clears the mark.
  await expect(place.locator('[data-test="place-stale"]')).toHaveCount(0);
  await phoneContext.setOffline(true);
  await phone.clock.fastForward(31_000);
  await expect(place.locator('[data-test="place-stale"]')).toBeVisible();
  await expect(place.locator('.ticket')).toHaveText(second);
  await phoneContext.setOffline(false);
  await phone.clock.fastForward(31_000);
  await expect(place.locator('[data-test="place-stale"]')).toHaveCount(0);
  await expect(place.locator('.ticket')).toHaveText(second);

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

/** Stops the server (the test script's service loop starts it again) and
 * waits until the new one answers. */
async function restartServer() {
  const before = serverPid();
  process.kill(before, 'SIGTERM');
  const base = process.env.SIHATI_E2E_URL ?? 'http://127.0.0.1:3000';
  await expect.poll(async () => {
    if (serverPid() === before) return 'old';
    try {
      return (await fetch(`${base}/health/ready`)).ok ? 'ready' : 'starting';
    } catch {
      return 'down';
    }
  }, { timeout: 60_000, intervals: [250] }).toBe('ready');
}

test('the pass shows what to bring and its QR code, the desk scans it, and the screen outlives a server restart', async ({ page, browser, request }) => {
  // A citizen books online; their pass: the QR code and what to bring.
  const citizen = uniqueCitizen();
  await registerCitizen(request, { nin: citizen.nin, given_name: 'Nadia', family_name: 'Khelifi', birth_date: '1988-02-14', sex: 'female', phone: citizen.phone, email: '', password: citizen.password, lang: 'fr' });
  // At the demo desk's polyclinic, so that it is that desk's to scan.
  const deskToken = await staffToken(request, '0550000002');
  const me = await (await request.get('/api/v1/me', { headers: { authorization: `Bearer ${deskToken}` } })).json();
  const { specialty, day } = await freeSlot(request, me.facility_id);
  await signIn(page, citizen.phone, citizen.password);
  await page.goto(`/book?specialty=${specialty}&wilaya=31&from=${day}&to=${day}&facility=${me.facility_id}`);
  await hydrated(page);
  await page.locator('[data-test="slot"] button[type="submit"]').first().click();
  await expect(page).toHaveURL(/\/appointments$/);
  await page.locator('[data-test="appointment"][data-status="booked"] [data-test="pass-link"]').click();
  await expect(page).toHaveURL(/\/appointments\/[0-9a-f-]{36}\/pass$/);
  const qr = page.locator('[data-test="arrival-qr"]');
  await expect(qr.locator('img')).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
  const code = await qr.getAttribute('data-code');
  expect(code).toMatch(/\/floor\?scan=[A-Za-z0-9_-]{50}$/);
  const before = page.locator('[data-test="instructions"]');
  await expect(before.locator('[data-item="id_card"]')).toHaveText("Votre carte d'identité nationale");
  await expect(before.locator('[data-item="chifa_card"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/pass-fr.png', fullPage: true });
  await page.goto(`/lang/ar?next=${encodeURIComponent(new URL(page.url()).pathname)}`);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(before.locator('[data-item="chifa_card"]')).toHaveText('بطاقة الشفاء');
  await page.screenshot({ path: 'test-results/screenshots/pass-ar.png', fullPage: true });

  // The desk scans it (a scanner types the address): not today, said in French.
  const deskContext = await browser.newContext();
  const desk = await deskContext.newPage();
  await signIn(desk, '0550000002', 'Sihati-demo-2026');
  await desk.goto('/floor');
  await hydrated(desk);
  const scan = desk.locator('[data-test="scan"]');
  await scan.locator('#scan-code').fill(code!);
  await scan.locator('button[type="submit"]').click();
  await expect(scan.locator('[role="alert"]').first()).toContainText("Ce rendez-vous n'est pas aujourd'hui.");
  // A phone's camera opens the address itself: the field is filled.
  const address = new URL(code!);
  await desk.goto(address.pathname + address.search);
  await hydrated(desk);
  await expect(desk.locator('#scan-code')).toHaveValue(address.searchParams.get('scan')!);

  // The waiting-room screen, live; the server stops and starts again.
  const admin = await staffToken(request, '0550000004');
  const screen = await (await request.post('/api/v1/admin/displays', { data: { label: 'Hall restart' }, headers: { authorization: `Bearer ${admin}` } })).json();
  const tvContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const tv = await tvContext.newPage();
  await tv.goto(`/display/${screen.token}`);
  await expect(tv.locator('#board')).toHaveAttribute('data-live', 'yes');
  await restartServer();
  // Without a reload the screen shows a walk-in received after the restart:
  // only a new connection to the new server can have brought it.
  const desk2 = await staffToken(request, '0550000002');
  const practitioners: { id: string; name: string; specialty: string }[] = (await (await request.get('/api/v1/desk/practitioners', { headers: { authorization: `Bearer ${desk2}` } })).json()).items;
  const walkIn = await request.post('/api/v1/desk/walk-ins', { data: { nin: citizen.nin, specialty: practitioners[0].specialty }, headers: { authorization: `Bearer ${desk2}` } });
  expect(walkIn.status()).toBe(200);
  const ticket = (await walkIn.json()).ticket;
  await expect(tv.locator(`#waiting [data-ticket="${ticket}"]`)).toBeVisible({ timeout: 30_000 });
  // Nothing confirmed was lost: the booking is still there.
  await page.goto('/lang/fr?next=/appointments');
  await expect(page.locator('[data-test="appointment"][data-status="booked"]')).toHaveCount(1);
  await tvContext.close();
  await deskContext.close();
});
