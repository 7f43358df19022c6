// Lighthouse (mobile preset: a mid-range phone on a slow 4G link) against the release build, on
// the screens people open first: the customer home, a store's menu, an order's tracking page,
// the kitchen and the rider screen. Prints one row per page. A measurement, not a test: run it
// through scripts/lighthouse.sh, which gives it a throwaway PostgreSQL.
//
// Each page is measured in a Chromium of its own (an empty cache, no service worker) that holds
// the role's login cookies in its cookie jar. Lighthouse's `--extra-headers` is no way to log in:
// once a page sets a cookie of its own (the language it chose), Chromium sends the jar's cookies
// instead of that header, and every server-function call after hydration answers 401.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { longTasks } from './main-thread.mjs';

// Lighthouse (and the puppeteer-core it comes with) from the npm registry, installed once.
const lighthouseHome = join(homedir(), '.cache', 'baedal', 'lighthouse');
if (!existsSync(join(lighthouseHome, 'node_modules', 'lighthouse'))) {
  mkdirSync(lighthouseHome, { recursive: true });
  writeFileSync(join(lighthouseHome, 'package.json'), '{"private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', 'lighthouse@12.8.2'], { cwd: lighthouseHome, stdio: 'inherit' });
}
const installed = createRequire(join(lighthouseHome, 'package.json'));
const { default: lighthouse } = await import(pathToFileURL(installed.resolve('lighthouse')).href);
const { default: puppeteer } = await import(pathToFileURL(installed.resolve('puppeteer-core')).href);

const port = Number(process.env.LIGHTHOUSE_PORT ?? 3400);
const base = `http://127.0.0.1:${port}`;
const target = process.env.CARGO_TARGET_DIR ?? 'target';
const password = 'baedal-demo';

const server = spawn(join(target, 'release', 'server'), [], {
  env: {
    ...process.env,
    BAEDAL_DEMO: '1',
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: 'target/site',
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.on('exit', () => server.kill());

async function until(check) {
  for (let i = 0; i < 120; i++) {
    try {
      if (await check()) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not start');
}

async function logIn(email) {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ email, password }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${await response.text()}`);
  // Every cookie the login sets (the device's and the session's).
  return response.headers.getSetCookie().map((cookie) => {
    const [name, ...value] = cookie.split(';')[0].split('=');
    return { name, value: value.join('=') };
  });
}

async function call(cookies, endpoint, body, json = false) {
  const response = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: {
      cookie: cookies.map(({ name, value }) => `${name}=${value}`).join('; '),
      accept: 'application/json',
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  if (!response.ok) throw new Error(`${endpoint}: ${await response.text()}`);
  return response.json();
}

await until(async () => (await fetch(`${base}/login`)).ok);
const customer = await logIn('minji@baedal.test');
const owner = await logIn('owner.halmae@baedal.test');
const rider = await logIn('rider.dohyun@baedal.test');

// A real order to track: four of a dish from the 24-hour store, to the customer's first address.
const [address] = await call(customer, 'my_addresses', {});
const stores = await call(customer, 'nearby_stores', { lat: address.position.lat, lng: address.position.lng });
const store = stores.find((s) => s.name === '서울숲 24시 김밥') ?? stores[0];
const menu = await call(customer, 'store_menu', { store_id: store.store_id });
const dish = menu.items.find((i) => i.groups.length === 0 && !i.sold_out);
const orderId = await call(
  customer,
  'place_order',
  { order: { store_id: store.store_id, address_id: address.address_id, lines: [{ item_id: dish.item_id, quantity: 4, option_ids: [] }] } },
  true,
);

const pages = [
  ['customer home', '/', customer],
  ['store menu', `/stores/${store.store_id}`, customer],
  ['order tracking', `/orders/${orderId}`, customer],
  ['kitchen', '/store', owner],
  ['rider', '/rider', rider],
];

const out = mkdtempSync(join(tmpdir(), 'baedal-lighthouse-'));
const rows = [];
const mainThread = [];
for (const [name, path, cookies] of pages) {
  const report = join(out, `${name.replace(/\W+/g, '-')}.json`);
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  await browser.setCookie(
    ...cookies.map(({ name, value }) => ({ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' })),
  );
  const page = await browser.newPage();
  // The browser is new, so its cache is empty; resetting storage would also drop the login.
  const run = await lighthouse(
    `${base}${path}`,
    {
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      disableStorageReset: true,
      // Which tasks a WebAssembly compile or instantiation filled (main-thread.mjs).
      additionalTraceCategories: 'v8.wasm',
    },
    undefined,
    page,
  );
  await browser.close();
  writeFileSync(report, run.report);
  writeFileSync(report.replace(/\.json$/, '.trace.json'), JSON.stringify(run.artifacts.Trace));
  mainThread.push([name, longTasks(run.artifacts.Trace.traceEvents)]);
  const result = run.lhr;
  const score = (id) => Math.round(result.categories[id].score * 100);
  const audit = (id) => result.audits[id].numericValue;
  rows.push({
    page: name,
    performance: score('performance'),
    accessibility: score('accessibility'),
    'best practices': score('best-practices'),
    'LCP s': (audit('largest-contentful-paint') / 1000).toFixed(2),
    'TBT ms': Math.round(audit('total-blocking-time')),
    CLS: audit('cumulative-layout-shift').toFixed(3),
    'bytes KB': Math.round(audit('total-byte-weight') / 1024),
  });
}
console.table(rows);
console.log('goal: performance >= 95, accessibility 100, best practices >= 95, LCP <= 1.5 s, TBT <= 100 ms, CLS <= 0.05');
// What blocks: the page's tasks of 10 ms or more in the unthrottled run Lighthouse recorded.
for (const [name, { tasks, firstPaintMs }] of mainThread) {
  console.log(`\n${name}: first contentful paint at ${firstPaintMs} ms; main-thread tasks of 10 ms or more`);
  console.table(tasks);
}
console.log(`reports and traces: ${out}`);
process.exit(0);
