import { expect, Page } from '@playwright/test';

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
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export async function switchLanguage(page: Page, lang: 'ar' | 'fr' | 'en') {
  await page.locator(`a[data-lang="${lang}"]`).click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** Signs in through the login form (in French) and lands on the profile page. */
export async function signIn(page: Page, login: string, password: string) {
  await page.goto('/lang/fr?next=/login');
  await hydrated(page);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button[type="submit"]');
  await expect(page).toHaveURL(/\/profile$/);
}
