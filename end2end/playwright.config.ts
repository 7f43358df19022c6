import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

// The tests start the real server on a database of their own, loaded with the demo data.
// `make test` provides DATABASE_URL (a private PostgreSQL cluster); each run gets a new database.
const baseDatabaseUrl = process.env.DATABASE_URL;
if (!baseDatabaseUrl) {
  throw new Error(
    'DATABASE_URL is not set. Run the browser tests through `make test`, which starts a private PostgreSQL.',
  );
}
// One database for the run. Each worker loads this file again: it finds the name the first load
// chose in the environment it inherited, so a test that runs the server's command line
// (`createOperator` in tests/helpers.ts) reaches the database the server uses.
const databaseUrl = new URL(process.env.BAEDAL_E2E_DATABASE_URL ?? baseDatabaseUrl);
if (!process.env.BAEDAL_E2E_DATABASE_URL) {
  databaseUrl.pathname = `/baedal_e2e_${Date.now()}`;
  process.env.BAEDAL_E2E_DATABASE_URL = databaseUrl.toString();
}

const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The payment provider: the simulator as its own process, so tests can overload it (the same
// address as `providerURL` in tests/helpers.ts).
const providerURL = `http://127.0.0.1:${port + 99}`;
// The geocoding provider, likewise its own process so a test can take it down (`geocoderURL` in
// tests/helpers.ts).
const geocoderURL = `http://127.0.0.1:${port + 98}`;
const geocoderKey = 'e2e-geocoder-key';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  // One retry, reported by name as "flaky" in the summary. On 2026-12-06 three tests failed
  // about one full run in two and passed on their own: offline.spec's dead zone and saga.spec's
  // two riders (a rider's button "detached from the DOM" under the click, the card drawn again),
  // and addresses.spec (a menu's "Add to cart" not found within the test's time). A test that
  // fails twice still fails the run; the redrawn rider card is a bug still to be found.
  retries: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  use: {
    baseURL,
    // English unless a test asks for Korean: the app picks its language from the browser.
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // The system Chromium: nothing is downloaded on these machines.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  ],
  webServer: [
  {
    command: `${path.join(targetDir, 'debug', 'payment-gateway-sim')} --port ${port + 99} --test-controls`,
    url: `${providerURL}/control`,
    timeout: 30_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
  {
    command: `${path.join(targetDir, 'debug', 'geocoder-sim')} --port ${port + 98} --key ${geocoderKey} --test-controls`,
    url: `${geocoderURL}/control`,
    timeout: 30_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
  {
    command: path.join(targetDir, 'debug', 'server'),
    cwd: root,
    url: `${baseURL}/`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: databaseUrl.toString(),
      BAEDAL_DEMO: '1',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
      RUST_LOG: 'warn,server=info',
      BAEDAL_PAYMENT_URL: providerURL,
      BAEDAL_GEOCODER_URL: geocoderURL,
      BAEDAL_GEOCODER_KEY: geocoderKey,
      // Every test logs in from this one address, often with the same demo account.
      BAEDAL_LOGINS_PER_ACCOUNT: '600',
      BAEDAL_LOGINS_PER_ADDRESS: '600',
    },
  },
  ],
});
