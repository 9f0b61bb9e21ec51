import { test, expect } from '@playwright/test';
import { hydrated, registerCitizen, signIn, staffToken, uniqueCitizen } from './helpers';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

// The practitioner's pages come with the rest of the medical-record issue;
// here the practitioner writes through the REST API, and the citizen reads
// in the browser.
test('the patient reads what the practitioner wrote, in French and Arabic, and sees who looked', async ({ page, request, browser }) => {
  const c = uniqueCitizen();
  const token = await registerCitizen(request, { nin: c.nin, given_name: 'Rym', family_name: 'Cherif', birth_date: '1992-03-04', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });
  const me = await (await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).json();

  // The practitioner opens the record by NIN, with a reason the patient reads.
  const doctor = await staffToken(request, '0550000003');
  const lookup = await request.post('/api/v1/record/lookup', { headers: { authorization: `Bearer ${doctor}` }, data: { nin: c.nin, reason: 'Consultation sans rendez-vous' } });
  expect(lookup.status()).toBe(200);

  const write = async (data: object) => {
    const res = await request.post(`/api/v1/record/${me.id}/entries`, { headers: { authorization: `Bearer ${doctor}` }, data });
    expect(res.status(), await res.text()).toBe(201);
    return res.json();
  };
  await write({ kind: 'consultation', reason: 'Toux persistante', findings: 'Sibilants', diagnosis_code: 'J45.9', diagnosis_text: 'Asthme' });
  const rx = await write({ kind: 'prescription', items: [{ medication: 'Salbutamol', form: 'inhalateur', dose: '100 µg', frequency: '2 bouffées si besoin', duration: '3 mois' }] });
  await write({ kind: 'exam_result', exam: 'NFS', values: [{ name: 'Hémoglobine', value: '10.1', unit: 'g/dL', reference_low: 12, reference_high: 16 }], report: 'Anémie légère' });

  // A pharmacy (no account) checks the code as printed with the birth date:
  // the button waits for the page's code, which shows the answer.
  const pharmacy = await browser.newPage();
  await pharmacy.goto('/pharmacy');
  await hydrated(pharmacy);
  await pharmacy.fill('#code', rx.verification_code.toLowerCase());
  await pharmacy.fill('#birth_date', '1992-03-04');
  await pharmacy.click('[data-test="rx-check"] button[type="submit"]');
  await expect(pharmacy.locator('[data-test="rx-result"]')).toHaveAttribute('data-status', 'active');
  await expect(pharmacy.locator('[data-test="rx-result"]')).toContainText('Salbutamol');
  await pharmacy.close();

  await signIn(page, c.phone, c.password);
  await page.goto('/record');
  await hydrated(page);
  await expect(page.locator('[data-test="record-entry"]')).toHaveCount(3);
  await expect(page.locator('[data-test="record-entry"][data-kind="prescription"]')).toContainText('Salbutamol');
  await expect(page.locator('[data-test="verification-code"]')).toHaveText(rx.verification_code);
  await expect(page.locator('[data-test="record-entry"][data-kind="exam_result"]')).toContainText('hors normes');
  await expect(page.locator('[data-test="access"][data-role="practitioner"][data-action="write_entry"]')).toHaveCount(3);
  await expect(page.locator('[data-test="access"][data-role="pharmacy"][data-action="pharmacy_check"]')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screenshots/record-fr.png', fullPage: true });

  await page.selectOption('#kind', 'prescription');
  await page.click('[data-test="record-filter"] button[type="submit"]');
  await expect(page.locator('[data-test="record-entry"]')).toHaveCount(1);
  // The filter's choices still list every facility of the whole record.
  await expect(page.locator('#facility option')).toHaveCount(2);

  await page.goto('/lang/ar?next=/record');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await hydrated(page);
  await expect(page.locator('[data-test="record-entry"][data-kind="exam_result"]')).toContainText('خارج المعدل');
  await page.screenshot({ path: 'test-results/screenshots/record-ar.png', fullPage: true });
});
