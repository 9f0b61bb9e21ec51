import { test, expect } from '@playwright/test';
import { hydrated } from './helpers';

// A lazy page's code is its own WASM chunk, fetched when the page is
// opened. If that download fails (a cut connection on a phone, a download
// a navigation interrupted), Leptos 0.8 cannot go on and the app stops:
// the frontend loads the page afresh, once (the page the app was on when
// the navigation had not yet changed the address), and the app then works.
test('an app whose lazy page code failed to arrive is loaded afresh once, then works', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  let aborted = 0;
  let served = 0;
  await page.route(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/, (route) => {
    if (aborted === 0) {
      aborted += 1;
      return route.abort('connectionreset');
    }
    served += 1;
    return route.continue();
  });
  const reloaded = page.waitForEvent('load');
  // The forgotten-password page is lazy; its link is followed in the app.
  await page.click('[data-test="forgot-link"]');
  await reloaded;
  await hydrated(page);
  await expect(page.locator('body')).not.toHaveAttribute('data-panic', /./);
  expect(aborted).toBe(1);
  // The app works again: the same link now opens the page, its code fetched.
  await page.click('[data-test="forgot-link"]');
  await expect(page).toHaveURL(/\/forgot$/);
  expect(served).toBeGreaterThan(0);
  // Interactive: the login typed in the first form is in the second.
  await page.fill('#forgot-login', '0550000001');
  await expect(page.locator('#login')).toHaveValue('0550000001');
  await expect(page.locator('body')).not.toHaveAttribute('data-panic', /./);
});
