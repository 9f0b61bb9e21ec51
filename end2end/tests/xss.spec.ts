import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { hydrated, registerCitizen, signIn, staffToken, uniqueCitizen } from './helpers';
import { PAYLOADS } from './xss-payloads';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** Watches for any script a payload could run. */
async function guard(page: Page): Promise<string[]> {
  const fired: string[] = [];
  page.on('dialog', async (d) => { fired.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__xss = [];
    for (const f of ['alert', 'confirm', 'prompt']) w[f] = (m: unknown) => (w.__xss as unknown[]).push(String(m));
  });
  return fired;
}

/** No payload ran, and none became markup: only text. */
async function expectInert(page: Page, fired: string[], where: string, shown = `<script>alert('XSS')</script>`) {
  await page.waitForLoadState('load');
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const bad: string[] = [];
    const main = document.querySelector('main')!;
    for (const el of Array.from(main.querySelectorAll('*'))) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed', 'svg', 'math', 'base', 'link', 'meta', 'style', 'video', 'audio', 'marquee', 'isindex', 'img'].includes(tag)) bad.push(`<${tag}>`);
      for (const a of Array.from(el.attributes)) {
        if (a.name.startsWith('on')) bad.push(`${tag}[${a.name}]`);
        if (['href', 'src', 'action', 'formaction', 'data', 'srcdoc'].includes(a.name) && /^\s*(javascript|data):/i.test(a.value)) bad.push(`${tag}[${a.name}=${a.value}]`);
      }
    }
    return { calls: w.__xss as string[], pwned: w.__pwned ?? null, bad, text: main.innerText };
  });
  expect(fired, `${where}: dialogs`).toEqual([]);
  expect(state.calls, `${where}: alert/confirm/prompt`).toEqual([]);
  expect(state.pwned, `${where}: window.__pwned`).toBeNull();
  expect(state.bad, `${where}: injected markup`).toEqual([]);
  expect(state.text, `${where}: payloads shown as text`).toContain(shown);
}

async function api(request: APIRequestContext, token: string, path: string, data: object) {
  const res = await request.post(path, { headers: { authorization: `Bearer ${token}` }, data });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

test('52 script payloads in every free-text field stay text on the patient and staff pages', async ({ browser, request }) => {
  test.setTimeout(240_000);
  const c = uniqueCitizen();
  await registerCitizen(request, { nin: c.nin, given_name: 'Sara', family_name: 'Kaci', birth_date: '1995-02-14', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });
  const doctor = await staffToken(request, '0550000003');

  let subject = '';
  let prescription = '';
  for (const p of PAYLOADS) {
    const cut = (n: number) => p.slice(0, n);
    const found = await api(request, doctor, '/api/v1/record/lookup', { nin: c.nin, reason: p.length >= 5 ? p : `${p}.....` });
    subject = found.subject_id;
    const w = (data: object) => api(request, doctor, `/api/v1/record/${subject}/entries`, data);
    const consultation = await w({ kind: 'consultation', reason: p, findings: p, diagnosis_code: 'J45.9', diagnosis_text: p });
    const rx = await w({ kind: 'prescription', items: [{ medication: p, form: p, dose: p, frequency: p, duration: p, instructions: p }] });
    prescription = prescription || rx.id;
    await w({ kind: 'exam_request', category: 'laboratory', exam: p, priority: 'routine', clinical_notes: p });
    const result = await w({ kind: 'exam_result', exam: p, values: [{ name: cut(200), value: cut(200), unit: cut(50) }], report: p });
    await w({ kind: 'vaccination', vaccine: cut(200), date: '2021-05-01', lot: cut(100) });
    await w({ kind: 'allergy', substance: cut(200), reaction: p, severity: 'mild' });
    await api(request, doctor, `/api/v1/record/entries/${consultation.id}/entered-in-error`, { reason: p });
    const up = await request.post(`/api/v1/record/entries/${result.id}/attachments`, {
      headers: { authorization: `Bearer ${doctor}` },
      multipart: { file: { name: `${p}.png`, mimeType: 'image/png', buffer: PNG } },
    });
    expect(up.status()).toBe(201);
  }

  // The patient's pages.
  const mine = await browser.newContext();
  const page = await mine.newPage();
  const fired = await guard(page);
  await signIn(page, c.phone, c.password);
  for (const path of ['/record', '/record/print', `/prescription/${prescription}`]) {
    await page.goto(path);
    // The server's HTML first, then the page the WASM has taken over.
    await expectInert(page, fired, `${path} (server-rendered)`);
    await hydrated(page);
    await expectInert(page, fired, path);
  }
  await page.goto('/record');
  await hydrated(page);
  await page.screenshot({ path: 'test-results/screenshots/xss-record.png' });
  // The look-up and entered-in-error reasons are in "who looked", as text,
  // page after page (50 rows a page).
  let reasons = 0;
  for (;;) {
    await expectInert(page, fired, page.url());
    reasons += await page.locator('[data-test="access-reason"]').count();
    const older = page.locator('[data-test="accesses-older"]');
    if (await older.count() === 0) break;
    await page.goto((await older.getAttribute('href'))!);
    await hydrated(page);
  }
  expect(reasons).toBe(2 * 52);

  // The practitioner's pages.
  const staff = await browser.newContext();
  const doc = await staff.newPage();
  const firedStaff = await guard(doc);
  await signIn(doc, '0550000003', 'Sihati-demo-2026');
  for (const path of ['/care', `/care/${subject}`]) {
    await doc.goto(path);
    await expectInert(doc, firedStaff, `${path} (server-rendered)`, path === '/care' ? PAYLOADS[PAYLOADS.length - 1] : undefined);
    await hydrated(doc);
    // The care list shows the newest look-up's reason: the last payload.
    await expectInert(doc, firedStaff, path, path === '/care' ? PAYLOADS[PAYLOADS.length - 1] : undefined);
  }
  await mine.close();
  await staff.close();
});
