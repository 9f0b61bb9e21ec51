import { defineConfig } from '@playwright/test';

// The browser is Debian's Chromium; Playwright never downloads one
// (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 in scripts/test.sh).
const chromium = process.env.SIHATI_CHROMIUM ?? '/usr/bin/chromium';
const baseURL = process.env.SIHATI_E2E_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results/output',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 390, height: 844 }, // a common phone
    // Sihati's service worker is tested in offline.spec.ts; elsewhere it is
    // blocked, so that page.route sees every request (Playwright's advice).
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
