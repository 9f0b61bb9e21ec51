import { expect, Page, APIRequestContext } from '@playwright/test';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

let counter = Date.now() % 100_000_000;

/** A NIN and a mobile number no other test run has used. */
export function uniqueCitizen() {
  counter += 1;
  const n = String(counter).padStart(8, '0');
  return {
    nin: `2${String(Date.now()).slice(-9)}${n}`.slice(0, 18).padEnd(18, '7'),
    phone: `07${n}`,
    password: 'la mer à Oran en été',
  };
}

/** Waits until the WASM has hydrated the page (set by the frontend crate). */
export async function hydrated(page: Page) {
  try {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  } catch (e) {
    // A panic in the WASM (a hydration mismatch, say) is written on the
    // body by the frontend crate: say it rather than only "timed out".
    const panic = await page.locator('body').getAttribute('data-panic').catch(() => null);
    throw panic ? new Error(`the page panicked while hydrating: ${panic}`) : e;
  }
}

/** The e2e server's process id, as scripts/test.sh's service loop wrote it. */
export function serverPid(): number {
  const pidfile = process.env.SIHATI_E2E_SERVER_PIDFILE;
  if (!pidfile) throw new Error('SIHATI_E2E_SERVER_PIDFILE is not set: run scripts/test.sh');
  return Number(fs.readFileSync(pidfile, 'utf8').trim());
}

/** Pauses the server's process: the kernel still accepts connections but
 * nothing answers, as on a connection that hangs. Returns what resumes it. */
export function pauseServer(): () => void {
  const pid = serverPid();
  process.kill(pid, 'SIGSTOP');
  return () => process.kill(pid, 'SIGCONT');
}

export async function switchLanguage(page: Page, lang: 'ar' | 'fr' | 'en') {
  await page.locator(`a[data-lang="${lang}"]`).click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** The demo staff's authenticator key (printed by the run command). */
export const DEMO_TOTP_SECRET = 'SIHATIDEMOSIHATIDEMOSIHATIDEMO23';

function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

/** RFC 6238 (HMAC-SHA-1, 6 digits, 30-second steps), written here from the
 * RFC rather than taken from the server, so each checks the other. */
export function totp(secret: string, at = Date.now()): string {
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(step).digest();
  const o = mac[mac.length - 1] & 15;
  const n = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/** Codes to try for one sign-in: this step's, then the next one's (the
 * server accepts one step of drift), then, after waiting for the step to
 * turn, the new one's — a code works once, and the same account may have
 * signed in a moment ago. */
async function* codesToTry(secret: string) {
  yield totp(secret);
  yield totp(secret, Date.now() + 30_000);
  await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
  yield totp(secret, Date.now() + 30_000);
}

/** The second step of a staff sign-in on the web: the authenticator's code. */
export async function secondFactor(page: Page, secret = DEMO_TOTP_SECRET) {
  await expect(page).toHaveURL(/\/signin\/code$/);
  await hydrated(page);
  for await (const code of codesToTry(secret)) {
    await page.fill('#code', code);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/sfn/second_factor')),
      page.click('button[type="submit"]'),
    ]);
    if (res.ok()) {
      await expect(page).toHaveURL(/\/profile$/);
      return;
    }
  }
  throw new Error('no code of the authenticator was accepted');
}

/** Signs in through the login form (in French) and lands on the profile
 * page; staff who need it give the demo authenticator's code. */
export async function signIn(page: Page, login: string, password: string) {
  await page.goto('/lang/fr?next=/login');
  await hydrated(page);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/(profile|signin\/code)$/);
  if (page.url().endsWith('/signin/code')) await secondFactor(page);
}

/** An access token for a demo staff login, with the authenticator's code. */
export async function staffToken(request: APIRequestContext, login: string, password = 'Sihati-demo-2026'): Promise<string> {
  for await (const otp of codesToTry(DEMO_TOTP_SECRET)) {
    const res = await request.post('/api/v1/auth/token', { data: { login, password, otp } });
    if (res.status() === 200) return (await res.json()).access_token;
    expect((await res.json()).code).toBe('mfa_invalid');
  }
  throw new Error(`no code accepted for ${login}`);
}

/** The SMS the server wrote for `phone` (files under SIHATI_E2E_SMS_DIR, the
 * embedded default's SMS output), oldest first. */
export function smsTo(phone: string): string[] {
  const dir = process.env.SIHATI_E2E_SMS_DIR;
  if (!dir) throw new Error('SIHATI_E2E_SMS_DIR is not set: run scripts/test.sh');
  if (!fs.existsSync(dir)) return [];
  const to = `To: +213${phone.replace(/\s/g, '').replace(/^0/, '')}\n`;
  return fs.readdirSync(dir)
    .map((f) => path.join(dir, f))
    .map((p) => ({ p, t: fs.statSync(p).mtimeMs, text: fs.readFileSync(p, 'utf8') }))
    .filter((m) => m.text.startsWith(to))
    .sort((a, b) => a.t - b.t)
    .map((m) => m.text);
}

/** The six-digit code of the `nth` SMS (1-based) sent to `phone`, waiting for it. */
export async function smsCode(phone: string, nth = 1): Promise<string> {
  await expect.poll(() => smsTo(phone).length, { timeout: 20_000, message: `SMS #${nth} to ${phone}` }).toBeGreaterThanOrEqual(nth);
  const text = smsTo(phone)[nth - 1];
  const code = text.match(/\b(\d{6})\b/);
  if (!code) throw new Error(`no code in ${text}`);
  return code[1];
}

/** Registers a citizen through the REST API and verifies their phone with
 * the code from the SMS, as the mobile app would. */
export async function registerCitizen(request: APIRequestContext, data: Record<string, string>) {
  const res = await request.post('/api/v1/auth/register', { data });
  expect(res.status()).toBe(201);
  const token = (await (await request.post('/api/v1/auth/token', { data: { login: data.phone, password: data.password } })).json()).access_token;
  const code = await smsCode(data.phone);
  const verified = await request.post('/api/v1/me/phone/verify', { data: { code }, headers: { authorization: `Bearer ${token}` } });
  expect(verified.status()).toBe(200);
  return token as string;
}

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A specialty without referral rule that has a free slot in wilaya 31
 * (3 to 24 days ahead; at one facility if given), and that slot's day in Algiers. */
export async function freeSlot(request: APIRequestContext, facility?: string): Promise<{ specialty: string; day: string }> {
  const from = isoDay(new Date(Date.now() + 3 * DAY_MS));
  const to = isoDay(new Date(Date.now() + 24 * DAY_MS));
  const at = facility ? `&facility_id=${facility}` : '';
  for (const specialty of ['paediatrics', 'dermatology', 'ophthalmology', 'ent', 'general_practice']) {
    const slots = (await (await request.get(`/api/v1/slots?specialty=${specialty}&wilaya=31&from=${from}&to=${to}${at}`)).json()).items;
    if (Array.isArray(slots) && slots.length > 0) {
      return { specialty, day: isoDay(new Date(new Date(slots[0].starts_at).getTime() + 3_600_000)) };
    }
  }
  throw new Error('no free slot in the demo data');
}

/** Searches that specialty and day on /book and presses the first slot's Book. */
export async function bookFirstSlot(page: Page, specialty: string, day: string) {
  await page.goto('/book');
  await hydrated(page);
  await page.selectOption('#specialty', specialty);
  await page.selectOption('#wilaya', '31');
  await page.fill('#from', day);
  await page.fill('#to', day);
  await page.click('[data-test="search"] button[type="submit"]');
  await page.locator('[data-test="slot"] button[type="submit"]').first().click();
}
