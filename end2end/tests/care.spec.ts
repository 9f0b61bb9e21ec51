import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { hydrated, registerCitizen, signIn, uniqueCitizen } from './helpers';
// Two validators that know FHIR R4: HL7's JSON schema (structure, types,
// closed objects) and FHIR.js (profiles: cardinalities, required value sets).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const SchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Fhir } = require('fhir');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function write(page: Page, kind: string, fill: () => Promise<void>) {
  await page.selectOption('#write_kind', kind);
  await fill();
  await page.click('[data-test="save-entry"]');
  await expect(page.locator('[data-test="saved"]')).toBeVisible();
  await expect(page.locator(`[data-test="record-entry"][data-kind="${kind}"]`).first()).toBeVisible();
}

test('a practitioner opens a record by NIN and writes it in the browser; the patient reads it in French and Arabic, downloads the PDF and a valid FHIR export, and sees who looked', async ({ browser, request }) => {
  const c = uniqueCitizen();
  await registerCitizen(request, { nin: c.nin, given_name: 'Lina', family_name: 'Mansouri', birth_date: '1988-09-21', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });

  // The practitioner, in the browser.
  const staff = await browser.newContext();
  const doc = await staff.newPage();
  await signIn(doc, '0550000003', 'Sihati-demo-2026');
  await doc.goto('/care');
  await hydrated(doc);
  await doc.fill('#care_nin', c.nin);
  await doc.fill('#care_reason', 'Douleur thoracique, sans rendez-vous');
  await doc.click('[data-test="care-lookup"] button[type="submit"]');
  await expect(doc).toHaveURL(/\/care\/[0-9a-f-]{36}$/);
  await hydrated(doc);
  await expect(doc.locator('[data-test="care-patient-name"]')).toBeVisible();

  await write(doc, 'consultation', async () => {
    await doc.fill('#w_reason', 'Toux et essoufflement');
    await doc.fill('#w_findings', 'Sibilants diffus');
    await doc.fill('#w_icd', 'asthme');
    await doc.locator('[data-test="icd-results"] button', { hasText: 'J45.9' }).click();
    await expect(doc.locator('#w_code')).toHaveValue('J45.9');
  });
  await write(doc, 'prescription', async () => {
    const line = doc.locator('[data-test="rx-line"]').first().locator('input');
    await line.nth(0).fill('Salbutamol');
    await line.nth(1).fill('inhalateur');
    await line.nth(2).fill('100 µg');
    await line.nth(3).fill('2 bouffées si besoin');
    await line.nth(4).fill('3 mois');
  });
  await write(doc, 'exam_request', async () => {
    await doc.fill('#w_exam', 'Radiographie thoracique');
    await doc.selectOption('#w_category', 'imaging');
  });
  await write(doc, 'exam_result', async () => {
    const request = await doc.locator('#w_request option').nth(1).getAttribute('value');
    await doc.selectOption('#w_request', request!);
    await expect(doc.locator('#w_rexam')).toHaveValue('Radiographie thoracique');
    const v = doc.locator('[data-test="value-line"]').first().locator('input');
    await v.nth(0).fill('Indice cardiothoracique');
    await v.nth(1).fill('0,48');
    await v.nth(3).fill('0');
    await v.nth(4).fill('0.5');
    await doc.fill('#w_report', 'Pas d\'anomalie parenchymateuse');
  });
  // The report as a PDF, on the result.
  const result = doc.locator('[data-test="record-entry"][data-kind="exam_result"]');
  await result.locator('input[type="file"]').setInputFiles({ name: 'radio-thorax.pdf', mimeType: 'application/pdf', buffer: PDF });
  await result.locator('[data-test="upload"] button[type="submit"]').click();
  await expect(doc.locator('[data-test="file-ok"]')).toBeVisible();
  await expect(doc.locator('[data-test="attachment"]')).toHaveText('radio-thorax.pdf');
  // Something that is not a PDF is refused, with the reason.
  await doc.locator('[data-test="record-entry"][data-kind="exam_result"] input[type="file"]').setInputFiles({ name: 'page.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script>') });
  await doc.locator('[data-test="record-entry"][data-kind="exam_result"] [data-test="upload"] button[type="submit"]').click();
  await expect(doc.locator('[data-test="file-error"]')).toHaveAttribute('data-code', 'file_type_rejected');
  // A mistake: the request is marked entered in error (it stays, marked).
  const wrong = doc.locator('[data-test="record-entry"][data-kind="exam_request"]');
  await wrong.locator('summary').click();
  await wrong.locator('[data-test="mark-error"] input[name="reason"]').fill('Mauvais patient');
  await wrong.locator('[data-test="mark-error"] button[type="submit"]').click();
  await expect(doc.locator('[data-test="record-entry"][data-kind="exam_request"]')).toHaveAttribute('data-status', 'entered_in_error');

  // A referral to a specialty, for referral-required booking.
  await doc.locator('[data-test="care-refer"]').locator('xpath=..').locator('summary').click();
  await doc.selectOption('#care_refer_specialty', { index: 1 });
  await doc.fill('#care_refer_reason', 'Avis pneumologique');
  await doc.fill('#care_refer_expires', new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
  await doc.click('[data-test="care-refer"] button[type="submit"]');
  await expect(doc.locator('[data-test="referred"]')).toBeVisible();
  await doc.screenshot({ path: 'test-results/screenshots/care-fr.png', fullPage: true });

  // The patient, in another browser.
  const mine = await browser.newContext({ acceptDownloads: true });
  const page = await mine.newPage();
  await signIn(page, c.phone, c.password);
  await page.goto('/record');
  await hydrated(page);
  const entries = page.locator('[data-test="record-entry"]');
  await expect(entries).toHaveCount(4);
  await expect(page.locator('[data-test="record-entry"][data-kind="consultation"]')).toContainText('J45.9');
  await expect(page.locator('[data-test="record-entry"][data-kind="prescription"]')).toContainText('Salbutamol');
  await expect(page.locator('[data-test="record-entry"][data-kind="exam_request"]')).toContainText('Radiographie thoracique');
  await expect(page.locator('[data-test="record-entry"][data-kind="exam_request"]')).toContainText('Mauvais patient');
  await expect(page.locator('[data-test="record-entry"][data-kind="exam_result"]')).toContainText('0,48');

  // The PDF, as a download.
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="attachment"]')]);
  expect(pdf.suggestedFilename()).toBe('radio-thorax.pdf');
  expect(readFileSync((await pdf.path())!)).toEqual(PDF);

  // The FHIR export, accepted by both validators.
  const [fhirDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-fhir"]')]);
  const bundle = JSON.parse(readFileSync((await fhirDownload.path())!, 'utf8'));
  const schemaErrors = new SchemaValidator().validate(bundle);
  expect(schemaErrors, JSON.stringify(schemaErrors).slice(0, 2000)).toEqual([]);
  const profile = new Fhir().validate(bundle, { errorOnUnexpected: true });
  expect(profile.messages.filter((m: { severity: string }) => m.severity === 'error'), JSON.stringify(profile.messages).slice(0, 2000)).toEqual([]);
  expect(profile.valid).toBe(true);
  const types = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort();
  for (const t of ['Patient', 'Encounter', 'Condition', 'MedicationRequest', 'ServiceRequest', 'DiagnosticReport', 'Observation', 'DocumentReference']) {
    expect(types, t).toContain(t);
  }
  expect(bundle.entry[0].resource.identifier[0].value).toBe(c.nin);

  const token = (await (await request.post('/api/v1/auth/token', { data: { login: c.phone, password: c.password } })).json()).access_token;
  const referrals = (await (await request.get('/api/v1/me/referrals', { headers: { authorization: `Bearer ${token}` } })).json()).items;
  expect(referrals.length).toBe(1);

  // Who looked: the look-up with its reason, the practitioner's writes.
  await expect(page.locator('[data-test="access"][data-action="lookup"]')).toContainText('Douleur thoracique, sans rendez-vous');
  await expect(page.locator('[data-test="access"][data-role="practitioner"][data-action="write_entry"]')).toHaveCount(4);
  await expect(page.locator('[data-test="access"][data-role="practitioner"][data-action="attach_file"]')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screenshots/record-care-fr.png', fullPage: true });

  // The prescription, printable, with its code.
  await page.click('[data-test="print-prescription"]');
  await expect(page.locator('[data-test="prescription-page"]')).toContainText('Salbutamol');
  await expect(page.locator('[data-test="rx-code"]')).toHaveText(/^[A-Z2-9]{10}$/);
  await page.screenshot({ path: 'test-results/screenshots/prescription-fr.png', fullPage: true });

  // And in Arabic.
  await page.goto('/lang/ar?next=/record');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await hydrated(page);
  await expect(entries).toHaveCount(4);
  await expect(page.locator('[data-test="record-entry"][data-kind="prescription"]')).toContainText('وصفة');
  await expect(page.locator('[data-test="access"][data-action="lookup"]')).toContainText('فتح الملف');
  await page.screenshot({ path: 'test-results/screenshots/record-care-ar.png', fullPage: true });

  // The printable record.
  await page.goto('/record/print');
  await hydrated(page);
  await expect(page.locator('[data-test="print-page"] [data-test="record-entry"]')).toHaveCount(4);
  await staff.close();
  await mine.close();
});
